import { formatAmount, formatDate, formatDateTime, humanise } from "../format";
import { isRenewal } from "./billing";
import type { AddFact } from "./fact-sink";
import type { CaseParts } from "./types";

/** Facts of the charge's refunds and of Stripe Billing (invoice, subscription), for `buildFacts`. */

/**
 * Refunds made before the dispute was opened: the defence a reviewer looks for ("credit already processed"), with
 * the latest such refund's id, amount and date. A refund made after the dispute opened yields none of these.
 */
export function priorRefundFacts(parts: CaseParts, add: AddFact): void {
	const { dispute: d, charge: c } = parts;
	const earlier = (parts.refunds ?? []).filter(
		(r) => (r.status === null || r.status === "succeeded") && r.createdAt < d.createdAt,
	);
	const latest = [...earlier].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
	if (!latest) return;
	const total = earlier.reduce((n, r) => n + r.amount, 0);
	add("refund.prior.id", "Refund made before the dispute", latest.id, latest.id, "stripe");
	add("refund.prior.amount", "Amount of that refund", latest.amount, formatAmount(latest.amount, c.currency), "stripe");
	add("refund.prior.at", "Refunded on", latest.createdAt, formatDateTime(latest.createdAt), "stripe");
	add("refund.prior.total", "Refunded before the dispute, in all", total, formatAmount(total, c.currency), "stripe");
	const covers = total >= d.amount || total >= c.amount;
	add(
		"refund.prior.covers_dispute",
		"The refunds before the dispute cover the disputed amount",
		covers,
		covers ? "yes" : "no",
		"stripe",
	);
}

const BILLING_REASON_WORDS: Record<string, string> = {
	subscription_create: "the first payment of a subscription",
	subscription_cycle: "a subscription renewal",
	subscription_update: "a change of subscription plan",
	subscription_threshold: "a subscription's usage threshold",
	manual: "an invoice",
};

/**
 * Stripe Billing: the invoice the charge paid (its number and service period), whether it was a renewal the
 * merchant charged to a saved card, and the subscription's state, its latest cancellation compared with the charge.
 */
export function billingFacts(parts: CaseParts, add: AddFact): void {
	const b = parts.billing;
	if (!b) return;
	const c = parts.charge;
	add("billing.invoice_id", "Invoice", b.invoiceId, b.invoiceId, "stripe");
	if (b.number) add("billing.invoice_number", "Invoice number", b.number, b.number, "stripe");
	if (b.billingReason)
		add(
			"billing.reason",
			"The charge paid",
			b.billingReason,
			BILLING_REASON_WORDS[b.billingReason] ?? humanise(b.billingReason),
			"stripe",
		);
	const renewal = isRenewal(b);
	add("billing.renewal", "A recurring charge of a subscription", renewal, renewal ? "yes" : "no", "stripe");
	if (b.periodStart && b.periodEnd) {
		add(
			"service.period",
			"Service period paid for",
			`${b.periodStart}/${b.periodEnd}`,
			`${formatDate(b.periodStart)} to ${formatDate(b.periodEnd)}`,
			"stripe",
		);
	}
	// A renewal rests on the payment where the cardholder saved the card: its authentication results, when passed.
	const first = parts.firstPaymentOnCard;
	if (renewal && first) {
		add(
			"renewal.first_payment_at",
			"The card's first payment to the merchant",
			first.createdAt,
			formatDateTime(first.createdAt),
			"stripe",
		);
		if (first.threeDSecure === "authenticated" || first.threeDSecure === "attempt_acknowledged")
			add(
				"renewal.first_payment_three_d_secure",
				"3-D Secure at the first payment",
				first.threeDSecure,
				`3-D Secure ${humanise(first.threeDSecure)}`,
				"stripe",
			);
		if (first.cvc === "pass")
			add("renewal.first_payment_cvc", "CVC check at the first payment", "pass", "passed", "stripe");
		if (first.addressPostalCode === "pass" || first.addressLine1 === "pass")
			add("renewal.first_payment_avs", "Address check at the first payment", "pass", "passed", "stripe");
	}
	const s = b.subscription;
	if (!s) return;
	add("subscription.id", "Subscription", s.id, s.id, "stripe");
	add("subscription.status", "Subscription status", s.status, humanise(s.status), "stripe");
	if (s.plan) add("subscription.plan", "Plan", s.plan, s.plan, "stripe");
	if (s.interval) {
		const every =
			s.intervalCount && s.intervalCount > 1 ? `every ${s.intervalCount} ${s.interval}s` : `${s.interval}ly`;
		add("subscription.interval", "Billed", s.interval, every.replace("dayly", "daily"), "stripe");
	}
	if (s.startedAt)
		add("subscription.started_at", "Subscription started", s.startedAt, formatDateTime(s.startedAt), "stripe");
	add(
		"subscription.cancel_at_period_end",
		"Set to cancel at the end of the period",
		s.cancelAtPeriodEnd,
		s.cancelAtPeriodEnd ? "yes" : "no",
		"stripe",
	);
	if (s.canceledAt) {
		add(
			"subscription.canceled_at",
			"Latest cancellation requested",
			s.canceledAt,
			formatDateTime(s.canceledAt),
			"stripe",
		);
		if (s.cancellationReason)
			add(
				"subscription.cancellation_reason",
				"Cancellation recorded as",
				s.cancellationReason,
				humanise(s.cancellationReason),
				"stripe",
			);
	}
	// Stripe keeps only the latest cancellation (a reactivation clears it), so this compares the latest one.
	const before = !!s.canceledAt && s.canceledAt < c.createdAt;
	add(
		"subscription.canceled_before_charge",
		"The latest cancellation came before the charge",
		before,
		before ? "yes" : "no",
		"stripe",
	);
}

/** The account's latest cancellation before the charge, undone by a later reactivation (not the first one ever). */
export function cancellationStateFacts(parts: CaseParts, add: AddFact): void {
	const cs = parts.cancellationState;
	if (!parts.usage || !cs) return;
	if (cs.latestBeforeCharge)
		add(
			"cancellation.latest_before_charge_at",
			"Latest cancellation before the charge",
			cs.latestBeforeCharge,
			formatDateTime(cs.latestBeforeCharge),
			"merchant_db",
		);
	if (cs.reactivatedAt)
		add(
			"cancellation.reactivated_at",
			"Reactivated after that cancellation",
			cs.reactivatedAt,
			formatDateTime(cs.reactivatedAt),
			"merchant_db",
		);
	const cancelled = cs.latestBeforeCharge !== null && cs.reactivatedAt === null;
	add(
		"cancellation.before_charge",
		"A cancellation was in effect at the charge",
		cancelled,
		cancelled ? "yes" : "no",
		"merchant_db",
	);
}
