import { describe, expect, it } from "vitest";
import { PermanentError } from "../../lib/errors";
import { assertFileBudget, buildEvidenceFields, FILES_TOTAL_LIMIT } from "../../lib/evidence/fields";
import { FIELD_LIMIT, OMITTED_NOTE, TOTAL_LIMIT } from "../../lib/evidence/text";
import type { Narrative } from "../../lib/evidence/types";
import { makeEvidenceCase } from "../support/stripe-fixtures";

const sentence = (i: number) => `Event ${i} was recorded on the account from the customer's usual device. `;
const long = (chars: number) => {
	let text = "";
	for (let i = 0; text.length < chars; i++) text += sentence(i);
	return text.trim();
};

function narrative(fields: Narrative["fields"]): Narrative {
	return { writer: "template", summary: "s", paragraphs: [{ text: "p", factIds: ["charge.id"] }], fields };
}

describe("Stripe's limits, checked before any Stripe call", () => {
	const c = makeEvidenceCase("fraudulent", "rich");

	it("summarises a text field over 20,000 characters on a sentence boundary", () => {
		const fields = buildEvidenceFields(c, narrative({ access_activity_log: long(30_000) }), "file_1");
		const log = fields.access_activity_log!;
		expect(log.length).toBeLessThanOrEqual(FIELD_LIMIT);
		expect(log.endsWith(OMITTED_NOTE)).toBe(true);
		expect(log.slice(0, -OMITTED_NOTE.length).trim()).toMatch(/device\.$/);
	});

	it("keeps all text within 150,000 characters, summarising the longest fields", () => {
		const big = long(19_900);
		const fields = buildEvidenceFields(
			c,
			narrative({
				access_activity_log: big,
				uncategorized_text: big,
				product_description: big,
				cancellation_rebuttal: big,
				refund_refusal_explanation: big,
				refund_policy_disclosure: big,
				cancellation_policy_disclosure: big,
				duplicate_charge_explanation: big,
				customer_name: "Jenny Rosen",
			}),
			"file_1",
		);
		const texts = Object.entries(fields).filter(([k]) => k !== "service_documentation");
		const total = texts.reduce((n, [, v]) => n + v.length, 0);
		expect(total).toBeLessThanOrEqual(TOTAL_LIMIT);
		for (const [, v] of texts) expect(v.length).toBeLessThanOrEqual(FIELD_LIMIT);
		expect(fields.customer_name).toBe("Jenny Rosen");
	});

	it("refuses an identifying field over the limit with a clear, non-retryable error", () => {
		try {
			buildEvidenceFields(c, narrative({ customer_name: "x".repeat(FIELD_LIMIT + 1) }), "file_1");
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(PermanentError);
			expect((error as PermanentError).retryable).toBe(false);
			expect((error as PermanentError).code).toBe("evidence_field_too_long");
			expect((error as Error).message).toContain("customer_name");
		}
	});

	it("keeps the files of one dispute within 4.5 MB together", () => {
		expect(() => assertFileBudget([{ name: "report", bytes: FILES_TOTAL_LIMIT }])).not.toThrow();
		expect(() =>
			assertFileBudget([
				{ name: "report", bytes: 3 * 1024 * 1024 },
				{ name: "receipt", bytes: 2 * 1024 * 1024 },
			]),
		).toThrow(expect.objectContaining({ code: "evidence_files_too_large", retryable: false }));
	});
});
