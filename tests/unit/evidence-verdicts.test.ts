import { describe, expect, it } from "vitest";
import { caseReason, reasonOfNetworkCode } from "../../lib/evidence/dispute-reasons";
import { buildEvidenceFields } from "../../lib/evidence/fields";
import { playbookFor } from "../../lib/evidence/playbooks";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { makeEvidenceCase } from "../support/stripe-fixtures";

// Verdicts an experienced analyst reverses: a refund before the dispute is the defence, the network reason code
// picks the playbook, and a purchase IP is sent only when it was recorded at the purchase.

const base = makeEvidenceCase("credit_not_processed", "rich");
const refundedCharge = { ...base.charge, refunded: true, amountRefunded: 2900 };

describe("a refund made before the dispute was opened", () => {
	const before = {
		id: "re_3PgbQ2B7WZ01zgkW1xYzAbCd",
		amount: 2900,
		createdAt: "2026-03-20T09:00:00.000Z",
		status: "succeeded",
	};

	it.each(["credit_not_processed", "product_unacceptable", "duplicate", "fraudulent"])(
		"%s: is the defence, stated with its id, amount and date, not a reason to call the case too weak",
		(reason) => {
			const c = makeEvidenceCase(reason, "rich", { charge: refundedCharge, refunds: [before] });
			const a = playbookFor(reason).strength(c);
			expect(a).toMatchObject({ strength: "strong", tooWeak: false, reason: null });
			expect(a.signals).toContain("refund.prior.id");
			const narrative = writeTemplateNarrative(c);
			const argument = buildEvidenceFields(c, narrative, "file_report")[playbookFor(reason).argumentField]!;
			expect(argument).toContain("A refund of $29.00 (re_3PgbQ2B7WZ01zgkW1xYzAbCd) was made on 20 Mar 2026");
			expect(argument).toContain("before the dispute was opened on 1 Apr 2026");
			expect(argument).not.toContain("no credit is owed");
		},
	);

	it("a refund made after the dispute opened stays as today: too weak", () => {
		const after = { ...before, createdAt: "2026-04-03T09:00:00.000Z" };
		const c = makeEvidenceCase("credit_not_processed", "rich", { charge: refundedCharge, refunds: [after] });
		const a = playbookFor("credit_not_processed").strength(c);
		expect(a).toMatchObject({ tooWeak: true, reason: expect.stringMatching(/refunded in full/) });
		expect(c.facts.some((f) => f.id.startsWith("refund.prior."))).toBe(false);
	});

	it("a partial refund before the dispute is stated but does not by itself win", () => {
		const partial = { ...before, amount: 900 };
		const c = makeEvidenceCase("credit_not_processed", "rich", {
			charge: { ...base.charge, amountRefunded: 900 },
			refunds: [partial],
		});
		expect(c.facts.find((f) => f.id === "refund.prior.covers_dispute")?.value).toBe(false);
		expect(playbookFor("credit_not_processed").strength(c).signals).not.toContain("refund.prior.id");
	});
});

describe("the network reason code picks the playbook", () => {
	it.each([
		["general", "13.2", "subscription_canceled"],
		["general", "4841", "subscription_canceled"],
		["general", "13.1", "product_not_received"],
		["product_unacceptable", "13.6", "credit_not_processed"],
		["unrecognized", "10.4", "unrecognized"],
		["general", "10.4", "fraudulent"],
		["general", null, "general"],
		["general", "4853", "general"],
	])("%s with code %s is a %s case", (reason, code, expected) => {
		expect(caseReason({ reason, networkReasonCode: code })).toBe(expected);
		expect(playbookFor(reason, code).reason).toBe(expected);
	});

	it("a general dispute with Visa 13.2 is answered as a cancellation, in the cancellation fields", () => {
		const c = makeEvidenceCase("general", "rich");
		const coded = makeEvidenceCase("general", "rich", { dispute: { ...c.dispute, networkReasonCode: "13.2" } });
		const fields = buildEvidenceFields(coded, writeTemplateNarrative(coded), "file_report");
		expect(fields.cancellation_rebuttal).toBeTruthy();
		expect(fields.uncategorized_text).toBeUndefined();
		expect(reasonOfNetworkCode("12.6.1")).toBe("duplicate");
	});
});

describe("customer_purchase_ip is sent only when the purchase IP was recorded", () => {
	const ip = (source: "charge_metadata" | "checkout_event" | "activity_near_charge") =>
		makeEvidenceCase("fraudulent", "rich", {
			purchaseIp: {
				ip: "198.51.100.4",
				source,
				observedAt: "2026-03-12T14:04:10.000Z",
				priorCount: 3,
				firstSeenAt: null,
			},
		});

	it.each([
		["charge_metadata", "198.51.100.4"],
		["checkout_event", "198.51.100.4"],
		["activity_near_charge", undefined],
	] as const)("purchase IP from %s: customer_purchase_ip is %s", (source, expected) => {
		const c = ip(source);
		expect(buildEvidenceFields(c, writeTemplateNarrative(c), "file_report").customer_purchase_ip).toBe(expected);
	});
});
