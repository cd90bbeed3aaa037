import { describe, expect, it } from "vitest";
import { PermanentError } from "../../lib/errors";
import { buildEvidenceFields, reportFileField } from "../../lib/evidence/fields";
import { FIELD_LIMIT, fitText, OMITTED_NOTE, splitSentences, TOTAL_LIMIT } from "../../lib/evidence/text";
import type { Narrative } from "../../lib/evidence/types";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { makeEvidenceCase } from "../support/stripe-fixtures";

const FILE = "file_1PgbRzB7WZ01zgkWdLZLcZTk";

/** `n` numbered sentences of about `len` characters each. */
function sentences(n: number, len = 100): string {
	return Array.from(
		{ length: n },
		(_, i) => `Sentence ${i} ${"w".repeat(Math.max(0, len - 14 - String(i).length))}.`,
	).join(" ");
}

function narrativeWith(fields: Narrative["fields"]): Narrative {
	return { writer: "template", summary: "s", paragraphs: [], fields };
}

const TEXT_FIELDS = [
	"product_description",
	"access_activity_log",
	"cancellation_rebuttal",
	"refund_refusal_explanation",
	"duplicate_charge_explanation",
	"uncategorized_text",
	"cancellation_policy_disclosure",
	"refund_policy_disclosure",
] as const;

/** Every kept text is whole sentences of the input, followed by the note when something was left out. */
function assertWholeSentences(original: string, fitted: string): void {
	if (fitted === original) return;
	expect(fitted.endsWith(OMITTED_NOTE)).toBe(true);
	const body = fitted.slice(0, -OMITTED_NOTE.length).trimEnd();
	expect(original.startsWith(body)).toBe(true);
	// It ends at a sentence end or at a line end of the original.
	expect(/[.!?]$/.test(body) || original[body.length] === "\n").toBe(true);
}

describe("fitText", () => {
	it("keeps text that fits, untouched", () => {
		expect(fitText("Short. Text.", 100)).toBe("Short. Text.");
	});

	it("splits only at sentence ends, never inside an IP, an amount or a version", () => {
		expect(splitSentences("From 10.0.0.1 we took $29.00. Version 2.1 ok! Next? Line\nNew")).toEqual([
			"From 10.0.0.1 we took $29.00. ",
			"Version 2.1 ok! ",
			"Next? ",
			"Line\n",
			"New",
		]);
	});

	it.each([
		[sentences(500), 20_000],
		[sentences(50, 900), 20_000],
		[sentences(10, 100), 500],
		[Array.from({ length: 3000 }, (_, i) => `- line ${i}: 10.0.0.${i % 255}`).join("\n"), 20_000],
	])("cuts %#: whole sentences within the limit", (text, max) => {
		const fitted = fitText(text, max)!;
		expect(fitted.length).toBeLessThanOrEqual(max);
		assertWholeSentences(text, fitted);
	});

	it("returns null when not even one sentence fits", () => {
		expect(fitText("x".repeat(30_000), 20_000)).toBeNull();
	});
});

describe("buildEvidenceFields", () => {
	it("passes the template's fields through and puts the report in the reason's file field", () => {
		const c = makeEvidenceCase("fraudulent");
		const n = writeTemplateNarrative(c);
		const fields = buildEvidenceFields(c, n, FILE);
		expect(fields.service_documentation).toBe(FILE);
		expect(fields.uncategorized_text).toBe(n.fields.uncategorized_text);
		expect(fields.customer_purchase_ip).toBe("198.51.100.4");
		expect(Object.keys(fields)).not.toContain("uncategorized_file");
	});

	it.each([
		["fraudulent", "service_documentation"],
		["unrecognized", "service_documentation"],
		["subscription_canceled", "service_documentation"],
		["product_not_received", "service_documentation"],
		["product_unacceptable", "service_documentation"],
		["credit_not_processed", "service_documentation"],
		["general", "service_documentation"],
		["duplicate", "duplicate_charge_documentation"],
		["bank_cannot_process", "uncategorized_file"],
		["noncompliant", "uncategorized_file"],
	])("reason %s puts the report in %s", (reason, field) => {
		expect(reportFileField(reason)).toBe(field);
		const c = makeEvidenceCase(reason);
		expect(buildEvidenceFields(c, writeTemplateNarrative(c), FILE)[field]).toBe(FILE);
	});

	it("drops empty fields", () => {
		const c = makeEvidenceCase("general");
		const fields = buildEvidenceFields(
			c,
			narrativeWith({ uncategorized_text: "  ", product_description: "A plan." }),
			FILE,
		);
		expect(fields).toEqual({ product_description: "A plan.", service_documentation: FILE });
	});

	describe.each([
		["one oversize field", { uncategorized_text: sentences(400) }],
		["every long field oversize", Object.fromEntries(TEXT_FIELDS.map((f) => [f, sentences(300)]))],
		[
			"each just under 20,000 but over 150,000 together",
			Object.fromEntries(TEXT_FIELDS.map((f) => [f, sentences(199)])),
		],
		[
			"line-based log",
			{ access_activity_log: Array.from({ length: 5000 }, (_, i) => `- event ${i} from 10.0.0.1`).join("\n") },
		],
	])("oversize input: %s", (_name, input) => {
		const c = makeEvidenceCase("general");
		const fields = buildEvidenceFields(c, narrativeWith(input as Narrative["fields"]), FILE);
		const texts = Object.entries(fields).filter(([k]) => k !== "service_documentation");

		it("keeps each field within 20,000 characters and all within 150,000", () => {
			for (const [, v] of texts) expect(v.length).toBeLessThanOrEqual(FIELD_LIMIT);
			expect(texts.reduce((n, [, v]) => n + v.length, 0)).toBeLessThanOrEqual(TOTAL_LIMIT);
			expect(texts.length).toBe(Object.keys(input).length);
		});

		it("summarises by whole sentences, never mid-sentence", () => {
			for (const [k, v] of texts) assertWholeSentences((input as Record<string, string>)[k]!, v);
		});
	});

	describe.each([
		["a single unbreakable sentence", { uncategorized_text: "x".repeat(20_001) }],
		["an oversize identifying field", { customer_name: "N".repeat(20_001) }],
		["an oversize email", { customer_email_address: `${"a".repeat(20_000)}@example.com` }],
	])("unfixable input: %s", (_name, input) => {
		it("throws a PermanentError", () => {
			const c = makeEvidenceCase("general");
			expect(() => buildEvidenceFields(c, narrativeWith(input as Narrative["fields"]), FILE)).toThrow(PermanentError);
		});
	});

	it("refuses to build evidence without a file id", () => {
		const c = makeEvidenceCase("general");
		expect(() => buildEvidenceFields(c, narrativeWith({}), "")).toThrow(PermanentError);
	});
});
