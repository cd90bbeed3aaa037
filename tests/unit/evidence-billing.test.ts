import { describe, expect, it } from "vitest";
import { summariseInvoice } from "../../lib/evidence/billing";
import { buildEvidenceFields } from "../../lib/evidence/fields";
import { playbookFor } from "../../lib/evidence/playbooks";
import { firstPaymentOnCard } from "../../lib/evidence/stripe-facts";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import {
	CHARGE_CREATED,
	makeCharge,
	makeEvidenceCase,
	makeInvoice,
	makePriorCharge,
	makeSubscription,
} from "../support/stripe-fixtures";

// Stripe Billing facts: the service period, a renewal described as the subscription's recurring charge, and the
// subscription's latest cancellation (a reactivation clears it) compared with the charge.

const renewal = summariseInvoice(makeInvoice(), makeSubscription());

function withBilling(reason: string, billing = renewal) {
	return makeEvidenceCase(reason, "rich", { billing });
}

describe("Stripe Billing facts", () => {
	it("summarises the invoice's service period from its lines and the subscription's plan and interval", () => {
		expect(renewal).toMatchObject({
			number: "7FE1103-0005",
			billingReason: "subscription_cycle",
			periodStart: "2026-03-12T14:05:00.000Z",
			periodEnd: "2026-04-12T14:05:00.000Z",
			subscription: { plan: "Pro plan", interval: "month", cancelAtPeriodEnd: false, canceledAt: null },
		});
	});

	it("sends the service period as service_date and describes the renewal in product_description", () => {
		const c = withBilling("product_not_received");
		const fields = buildEvidenceFields(c, writeTemplateNarrative(c), "file_report");
		expect(fields.service_date).toBe("12 Mar 2026 to 12 Apr 2026");
		expect(fields.product_description).toContain(
			"This charge is the monthly recurring payment of the customer's Pro plan subscription, which the customer started on 12 Nov 2025",
		);
		expect(fields.product_description).toContain(
			"Invoice 7FE1103-0005 covers the service period 12 Mar 2026 to 12 Apr 2026.",
		);
		expect(c.facts.find((f) => f.id === "billing.renewal")?.value).toBe(true);
	});

	it("a one-off payment keeps the writer's service date and description", () => {
		const c = makeEvidenceCase("product_not_received", "rich");
		const fields = buildEvidenceFields(c, writeTemplateNarrative(c), "file_report");
		expect(fields.service_date).toBe("12 Mar 2026");
		expect(fields.product_description).not.toContain("recurring payment");
	});

	it("compares the subscription's latest cancellation with the charge", () => {
		const before = summariseInvoice(
			makeInvoice(),
			makeSubscription({ cancel_at_period_end: true, canceled_at: CHARGE_CREATED - 5 * 86_400 }),
		);
		const a = playbookFor("subscription_canceled").strength(withBilling("subscription_canceled", before));
		expect(a).toMatchObject({ tooWeak: true, reason: expect.stringMatching(/latest cancellation before the charge/) });

		const after = summariseInvoice(
			makeInvoice(),
			makeSubscription({ cancel_at_period_end: true, canceled_at: CHARGE_CREATED + 9 * 86_400 }),
		);
		expect(playbookFor("subscription_canceled").strength(withBilling("subscription_canceled", after)).tooWeak).toBe(
			false,
		);
	});

	it("a reactivated subscription (Stripe cleared canceled_at) is active at the charge, whatever the first cancellation was", () => {
		// The activity log holds an old cancellation before the charge; Stripe says the subscription was reactivated.
		const base = makeEvidenceCase("subscription_canceled", "rich");
		const c = makeEvidenceCase("subscription_canceled", "rich", {
			billing: renewal,
			usage: {
				...base.usage!,
				byKind: base.usage!.byKind.map((k) =>
					k.kind === "cancellation" ? { ...k, firstAt: "2026-01-05T00:00:00.000Z" } : k,
				),
			},
		});
		expect(c.facts.find((f) => f.id === "cancellation.before_charge")?.value).toBe(true);
		expect(c.facts.find((f) => f.id === "subscription.canceled_before_charge")?.value).toBe(false);
		expect(playbookFor("subscription_canceled").strength(c).tooWeak).toBe(false);
	});

	it("a renewal names the card's first payment and the checks it passed, and no failed one", () => {
		const first = {
			chargeId: "ch_prior_0005",
			createdAt: "2025-11-12T14:05:00.000Z",
			threeDSecure: "authenticated",
			cvc: "pass",
			addressPostalCode: "fail",
			addressLine1: null,
		};
		const c = makeEvidenceCase("fraudulent", "rich", { billing: renewal, firstPaymentOnCard: first });
		const description = buildEvidenceFields(c, writeTemplateNarrative(c), "file_report").product_description!;
		expect(description).toContain(
			"The cardholder first paid with this card on 12 Nov 2025, 14:05 UTC, a payment that passed 3-D Secure authentication and the CVC check.",
		);
		expect(description).not.toMatch(/address check/);
		expect(c.facts.some((f) => f.id === "renewal.first_payment_avs")).toBe(false);
	});

	it("finds the first earlier payment on the same card among the customer's charges", () => {
		const disputed = makeCharge();
		const charges = [
			makePriorCharge(1, 30),
			makePriorCharge(2, 90, {
				payment_method_details: { card: { three_d_secure: { result: "authenticated" } } },
			} as never),
			makePriorCharge(3, 120, { payment_method_details: { card: { fingerprint: "OtherCard0000000" } } } as never),
		];
		expect(firstPaymentOnCard(charges, disputed)).toMatchObject({
			chargeId: "ch_prior_0002",
			threeDSecure: "authenticated",
			cvc: "pass",
		});
	});
});
