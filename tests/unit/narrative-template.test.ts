import { describe, expect, it } from "vitest";
import { DISPUTE_REASONS } from "../../lib/evidence/dispute-reasons";
import { FIELD_LIMIT } from "../../lib/evidence/text";
import type { EvidenceCase, Fact } from "../../lib/evidence/types";
import { buildAccessLog } from "../../lib/narrative/access-log";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { makeEvidenceCase } from "../support/stripe-fixtures";

/** Every run of digits (with inner `.`, `,` or `:`) in a text: amounts, dates, times, counts, IPs, ids. */
function numbersIn(text: string): string[] {
	return text.match(/\d+(?:[.,:]\d+)*/g) ?? [];
}

/** The numbers of `text` that appear in none of the given facts' display or value. */
function unsupportedNumbers(text: string, facts: Fact[]): string[] {
	const known = new Set(facts.flatMap((f) => numbersIn(`${f.display} ${String(f.value)}`)));
	return numbersIn(text).filter((n) => !known.has(n));
}

function endsWithWholeSentence(text: string): boolean {
	return /[.!?”)]$/.test(text.trim());
}

describe.each(DISPUTE_REASONS.map((r) => [r]))("template writer, reason %s", (reason) => {
	describe.each([["rich" as const], ["sparse" as const]])("%s case", (variant) => {
		const evidenceCase = makeEvidenceCase(reason, variant);
		const byId = new Map(evidenceCase.facts.map((f) => [f.id, f]));
		const narrative = writeTemplateNarrative(evidenceCase);

		it("writes paragraphs that each cite existing facts", () => {
			expect(narrative.writer).toBe("template");
			expect(narrative.paragraphs.length).toBeGreaterThanOrEqual(2);
			for (const p of narrative.paragraphs) {
				expect(p.text.trim()).not.toBe("");
				expect(p.factIds.length).toBeGreaterThan(0);
				for (const id of p.factIds) expect(byId.has(id), `${id} cited but not a fact`).toBe(true);
			}
		});

		it("states no number that is not in a cited fact", () => {
			for (const p of narrative.paragraphs) {
				const cited = p.factIds.map((id) => byId.get(id)!);
				expect(unsupportedNumbers(p.text, cited), p.text).toEqual([]);
			}
			expect(unsupportedNumbers(narrative.summary, evidenceCase.facts)).toEqual([]);
		});

		it("fills the fields the reason calls for, within Stripe's limits, ending on whole sentences", () => {
			const f = narrative.fields;
			for (const [name, value] of Object.entries(f)) {
				expect(value!.length, name).toBeLessThanOrEqual(FIELD_LIMIT);
				expect(value!.trim(), name).not.toBe("");
			}
			const argumentField =
				{
					subscription_canceled: "cancellation_rebuttal",
					product_unacceptable: "refund_refusal_explanation",
					credit_not_processed: "refund_refusal_explanation",
					duplicate: "duplicate_charge_explanation",
				}[reason as string] ?? "uncategorized_text";
			expect(f[argumentField as keyof typeof f]).toBeTruthy();
			expect(endsWithWholeSentence(f[argumentField as keyof typeof f]!)).toBe(true);
			expect(f.product_description).toBeTruthy();
			expect(f.service_date).toBe("12 Mar 2026");
			expect(f.customer_name).toBe("Jenny Rosen");
			expect(f.customer_email_address).toBe("jenny.rosen@example.com");
			if (variant === "rich") {
				expect(f.customer_purchase_ip).toBe("198.51.100.4");
				expect(f.access_activity_log).toContain("1,234 logged events");
				expect(f.billing_address).toBe("97201, US");
			} else {
				expect(f.customer_purchase_ip).toBeUndefined();
				expect(f.access_activity_log).toBeUndefined();
			}
		});

		if (variant === "sparse") {
			it("makes no claim about an account, usage or earlier payments it does not have", () => {
				const all = [narrative.summary, ...narrative.paragraphs.map((p) => p.text), ...Object.values(narrative.fields)]
					.join("\n")
					// The reason itself may name an account (`incorrect account details`).
					.replaceAll(reason.replace(/_/g, " "), "");
				expect(all).not.toMatch(/account|activity log|IP address|earlier successful payment|terms of service/i);
				const cited = narrative.paragraphs.flatMap((p) => p.factIds);
				expect(cited.some((id) => /^(account|usage|access|purchase|prior)\./.test(id))).toBe(false);
			});
		}
	});
});

describe("template writer specifics", () => {
	it("argues fraud with identity, the purchase IP's history, checks, prior payments and use after the charge", () => {
		const n = writeTemplateNarrative(makeEvidenceCase("fraudulent"));
		const text = n.paragraphs.map((p) => p.text).join("\n");
		expect(text).toContain("198.51.100.4");
		expect(text).toContain("950 times before the payment");
		expect(text).toContain("passed the CVC check, the postal code check and the billing address check");
		expect(text).toContain("5 earlier successful payments");
		expect(text).toContain("210 further events");
		const cites = n.paragraphs.flatMap((p) => p.factIds);
		expect(cites).toEqual(
			expect.arrayContaining(["purchase.ip", "prior.count", "usage.after_charge", "charge.checks.cvc"]),
		);
	});

	it("does not claim passed checks that failed", () => {
		const c = makeEvidenceCase("fraudulent");
		const facts = c.facts.map((f) => (f.id === "charge.checks.cvc" ? { ...f, value: "fail", display: "failed" } : f));
		const text = writeTemplateNarrative({ ...c, facts })
			.paragraphs.map((p) => p.text)
			.join("\n");
		expect(text).not.toContain("CVC check");
		expect(text).toContain("passed the postal code check");
	});

	it("dates the first cancellation against the charge for subscription_canceled", () => {
		const n = writeTemplateNarrative(makeEvidenceCase("subscription_canceled"));
		expect(n.fields.cancellation_rebuttal).toContain(
			"The first cancellation recorded on the account is dated 31 Mar 2026, 09:00 UTC",
		);
	});

	it("says nothing about use after the charge when there was none", () => {
		const base = makeEvidenceCase("product_not_received");
		const c: EvidenceCase = makeEvidenceCase("product_not_received", "rich", {
			usage: { ...base.usage!, afterCharge: 0, lastAfterChargeAt: null },
		});
		const text = writeTemplateNarrative(c)
			.paragraphs.map((p) => p.text)
			.join("\n");
		expect(text).not.toMatch(/kept using|further events/);
	});
});

describe("access activity log", () => {
	it("stays within the limit for the largest bounded usage and ends on a whole line", () => {
		const base = makeEvidenceCase("fraudulent");
		const u = base.usage!;
		const long = "x".repeat(300);
		const usage = {
			...u,
			byKind: Array.from({ length: 51 }, (_, i) => ({ ...u.byKind[0]!, kind: `kind ${i} ${long}` })),
			topIps: Array.from({ length: 10 }, (_, i) => ({ ...u.topIps[0]!, value: `10.0.0.${i}` })),
			topDevices: Array.from({ length: 10 }, (_, i) => ({ ...u.topDevices[0]!, value: `device-${i}-${long}` })),
			recent: Array.from({ length: 50 }, (_, i) => ({ ...u.recent[0]!, deviceId: `device-${i}-${long}` })),
			weekly: Array.from({ length: 104 }, (_, i) => ({
				weekStart: `2024-01-${String((i % 28) + 1).padStart(2, "0")}`,
				count: i,
			})),
		};
		const c = makeEvidenceCase("fraudulent", "rich", { usage });
		const log = buildAccessLog(c)!;
		expect(log.length).toBeLessThanOrEqual(FIELD_LIMIT);
		expect(log.endsWith("Further detail is in the attached evidence report.")).toBe(true);
		const lines = log.split("\n");
		// Every kept line but the note is a whole line of the full log.
		const full = buildAccessLog(c, 10_000_000)!.split("\n");
		for (const line of lines.slice(0, -1)) expect(full).toContain(line);
		expect(writeTemplateNarrative(c).fields.access_activity_log).toBe(log);
	});
});
