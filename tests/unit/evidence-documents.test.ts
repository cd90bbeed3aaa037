import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fitDocuments } from "../../lib/documents/budget";
import { buildCaseDocuments } from "../../lib/documents/build";
import type { EvidenceDocument } from "../../lib/documents/types";
import { summariseInvoice } from "../../lib/evidence/billing";
import { buildEvidenceFields } from "../../lib/evidence/fields";
import { loadPoliciesInForce, type PolicyVersion } from "../../lib/evidence/policies";
import type { SupportMessage } from "../../lib/evidence/support-messages";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { renderEvidencePdf } from "../../lib/pdf/render";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { gradeRendered, pdfPageTexts } from "../support/grade";
import { makeEvidenceCase, makeInvoice, makeSubscription } from "../support/stripe-fixtures";

// The documents a case carries besides the report, per reason: which are made and which fields they fill, with
// and without the merchant's policies, and the byte and page budget across all of a dispute's files.

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};

const merchant = {
	name: "Acme Studio",
	supportEmail: "help@acme.example",
	supportUrl: "https://acme.example/help",
	supportPhone: null,
	country: "US",
};

const POLICIES: Record<"cancellation" | "refund" | "terms", PolicyVersion> = {
	cancellation: {
		id: "pol_cancel_3",
		kind: "cancellation",
		version: "2025-09",
		title: "Cancellation policy",
		body: "# Cancelling\n\nYou can cancel at any time from Settings → Billing. Your plan stays active until the end of the period you paid for; we do not refund partial periods.",
		url: "https://acme.example/legal/cancellation",
		effectiveAt: "2025-09-01T00:00:00.000Z",
		disclosure: "linked beside the Subscribe button at checkout, with a required checkbox",
	},
	refund: {
		id: "pol_refund_2",
		kind: "refund",
		version: "2025-06",
		title: "Refund policy",
		body: "Refunds are given within 14 days of the first payment of a plan.",
		url: "https://acme.example/legal/refunds",
		effectiveAt: "2025-06-01T00:00:00.000Z",
		disclosure: "shown on the checkout page under the price",
	},
	terms: {
		id: "pol_terms_5",
		kind: "terms",
		version: "2025-06",
		title: "Terms of service",
		body: "Terms.",
		url: "https://acme.example/legal/terms",
		effectiveAt: "2025-06-01T00:00:00.000Z",
		disclosure: null,
	},
};

const MESSAGES: SupportMessage[] = [
	{
		occurredAt: "2026-03-14T10:00:00.000Z",
		text: "Can I get an invoice for March?",
		channel: "email",
		from: "customer",
	},
	{ occurredAt: "2026-03-14T11:30:00.000Z", text: "Of course, it is attached.", channel: "email", from: "merchant" },
	{ occurredAt: "2026-03-20T09:00:00.000Z", text: "Merci, tout fonctionne !", channel: "chat", from: "customer" },
];

async function documentsFor(reason: string, withPolicies: boolean, messages = MESSAGES) {
	const c = makeEvidenceCase(reason, "rich", {
		billing: summariseInvoice(makeInvoice(), makeSubscription()),
		refunds: [],
	});
	const built = await buildCaseDocuments(c, { merchant, policies: withPolicies ? POLICIES : {}, messages, fonts });
	return { c, built };
}

async function textOf(doc: EvidenceDocument): Promise<string> {
	const loaded = await PDFDocument.load(doc.bytes);
	expect(loaded.getPageCount()).toBe(doc.pages);
	return Buffer.from(doc.bytes).toString("latin1");
}

describe("documents per reason", () => {
	it.each([
		[
			"subscription_canceled",
			true,
			["cancellation_policy", "customer_communication", "receipt"],
			"cancellation_policy_disclosure",
		],
		["subscription_canceled", false, ["customer_communication", "receipt"], null],
		["credit_not_processed", true, ["customer_communication", "receipt", "refund_policy"], "refund_policy_disclosure"],
		["product_unacceptable", true, ["customer_communication", "receipt", "refund_policy"], "refund_policy_disclosure"],
		["product_not_received", true, ["customer_communication", "receipt", "refund_policy"], "refund_policy_disclosure"],
		["fraudulent", true, ["customer_communication", "receipt"], null],
		["unrecognized", false, ["customer_communication", "receipt"], null],
		["duplicate", true, ["customer_communication", "receipt"], null],
		["insufficient_funds", true, ["customer_communication", "receipt"], null],
	] as const)("%s (policies: %s) makes %j and writes %s", async (reason, withPolicies, fields, disclosure) => {
		const { c, built } = await documentsFor(reason, withPolicies);
		expect(built.documents.map((d) => d.field).sort()).toEqual([...fields]);
		for (const d of built.documents) expect(d.pages).toBeGreaterThan(0);
		const evidence = buildEvidenceFields(
			c,
			writeTemplateNarrative(c),
			"file_report",
			built.documents.map((d) => ({ field: d.field, fileId: `file_${d.field}` })),
			built.texts,
		);
		for (const f of fields) expect(evidence[f]).toBe(`file_${f}`);
		if (disclosure) {
			expect(evidence[disclosure]).toMatch(/version 20\d\d-\d\d, effective/);
			expect(evidence[disclosure]).toMatch(/How it is shown to customers before they pay: .+\./);
			expect(evidence[disclosure]).toContain(
				"This customer accepted the terms of service (version 2025-06) on 2 Nov 2025",
			);
		} else {
			expect(evidence.cancellation_policy_disclosure).toBeUndefined();
			expect(evidence.refund_policy_disclosure).toBeUndefined();
		}
		if (!withPolicies && reason === "subscription_canceled")
			expect(built.wouldHelp).toEqual([expect.stringMatching(/published cancellation policy in rebuttal.policies/)]);
	});

	it("the receipt names the merchant, its contact, the amount, the invoice and the service period", async () => {
		const { built } = await documentsFor("subscription_canceled", true);
		const receipt = built.documents.find((d) => d.field === "receipt")!;
		expect(receipt.title).toBe("Receipt for the payment");
		await textOf(receipt);
		const again = await documentsFor("subscription_canceled", true);
		expect(again.built.documents.find((d) => d.field === "receipt")!.sha256).toBe(receipt.sha256);
	});

	it("no messages on record: no communication document, and nothing said about their absence", async () => {
		const { built } = await documentsFor("fraudulent", true, []);
		expect(built.documents.map((d) => d.field)).toEqual(["receipt"]);
		expect(JSON.stringify(built)).not.toMatch(/never contacted|no messages/i);
	});
});

describe("the documents in the cover letter and the grade", () => {
	it("lists each document as a numbered exhibit with its file field, and the grader finds the files", async () => {
		const { c, built } = await documentsFor("subscription_canceled", true);
		const narrative = writeTemplateNarrative(c);
		const documents = built.documents.map((d) => ({ title: d.title, field: d.field }));
		const pdf = await renderEvidencePdf(c, narrative, { fonts, reportField: "service_documentation", documents });
		const exhibits = pdf.letter.exhibits.filter((e) => e.key === null);
		expect(exhibits.map((e) => e.field).sort()).toEqual(["cancellation_policy", "customer_communication", "receipt"]);
		const page1 = pdfPageTexts(pdf.bytes)[0]!.replace(/\s+/g, " ");
		for (const e of exhibits) expect(page1).toContain(e.title);

		const fields = buildEvidenceFields(
			c,
			narrative,
			"file_report",
			built.documents.map((d) => ({ field: d.field, fileId: `file_${d.field}` })),
			built.texts,
		);
		const graded = (files: typeof built.documents) =>
			gradeRendered(c, { ...narrative, fields }, pdf.bytes, {
				reportField: "service_documentation",
				hasMessages: true,
				documents: files,
			});
		const missing = (files: typeof built.documents) => graded(files).missing.map((m) => m.id);
		for (const id of ["file.receipt", "file.cancellation_policy", "file.customer_communication"]) {
			expect(missing(built.documents)).not.toContain(id);
			expect(missing([])).toContain(id);
		}
	});
});

describe("rebuttal.policies", () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase();
	});
	afterAll(async () => {
		await t?.close();
	});

	it("reads the version in force at the charge (the latest effective_at at or before it), per kind", async () => {
		await t.exec(`insert into rebuttal.policies (id, kind, version, title, body, url, effective_at, disclosure) values
			('c1', 'cancellation', '2024-01', 'Cancellation policy', 'Old text.', null, '2024-01-01T00:00:00Z', null),
			('c2', 'cancellation', '2025-09', 'Cancellation policy', 'Text in force.', 'https://acme.example/c', '2025-09-01T00:00:00Z', 'checkbox at checkout'),
			('c3', 'cancellation', '2026-04', 'Cancellation policy', 'Published after the charge.', null, '2026-04-01T00:00:00Z', null),
			('r1', 'refund', '2025-06', 'Refund policy', 'Refund text.', null, '2025-06-01T00:00:00Z', null),
			('x1', 'privacy', '2025-01', 'Privacy', 'Not submitted.', null, '2025-01-01T00:00:00Z', null)`);
		const inForce = await loadPoliciesInForce(t.db, new Date("2026-03-12T14:05:00Z"));
		expect(Object.keys(inForce).sort()).toEqual(["cancellation", "refund"]);
		expect(inForce.cancellation).toMatchObject({
			id: "c2",
			version: "2025-09",
			body: "Text in force.",
			url: "https://acme.example/c",
			effectiveAt: "2025-09-01T00:00:00.000Z",
			disclosure: "checkbox at checkout",
		});
	});

	it("a merchant without the table (or view) has no policies, and assembly goes on", async () => {
		await t.exec("drop table rebuttal.policies");
		expect(await loadPoliciesInForce(t.db, new Date("2026-03-12T14:05:00Z"))).toEqual({});
	});
});

function doc(field: EvidenceDocument["field"], pages: number, bytes: number, value: number): EvidenceDocument {
	return { field, title: field, pages, bytes: new Uint8Array(bytes), sha256: field, value };
}

describe("one byte and page budget for all the files", () => {
	it("keeps documents from the highest value down and drops the lowest-value one that does not fit, saying why", () => {
		const report = { field: "service_documentation", bytes: 1_000_000, pages: 14 };
		const { kept, dropped } = fitDocuments(
			report,
			[
				doc("receipt", 1, 40_000, 70),
				doc("cancellation_policy", 3, 60_000, 90),
				doc("customer_communication", 2, 30_000, 60),
			],
			{ maxBytes: 4_718_592, maxPages: 19 },
		);
		expect(kept.map((d) => d.field)).toEqual(["cancellation_policy", "receipt"]);
		expect(dropped).toEqual([
			{
				field: "customer_communication",
				title: "customer_communication",
				reason: "its 2 pages would bring the files to 20 pages, over the 19-page budget",
			},
		]);
	});

	it("counts bytes across files against 4.5 MB", () => {
		const { kept, dropped } = fitDocuments(
			{ field: "service_documentation", bytes: 4_000_000, pages: 5 },
			[doc("receipt", 1, 200_000, 70), doc("customer_communication", 1, 600_000, 60)],
			{ maxBytes: 4_718_592, maxPages: 19 },
		);
		expect(kept.map((d) => d.field)).toEqual(["receipt"]);
		expect(dropped[0]).toMatchObject({
			field: "customer_communication",
			reason: expect.stringMatching(/over the 4,718,592-byte budget/),
		});
	});

	it("never puts a document in the field the report already fills", () => {
		const { kept, dropped } = fitDocuments(
			{ field: "customer_communication", bytes: 1000, pages: 1 },
			[doc("customer_communication", 1, 1000, 80)],
			{ maxBytes: 4_718_592, maxPages: 19 },
		);
		expect(kept).toEqual([]);
		expect(dropped[0]!.reason).toMatch(/already carries another file/);
	});
});
