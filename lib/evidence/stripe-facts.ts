import type Stripe from "stripe";
import { unixToIso } from "../format";
import type {
	ChargeSummary,
	CustomerSummary,
	DisputeSummary,
	FirstCardPayment,
	PriorPayments,
	RefundRecord,
} from "./types";

/** Pure mappings of Stripe objects into the case file. No network, no clock. */

export function summariseDispute(d: Stripe.Dispute): DisputeSummary {
	const card = d.payment_method_details?.card;
	return {
		id: d.id,
		amount: d.amount,
		currency: d.currency,
		reason: d.reason,
		networkReasonCode: card?.network_reason_code ?? d.network_reason_code ?? null,
		status: d.status,
		dueBy: d.evidence_details?.due_by ? unixToIso(d.evidence_details.due_by) : null,
		createdAt: unixToIso(d.created),
		cardBrand: card?.brand ?? null,
		isInquiry: card?.case_type === "inquiry" || d.status.startsWith("warning_"),
	};
}

export function summariseCharge(c: Stripe.Charge): ChargeSummary {
	const card = c.payment_method_details?.card ?? null;
	const billing = c.billing_details;
	return {
		id: c.id,
		createdAt: unixToIso(c.created),
		amount: c.amount,
		currency: c.currency,
		description: nonEmpty(c.description),
		statementDescriptor: nonEmpty(c.calculated_statement_descriptor ?? c.statement_descriptor),
		receiptEmail: nonEmpty(c.receipt_email),
		billingName: nonEmpty(billing?.name),
		billingEmail: nonEmpty(billing?.email),
		billingCountry: nonEmpty(billing?.address?.country),
		billingPostalCode: nonEmpty(billing?.address?.postal_code),
		cardBrand: card?.brand ?? null,
		cardLast4: card?.last4 ?? null,
		cardCountry: card?.country ?? null,
		cardFingerprint: card?.fingerprint ?? null,
		checks: {
			addressLine1: card?.checks?.address_line1_check ?? null,
			addressPostalCode: card?.checks?.address_postal_code_check ?? null,
			cvc: card?.checks?.cvc_check ?? null,
		},
		threeDSecure: card?.three_d_secure?.result ?? null,
		wallet: card?.wallet?.type ?? null,
		refunded: c.refunded,
		amountRefunded: c.amount_refunded,
	};
}

/** The charge's customer, from the object passed in or the charge's expanded `customer`; null when deleted/absent. */
export function summariseCustomer(
	customer: Stripe.Customer | Stripe.DeletedCustomer | null,
	charge?: Stripe.Charge,
): CustomerSummary | null {
	const c = customer ?? (charge && typeof charge.customer === "object" ? charge.customer : null);
	if (!c) {
		const id = typeof charge?.customer === "string" ? charge.customer : null;
		return id ? { id, name: null, email: null, createdAt: null } : null;
	}
	if ("deleted" in c && c.deleted) return { id: c.id, name: null, email: null, createdAt: null };
	const live = c as Stripe.Customer;
	return {
		id: live.id,
		name: nonEmpty(live.name),
		email: nonEmpty(live.email),
		createdAt: typeof live.created === "number" ? unixToIso(live.created) : null,
	};
}

/** The id of the charge's customer, whether `customer` is a string, an expanded object or passed separately. */
export function customerIdOf(
	charge: Stripe.Charge,
	customer?: Stripe.Customer | Stripe.DeletedCustomer | null,
): string | null {
	if (customer?.id) return customer.id;
	if (typeof charge.customer === "string") return charge.customer;
	return charge.customer?.id ?? null;
}

/** Pages fetched at most when listing a customer's earlier charges (100 charges each). */
export const PRIOR_PAYMENT_PAGES = 3;

/**
 * Counts the customer's earlier payments from a list of their charges: succeeded, in the disputed charge's currency,
 * created before it, not the disputed charge itself. Disputed and refunded ones are counted among them.
 */
export function countPriorPayments(charges: readonly Stripe.Charge[], disputedCharge: Stripe.Charge): PriorPayments {
	const currency = disputedCharge.currency;
	const seen = new Set<string>();
	let count = 0;
	let total = 0;
	let disputed = 0;
	let refunded = 0;
	let first: number | null = null;
	let last: number | null = null;
	for (const c of charges) {
		if (seen.has(c.id) || c.id === disputedCharge.id) continue;
		seen.add(c.id);
		if (c.status !== "succeeded" || c.created >= disputedCharge.created) continue;
		if (c.currency.toLowerCase() !== currency.toLowerCase()) continue;
		count++;
		total += c.amount;
		if (c.disputed) disputed++;
		if (c.refunded || c.amount_refunded > 0) refunded++;
		first = first === null ? c.created : Math.min(first, c.created);
		last = last === null ? c.created : Math.max(last, c.created);
	}
	return {
		count,
		total,
		currency,
		disputed,
		refunded,
		firstAt: first === null ? null : unixToIso(first),
		lastAt: last === null ? null : unixToIso(last),
	};
}

/**
 * The customer's earlier charges from Stripe, newest first, at most {@link PRIOR_PAYMENT_PAGES} pages of 100.
 * Without a customer there is nothing to list.
 */
export async function collectPriorPayments(
	stripe: Stripe,
	customerId: string | null,
	disputedCharge: Stripe.Charge,
	requestOptions?: Stripe.RequestOptions,
): Promise<PriorPayments> {
	return (await collectPriorPaymentsWithFirst(stripe, customerId, disputedCharge, requestOptions)).prior;
}

/** The earliest succeeded charge before the disputed one on the same card (fingerprint), or null. */
export function firstPaymentOnCard(
	charges: readonly Stripe.Charge[],
	disputedCharge: Stripe.Charge,
): FirstCardPayment | null {
	const fingerprint = disputedCharge.payment_method_details?.card?.fingerprint;
	if (!fingerprint) return null;
	const first = charges
		.filter(
			(c) =>
				c.id !== disputedCharge.id &&
				c.status === "succeeded" &&
				c.created < disputedCharge.created &&
				c.payment_method_details?.card?.fingerprint === fingerprint,
		)
		.sort((a, b) => a.created - b.created)[0];
	if (!first) return null;
	const card = first.payment_method_details?.card;
	return {
		chargeId: first.id,
		createdAt: unixToIso(first.created),
		threeDSecure: card?.three_d_secure?.result ?? null,
		cvc: card?.checks?.cvc_check ?? null,
		addressPostalCode: card?.checks?.address_postal_code_check ?? null,
		addressLine1: card?.checks?.address_line1_check ?? null,
	};
}

/**
 * A customer's charges created before `before` (Unix seconds) as one listing read them: newest first, as Stripe
 * lists them; `complete` when Stripe had no more to give, else the pages ran out first.
 */
export interface ChargeListing {
	customerId: string;
	before: number;
	charges: Stripe.Charge[];
	complete: boolean;
}

/**
 * The listed charges created in [gte, lte], when the listing holds every one of the customer's charges there:
 * it reaches past `lte`, and it is complete or its oldest charge is older than `gte` (a list is newest first, so
 * whatever it left unread is older still). Else null: the caller must list that window itself.
 */
export function chargesCreatedBetween(
	listing: ChargeListing | null | undefined,
	customerId: string,
	gte: number,
	lte: number,
): Stripe.Charge[] | null {
	if (!listing || listing.customerId !== customerId || listing.before <= lte) return null;
	const oldest = listing.charges.at(-1);
	if (!listing.complete && !(oldest && oldest.created < gte)) return null;
	return listing.charges.filter((c) => c.created >= gte && c.created <= lte);
}

/**
 * {@link collectPriorPayments}, plus the first earlier payment on the disputed card among the charges read, and
 * the listing itself (null without a customer), which CE 3.0 reads its window from instead of listing again.
 */
export async function collectPriorPaymentsWithFirst(
	stripe: Stripe,
	customerId: string | null,
	disputedCharge: Stripe.Charge,
	requestOptions?: Stripe.RequestOptions,
): Promise<{ prior: PriorPayments; firstOnCard: FirstCardPayment | null; listing: ChargeListing | null }> {
	if (!customerId) return { prior: countPriorPayments([], disputedCharge), firstOnCard: null, listing: null };
	const { charges, complete } = await listCustomerCharges(
		stripe,
		customerId,
		{ lt: disputedCharge.created },
		PRIOR_PAYMENT_PAGES,
		requestOptions,
	);
	return {
		prior: countPriorPayments(charges, disputedCharge),
		firstOnCard: firstPaymentOnCard(charges, disputedCharge),
		listing: { customerId, before: disputedCharge.created, charges, complete },
	};
}

/**
 * A customer's charges created in `created`, newest first, at most `maxPages` pages of 100; `complete` when
 * Stripe had no more to give (the pages did not run out first).
 */
export async function listCustomerCharges(
	stripe: Stripe,
	customerId: string,
	created: Stripe.RangeQueryParam,
	maxPages: number,
	requestOptions?: Stripe.RequestOptions,
): Promise<{ charges: Stripe.Charge[]; complete: boolean }> {
	const charges: Stripe.Charge[] = [];
	let startingAfter: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const list = await stripe.charges.list(
			{ customer: customerId, created, limit: 100, ...(startingAfter && { starting_after: startingAfter }) },
			requestOptions,
		);
		charges.push(...list.data);
		const last = list.data.at(-1);
		if (!list.has_more || !last) return { charges, complete: !list.has_more };
		startingAfter = last.id;
	}
	return { charges, complete: false };
}

function nonEmpty(value: string | null | undefined): string | null {
	const v = value?.trim();
	return v ? v : null;
}

/** Metadata keys under which merchants commonly record the buyer's IP at checkout. */
export const PURCHASE_IP_METADATA_KEYS = ["customer_ip", "client_ip", "ip_address", "purchase_ip", "ip"] as const;

/**
 * The purchase IP as Stripe knows it: the charge's metadata, else the (expanded) payment intent's metadata. Stripe
 * itself exposes no buyer IP on charges; null when the merchant did not record one.
 */
export function purchaseIpFromStripe(
	charge: Stripe.Charge,
): { ip: string; source: "charge_metadata" | "payment_intent_metadata" } | null {
	const fromCharge = ipFromMetadata(charge.metadata);
	if (fromCharge) return { ip: fromCharge, source: "charge_metadata" };
	const pi = typeof charge.payment_intent === "object" ? charge.payment_intent : null;
	const fromIntent = ipFromMetadata(pi?.metadata);
	if (fromIntent) return { ip: fromIntent, source: "payment_intent_metadata" };
	return null;
}

function ipFromMetadata(metadata: Stripe.Metadata | null | undefined): string | null {
	if (!metadata) return null;
	for (const key of PURCHASE_IP_METADATA_KEYS) {
		const value = metadata[key]?.trim();
		if (value && looksLikeIp(value)) return value;
	}
	return null;
}

/** IPv4 dotted quad or an IPv6 literal; anything else is not trusted as an IP. */
export function looksLikeIp(value: string): boolean {
	if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(value)) return value.split(".").every((p) => Number(p) <= 255);
	return /^[0-9a-f:]+$/i.test(value) && value.includes(":") && value.length <= 45;
}

/** Metadata keys under which merchants record when the paid-for service period began. */
export const SERVICE_START_METADATA_KEYS = ["service_period_start", "period_start", "service_start"] as const;

/**
 * When the service paid for by the charge began: the charge's (or its payment intent's) metadata when it names a
 * time (Unix seconds or ISO-8601), else the charge time.
 */
export function servicePeriodStartOf(charge: Stripe.Charge): { start: Date; source: "charge" | "charge_metadata" } {
	const pi = typeof charge.payment_intent === "object" ? charge.payment_intent : null;
	for (const metadata of [charge.metadata, pi?.metadata]) {
		for (const key of SERVICE_START_METADATA_KEYS) {
			const raw = metadata?.[key]?.trim();
			if (!raw) continue;
			const date = /^\d{9,11}$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
			if (!Number.isNaN(date.getTime())) return { start: date, source: "charge_metadata" };
		}
	}
	return { start: new Date(charge.created * 1000), source: "charge" };
}

/**
 * The refunds of the disputed charge, newest first. The dispute is read with `charge.refunds` expanded, which
 * holds them all unless the charge has more than that list's first page (Stripe embeds 10); only then are they
 * listed (one page of 100: a charge has at most a handful). Stripe sends `refunds` only when asked to expand it.
 */
export async function collectRefunds(
	stripe: Stripe,
	charge: Stripe.Charge,
	requestOptions?: Stripe.RequestOptions,
): Promise<RefundRecord[]> {
	const embedded = charge.refunds;
	const refunds =
		embedded && !embedded.has_more
			? embedded.data
			: (await stripe.refunds.list({ charge: charge.id, limit: 100 }, requestOptions)).data;
	return refunds.map((r) => ({ id: r.id, amount: r.amount, createdAt: unixToIso(r.created), status: r.status }));
}
