import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { makeEvidenceCase, makeNarrative, withPersonName } from "../support/case-fixtures";

// Fonts parsed and strings shaped once per isolate (lib/pdf/fonts/parsed.ts) must not change a document: the same
// case gives the same bytes whether the isolate is fresh or has rendered other cases first, in any order, and
// every document's text layer keeps the characters its own strings stand for (the script cases of pdf.test.ts,
// rendered after many other cases in one isolate, guard the same).

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};
const workDir = mkdtempSync(join(tmpdir(), "rebuttal-parsed-fonts-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** renderEvidencePdf from a fresh module graph: a new isolate's empty font cache. */
async function freshRenderer() {
	vi.resetModules();
	const { renderEvidencePdf } = await import("../../lib/pdf/render");
	return async (name: string) =>
		(await renderEvidencePdf(withPersonName(name, makeEvidenceCase()), makeNarrative(), { fonts })).bytes;
}

function pdfText(bytes: Uint8Array): string {
	const path = join(workDir, `doc-${Math.random().toString(36).slice(2)}.pdf`);
	writeFileSync(path, bytes);
	return execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

const NAMES = ["Ελληνικά Όνομα", "Zażółć gęślą jaźń", "Maria Kowalski", "Русский Иванов", "ɑlpha Ωmega fi fl"];

describe("fonts parsed once per isolate", () => {
	it("give the same bytes for a case whatever the isolate rendered before", async () => {
		const cold = await freshRenderer();
		const first = await Promise.all(NAMES.map((n) => cold(n)));
		const again = await Promise.all([...NAMES].reverse().map((n) => cold(n)));
		const reversed = await freshRenderer();
		const fromReversed: Uint8Array[] = [];
		for (const n of [...NAMES].reverse()) fromReversed.unshift(await reversed(n));
		NAMES.forEach((name, i) => {
			expect(Buffer.from(again[NAMES.length - 1 - i]!).equals(Buffer.from(first[i]!)), name).toBe(true);
			expect(Buffer.from(fromReversed[i]!).equals(Buffer.from(first[i]!)), name).toBe(true);
		});
	});

	it("keep each document's own characters in its text layer", async () => {
		const render = await freshRenderer();
		for (const name of [...NAMES, ...NAMES]) expect(pdfText(await render(name))).toContain(name.replace(/\s+/g, " "));
	});
});
