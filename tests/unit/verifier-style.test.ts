import { describe, expect, it } from "vitest";
import type { Narrative } from "../../lib/evidence/types";
import { verifyNarrative } from "../../lib/narrative/verifier";
import { builtCaseFor } from "../support/letter-fixtures";

const c = builtCaseFor("fraudulent");

function narrativeSaying(text: string, field?: string): Narrative {
	return {
		writer: "claude",
		summary: "The payment was made by the customer's own account.",
		paragraphs: [{ text, factIds: ["prior.count"] }],
		fields: field ? { uncategorized_text: field } : {},
	};
}

describe("the verifier on how the text is written", () => {
	it("rejects a “(s)” plural, a quoted Stripe reason and a fact id, wherever they are", () => {
		const findings = verifyNarrative(
			narrativeSaying("The customer made 2 earlier payment(s) (prior.count).", "The cardholder calls it “fraudulent”."),
			c,
		).findings;
		expect(findings.some((f) => f.startsWith("paragraph 1 writes a “(s)” plural"))).toBe(true);
		expect(findings.some((f) => f.startsWith('paragraph 1 writes the fact id "prior.count"'))).toBe(true);
		expect(findings.some((f) => f.startsWith("field uncategorized_text quotes Stripe's reason label"))).toBe(true);
	});

	it("accepts the same facts written as a person writes them", () => {
		const n = narrativeSaying(
			"The customer made 2 earlier payments; the cardholder states the payment was not authorised.",
			"The cardholder states the payment was not authorised.",
		);
		expect(verifyNarrative(n, c).findings).toEqual([]);
	});
});
