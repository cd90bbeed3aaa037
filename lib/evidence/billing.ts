import type Stripe from "stripe";
import { unixToIso } from "../format";

/**
 * Stripe Billing behind a charge: the invoice it paid (found through the payment intent's invoice payment, as
 * the API has it since 2025) and that invoice's subscription. A charge that paid no invoice has no billing.
 */

export interface InvoiceLine {
	description: string | null;
	amount: number;
	periodStart: string | null;
	periodEnd: string | null;
}

export interface SubscriptionSummary {
	id: string;
	status: string;
	plan: string | null;
	interval: string | null;
	intervalCount: number | null;
	startedAt: string | null;
	cancelAtPeriodEnd: boolean;
	/** When the latest cancellation was requested; Stripe clears it when the subscription is reactivated. */
	canceledAt: string | null;
	cancelAt: string | null;
	endedAt: string | null;
	cancellationReason: string | null;
	cancellationFeedback: string | null;
	cancellationComment: string | null;
}

export interface BillingSummary {
	invoiceId: string;
	number: string | null;
	/** `subscription_create`, `subscription_cycle`, `manual`, … */
	billingReason: string | null;
	periodStart: string | null;
	periodEnd: string | null;
	lines: InvoiceLine[];
	subscription: SubscriptionSummary | null;
}

/** Billing reasons of a charge the merchant initiated on a saved card (no cardholder at a checkout). */
export const RENEWAL_REASONS: ReadonlySet<string> = new Set(["subscription_cycle", "subscription_threshold"]);

export function isRenewal(billing: BillingSummary | null | undefined): boolean {
	return !!billing?.billingReason && RENEWAL_REASONS.has(billing.billingReason);
}

const iso = (t: number | null | undefined) => (typeof t === "number" && t > 0 ? unixToIso(t) : null);

export function summariseSubscription(s: Stripe.Subscription): SubscriptionSummary {
	const item = s.items?.data?.[0];
	const price = item?.price;
	return {
		id: s.id,
		status: s.status,
		plan: price?.nickname ?? null,
		interval: price?.recurring?.interval ?? null,
		intervalCount: price?.recurring?.interval_count ?? null,
		startedAt: iso(s.start_date),
		cancelAtPeriodEnd: s.cancel_at_period_end,
		canceledAt: iso(s.canceled_at),
		cancelAt: iso(s.cancel_at),
		endedAt: iso(s.ended_at),
		cancellationReason: s.cancellation_details?.reason ?? null,
		cancellationFeedback: s.cancellation_details?.feedback ?? null,
		cancellationComment: s.cancellation_details?.comment ?? null,
	};
}

export function summariseInvoice(invoice: Stripe.Invoice, subscription: Stripe.Subscription | null): BillingSummary {
	const lines = (invoice.lines?.data ?? []).map((l) => ({
		description: l.description ?? null,
		amount: l.amount,
		periodStart: iso(l.period?.start),
		periodEnd: iso(l.period?.end),
	}));
	// The service period is the lines' period (an invoice's own period_start/end is the previous cycle's usage).
	const starts = lines
		.map((l) => l.periodStart)
		.filter((x): x is string => !!x)
		.sort();
	const ends = lines
		.map((l) => l.periodEnd)
		.filter((x): x is string => !!x)
		.sort();
	return {
		invoiceId: invoice.id!,
		number: invoice.number ?? null,
		billingReason: invoice.billing_reason ?? null,
		periodStart: starts[0] ?? iso(invoice.period_start),
		periodEnd: ends.at(-1) ?? iso(invoice.period_end),
		lines,
		subscription: subscription ? summariseSubscription(subscription) : null,
	};
}

/** The invoice and subscription a charge paid, from Stripe (two or three calls), or null for a one-off payment. */
export async function collectBilling(
	stripe: Stripe,
	charge: Stripe.Charge,
	requestOptions?: Stripe.RequestOptions,
): Promise<BillingSummary | null> {
	const pi = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
	if (!pi) return null;
	const payments = await stripe.invoicePayments.list(
		{ payment: { type: "payment_intent", payment_intent: pi }, expand: ["data.invoice"], limit: 1 },
		requestOptions,
	);
	const invoice = payments.data[0]?.invoice;
	if (!invoice || typeof invoice === "string" || invoice.deleted) return null;
	const live = invoice as Stripe.Invoice;
	const subRef = live.parent?.subscription_details?.subscription;
	const subscription = subRef
		? typeof subRef === "string"
			? await stripe.subscriptions.retrieve(subRef, {}, requestOptions)
			: subRef
		: null;
	return summariseInvoice(live, subscription);
}
