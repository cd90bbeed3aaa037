import { describe, expect, it } from "vitest";
import { DISPUTE_REASONS } from "../../lib/evidence/dispute-reasons";
import { buildFacts } from "../../lib/evidence/facts";
import type { EvidenceCase, Narrative } from "../../lib/evidence/types";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { luhn, readTokens } from "../../lib/narrative/tokens";
import { verifyNarrative } from "../../lib/narrative/verifier";
import { casePartsFor } from "../support/case-fixtures";

/** The shared fixture case with the fact ids the real fact builder produces. */
function caseFor(reason: string, variant: "full" | "sparse" = "full"): EvidenceCase {
	let parts = casePartsFor(reason);
	if (variant === "sparse") {
		parts = {
			...parts,
			customer: null,
			account: null,
			usage: null,
			artifacts: [],
			purchaseIp: null,
			charge: {
				...parts.charge,
				checks: { addressLine1: null, addressPostalCode: null, cvc: null },
				threeDSecure: null,
			},
		};
	}
	return { ...parts, facts: buildFacts(parts) };
}

function withParagraph(n: Narrative, text: string, factIds: string[]): Narrative {
	return { ...n, paragraphs: [...n.paragraphs, { text, factIds }] };
}

describe("the template writer passes the verifier", () => {
	describe.each(DISPUTE_REASONS)("%s", (reason) => {
		it.each(["full", "sparse"] as const)("%s case", (variant) => {
			const c = caseFor(reason, variant);
			const narrative = writeTemplateNarrative(c);
			expect(narrative.paragraphs.length).toBeGreaterThan(0);
			expect(verifyNarrative(narrative, c)).toEqual({ ok: true, findings: [] });
		});
	});
});

describe("verifyNarrative", () => {
	const c = caseFor("fraudulent");
	const template = writeTemplateNarrative(c);

	describe.each([
		["number", "The customer signed in 7,431 times.", "7,431"],
		["number with ordinal", "It was the 37th login.", "37th"],
		["percentage", "88% of the events came after the payment.", "88"],
		["amount", "The customer was refunded $12.34.", "$12.34"],
		["amount with code", "A fee of 35.00 USD was charged.", "35.00 USD"],
		["amount that is a count elsewhere", "The customer paid $1,204.00.", "$1,204.00"],
		["date", "The order was confirmed on 17 Jan 2021.", "17 Jan 2021"],
		["date, US style", "The order was confirmed on January 17, 2021.", "January 17, 2021"],
		["date, ISO", "The order was confirmed on 2021-01-17.", "2021-01-17"],
		["date without year", "The order was confirmed on 17 January.", "17 January"],
		["month", "The account was busiest in March 2022.", "March 2022"],
		["invalid date", "The order was confirmed on 31 Feb 2024.", "31 Feb 2024"],
		["time", "The payment was made at 23:59 UTC.", "23:59"],
		["email", "The customer wrote from someone@invented.example.", "someone@invented.example"],
		["IPv4", "The customer signed in from 198.18.77.5.", "198.18.77.5"],
		["IPv6", "The customer signed in from 2001:db8::dead:beef.", "2001:db8::dead:beef"],
		["charge id", "The order was charge ch_3ZZinventedFORGED99.", "ch_3ZZinventedFORGED99"],
		["customer id", "The buyer is customer cus_Forged12345.", "cus_Forged12345"],
		["dispute id", "See dispute du_1Forged9.", "du_1Forged9"],
		["payment intent id", "It was paid through pi_3Forged77.", "pi_3Forged77"],
	])("catches an invented %s", (_label, sentence, token) => {
		it("as a finding that names it", () => {
			const v = verifyNarrative(withParagraph(template, sentence, ["charge.amount", "charge.created_at"]), c);
			expect(v.ok).toBe(false);
			expect(v.findings.join("\n")).toContain(token.replace(/th$/, ""));
		});
	});

	it("checks a paragraph only against the facts it cites, not the whole case", () => {
		// 1,204 is a real figure of the case (api requests), but not of the facts this paragraph cites.
		const v = verifyNarrative(withParagraph(template, "The customer made 1,204 API requests.", ["charge.amount"]), c);
		expect(v.findings).toEqual([expect.stringMatching(/paragraph \d+ mentions the number "1,204"/)]);
		const ok = verifyNarrative(
			withParagraph(template, "The customer made 1,204 API requests.", ["usage.kind.api_request.count"]),
			c,
		);
		expect(ok).toEqual({ ok: true, findings: [] });
	});

	describe.each([
		["$149.00", ["dispute.amount"]],
		["$149", ["dispute.amount"]],
		["149.00 USD", ["dispute.amount"]],
		["USD 149.00", ["dispute.amount"]],
		["2 Apr 2024", ["charge.created_at"]],
		["April 2, 2024", ["charge.created_at"]],
		["2nd April 2024", ["charge.created_at"]],
		["2024-04-02", ["charge.created_at"]],
		["02/04/2024", ["charge.created_at"]],
		["2 April", ["charge.created_at"]],
		["April 2024", ["charge.created_at"]],
		["14:03 UTC", ["charge.created_at"]],
		["1,204 events", ["usage.kind.api_request.count"]],
		["1204 events", ["usage.kind.api_request.count"]],
		["MARIA.KOWALSKI@example.com", ["account.email"]],
		["203.0.113.42", ["purchase.ip"]],
		["2001:db8:85a3::8a2e:370:7334", ["access.ip.4"]],
		["ch_3PQx2K2eZvKYlo2C1mR8sT4u", ["charge.id"]],
		["reason code 10.4", ["dispute.network_reason_code"]],
		["3D Secure", ["charge.amount"]],
		["Visa CE 3.0", ["charge.amount"]],
	])("accepts %s when a cited fact says it", (text, ids) => {
		it("in another format", () => {
			expect(verifyNarrative(withParagraph(template, `The record shows ${text}.`, ids), c)).toEqual({
				ok: true,
				findings: [],
			});
		});
	});

	it("requires every paragraph to cite at least one existing fact", () => {
		const uncited = verifyNarrative(withParagraph(template, "The customer clearly used the service.", []), c);
		expect(uncited.findings).toEqual([expect.stringMatching(/cites no fact/)]);
		const unknown = verifyNarrative(withParagraph(template, "A loyal customer.", ["account.loyalty_score"]), c);
		expect(unknown.findings).toEqual([expect.stringMatching(/"account.loyalty_score", which is not a fact/)]);
	});

	it("holds the summary to the facts the paragraphs cite", () => {
		const v = verifyNarrative({ ...template, summary: `${template.summary} The customer owes $999.00.` }, c);
		expect(v.findings).toEqual([expect.stringMatching(/the summary mentions the amount "\$999.00"/)]);
		expect(verifyNarrative({ ...template, summary: " " }, c).findings).toContain("the summary is empty");
	});

	it("holds field texts to the facts of the case", () => {
		const v = verifyNarrative(
			{ ...template, fields: { ...template.fields, product_description: "A plan for $1.00 a month." } },
			c,
		);
		expect(v.findings).toEqual([expect.stringMatching(/field product_description mentions the amount "\$1.00"/)]);
	});

	it("finds card numbers (Luhn-valid runs of 13 to 19 digits) without repeating them", () => {
		const v = verifyNarrative(withParagraph(template, "Card 4242 4242 4242 4242 was used.", ["charge.card"]), c);
		const card = v.findings.filter((f) => f.includes("card number"));
		expect(card).toEqual([expect.stringContaining("ending 4242")]);
		expect(v.findings.join(" ")).not.toContain("4242 4242 4242 4242");
		const amex = verifyNarrative(withParagraph(template, "Card 378282246310005.", ["charge.card"]), c);
		expect(amex.findings.some((f) => f.includes("card number"))).toBe(true);
		const notLuhn = verifyNarrative(withParagraph(template, "Reference 1234 5678 9012 3456.", ["charge.card"]), c);
		expect(notLuhn.findings.some((f) => f.includes("card number"))).toBe(false);
	});

	it.each([
		["a live secret key", "sk_live_51HxAbCdEfGhIjKlMn"],
		["a restricted key", "rk_test_51HxAbCdEfGhIjKlMn"],
		["a webhook secret", "whsec_AbCdEfGhIjKlMnOp"],
		["an Anthropic key", "sk-ant-api03-AbCdEfGhIj"],
	])("finds %s", (_label, secret) => {
		const v = verifyNarrative(withParagraph(template, `Use ${secret} to check.`, ["charge.amount"]), c);
		expect(v.findings.some((f) => f.includes("secret key"))).toBe(true);
		expect(v.findings.join(" ")).not.toContain(secret);
	});

	it("enforces Stripe's field limits and names", () => {
		const long = "word ".repeat(4_001);
		const one = verifyNarrative({ ...template, fields: { ...template.fields, uncategorized_text: long } }, c);
		expect(one.findings).toEqual([
			expect.stringMatching(/field uncategorized_text is 20005 characters, over Stripe's 20000/),
		]);
		const big = "word ".repeat(3_900);
		const many = verifyNarrative(
			{
				...template,
				fields: {
					product_description: big,
					cancellation_policy_disclosure: big,
					cancellation_rebuttal: big,
					refund_policy_disclosure: big,
					refund_refusal_explanation: big,
					duplicate_charge_explanation: big,
					uncategorized_text: big,
					access_activity_log: big,
				},
			},
			c,
		);
		expect(many.findings).toEqual([expect.stringMatching(/the fields total 156000 characters, over Stripe's 150000/)]);
		const odd = verifyNarrative(
			{ ...template, fields: { ...template.fields, ["notes" as "uncategorized_text"]: "x" } },
			c,
		);
		expect(odd.findings).toEqual(["field notes is not one of Stripe's evidence text fields"]);
	});

	it("reads formats the way a reviewer would", () => {
		expect(readTokens("$1,490.00 on April 2, 2024 at 14:03 UTC from 203.0.113.42")).toEqual([
			{ kind: "ip", raw: "203.0.113.42", norm: "203.0.113.42" },
			{ kind: "amount", raw: "$1,490.00", norm: "1490" },
			{ kind: "date", raw: "April 2, 2024", norm: "2024-04-02" },
			{ kind: "time", raw: "14:03 UTC", norm: "14:03" },
		]);
		expect(readTokens("IPv4 and 3D Secure and the customer may 2 times")).toEqual([
			{ kind: "number", raw: "2", norm: "2" },
		]);
		expect(luhn("4242424242424242")).toBe(true);
		expect(luhn("4242424242424241")).toBe(false);
	});
});
