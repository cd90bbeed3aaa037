import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderCommunication } from "../../lib/documents/communication";
import type { SupportMessage } from "../../lib/evidence/support-messages";
import { translateMessages } from "../../lib/narrative/translate";
import { type AnthropicFake, startAnthropicFake } from "../../local/anthropic-fake";
import { pdfPageTexts } from "../support/grade";

// The customer-communication document with translations: the original is quoted verbatim, a message not in
// English gets a marked machine translation right after it (through the real SDK against the fake Messages
// API), an English message gets none, and without a key or with a failing model nothing is translated.

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};

const FRENCH = "Bonjour, je n'ai pas reçu ma commande et je voudrais être remboursé, merci.";
const ENGLISH = "Thanks, the export works now and the invoice looks right to me.";
const messages: SupportMessage[] = [
	{ occurredAt: "2026-03-01T10:00:00.000Z", text: FRENCH, channel: "email", from: "customer" },
	{ occurredAt: "2026-03-02T10:00:00.000Z", text: ENGLISH, channel: "chat", from: "customer" },
];
const context = { merchantName: "Acme Studio", disputeId: "du_translate", customerName: "Camille Durand", value: 1 };

let fake: AnthropicFake;
beforeAll(async () => {
	fake = await startAnthropicFake();
});
afterAll(async () => {
	await fake?.close();
});
afterEach(() => {
	fake.reset();
	fake.setDefault({ kind: "valid" });
});

async function documentText(apiKey: string | undefined): Promise<string> {
	const doc = await renderCommunication(messages, context, fonts, (texts) =>
		translateMessages(texts, { apiKey, baseURL: fake.url, timeoutMs: 5_000 }),
	);
	if (!doc) throw new Error("no communication document");
	return pdfPageTexts(doc.bytes).join("\n").replace(/\s+/g, " ");
}

describe("customer communication with translations", () => {
	it("puts a marked translation right after a message not in English, and none after an English one", async () => {
		const text = await documentText("sk-ant-test-communication");
		const original = text.indexOf("Bonjour, je n'ai pas reçu ma commande");
		const label = text.indexOf(
			"Translation from French (machine translation by Claude; the original above is authoritative)",
		);
		const translation = text.indexOf("[translated] Bonjour");
		const english = text.indexOf("Thanks, the export works now");
		expect(original).toBeGreaterThan(-1);
		expect(label).toBeGreaterThan(original);
		expect(translation).toBeGreaterThan(label);
		expect(english).toBeGreaterThan(translation);
		expect(text.match(/Translation from/g)).toHaveLength(1);
		expect(fake.requests().filter((r) => r.path === "/v1/messages")).toHaveLength(1);
	});

	it("quotes only, and asks nothing, without a Claude key", async () => {
		const text = await documentText(undefined);
		expect(text).toContain("Bonjour, je n'ai pas reçu ma commande");
		expect(text).not.toContain("Translation");
		expect(fake.requests()).toHaveLength(0);
	});

	it("quotes only when the model fails", async () => {
		fake.setDefault({ kind: "error", status: 529 });
		const text = await documentText("sk-ant-test-communication");
		expect(text).toContain("Bonjour, je n'ai pas reçu ma commande");
		expect(text).not.toContain("Translation");
	});
});
