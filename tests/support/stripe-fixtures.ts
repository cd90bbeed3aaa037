import type Stripe from "stripe";

/**
 * Realistic Stripe objects (shaped like the API's own examples) for tests, with builders for variations. Every
 * builder takes a deep-partial override; nested objects merge, arrays and primitives replace.
 */

type DeepPartial<T> = T extends (infer U)[]
	? U[]
	: T extends object
		? { [K in keyof T]?: DeepPartial<T[K]> | null }
		: T;

/** Fixed times (Unix seconds) so tests stay deterministic: the charge is 12 Mar 2026, 14:05 UTC. */
export const CHARGE_CREATED = Date.UTC(2026, 2, 12, 14, 5, 0) / 1000;
export const DISPUTE_CREATED = CHARGE_CREATED + 20 * 86_400;
export const DUE_BY = DISPUTE_CREATED + 21 * 86_400;

function merge<T>(base: T, override: unknown): T {
	if (override === undefined) return base;
	if (override === null || typeof override !== "object" || Array.isArray(override)) return override as T;
	if (base === null || typeof base !== "object" || Array.isArray(base)) return override as T;
	const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
	for (const [k, v] of Object.entries(override as Record<string, unknown>)) {
		out[k] = merge((base as Record<string, unknown>)[k], v);
	}
	return out as T;
}

export function makeCustomer(override: DeepPartial<Stripe.Customer> = {}): Stripe.Customer {
	const base = {
		id: "cus_QXg1o8vcGmoR32",
		object: "customer",
		address: { city: "Portland", country: "US", line1: "1 Main St", line2: null, postal_code: "97201", state: "OR" },
		balance: 0,
		created: CHARGE_CREATED - 200 * 86_400,
		currency: "usd",
		default_source: null,
		delinquent: false,
		description: null,
		discount: null,
		email: "jenny.rosen@example.com",
		invoice_prefix: "7FE1103",
		invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
		livemode: false,
		metadata: {},
		name: "Jenny Rosen",
		next_invoice_sequence: 1,
		phone: null,
		preferred_locales: [],
		shipping: null,
		tax_exempt: "none",
		test_clock: null,
	} as unknown as Stripe.Customer;
	return merge(base, override);
}

export function makePaymentIntent(override: DeepPartial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent {
	const base = {
		id: "pi_1PgafyB7WZ01zgkWSjxsAJo3",
		object: "payment_intent",
		amount: 2900,
		amount_capturable: 0,
		amount_received: 2900,
		capture_method: "automatic",
		confirmation_method: "automatic",
		created: CHARGE_CREATED,
		currency: "usd",
		customer: "cus_QXg1o8vcGmoR32",
		description: "Pro plan, monthly",
		latest_charge: "ch_3PgafuB7WZ01zgkW0XmPNZs8",
		livemode: false,
		metadata: {},
		payment_method: "pm_1PgaftB7WZ01zgkWm3waTcFp",
		payment_method_types: ["card"],
		status: "succeeded",
	} as unknown as Stripe.PaymentIntent;
	return merge(base, override);
}

export function makeCharge(override: DeepPartial<Stripe.Charge> = {}): Stripe.Charge {
	const base = {
		id: "ch_3PgafuB7WZ01zgkW0XmPNZs8",
		object: "charge",
		amount: 2900,
		amount_captured: 2900,
		amount_refunded: 0,
		application: null,
		application_fee: null,
		application_fee_amount: null,
		balance_transaction: "txn_1PgaxNB7WZ01zgkWEV3TLf40",
		billing_details: {
			address: { city: "Portland", country: "US", line1: "1 Main St", line2: null, postal_code: "97201", state: "OR" },
			email: "jenny.rosen@example.com",
			name: "Jenny Rosen",
			phone: null,
			tax_id: null,
		},
		calculated_statement_descriptor: "ACME STUDIO",
		captured: true,
		created: CHARGE_CREATED,
		currency: "usd",
		customer: "cus_QXg1o8vcGmoR32",
		description: "Pro plan, monthly",
		disputed: true,
		failure_balance_transaction: null,
		failure_code: null,
		failure_message: null,
		fraud_details: {},
		livemode: false,
		metadata: {},
		on_behalf_of: null,
		outcome: {
			network_status: "approved_by_network",
			reason: null,
			risk_level: "normal",
			seller_message: "Payment complete.",
			type: "authorized",
		},
		paid: true,
		payment_intent: "pi_1PgafyB7WZ01zgkWSjxsAJo3",
		payment_method: "pm_1PgaftB7WZ01zgkWm3waTcFp",
		payment_method_details: {
			card: {
				amount_authorized: 2900,
				brand: "visa",
				checks: { address_line1_check: "pass", address_postal_code_check: "pass", cvc_check: "pass" },
				country: "US",
				exp_month: 8,
				exp_year: 2030,
				fingerprint: "AOB934RVNwzk6xtn",
				funding: "credit",
				last4: "4242",
				network: "visa",
				three_d_secure: null,
				wallet: null,
			},
			type: "card",
		},
		receipt_email: "jenny.rosen@example.com",
		receipt_number: null,
		receipt_url: null,
		refunded: false,
		review: null,
		shipping: null,
		source: null,
		source_transfer: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status: "succeeded",
		transfer_data: null,
		transfer_group: null,
	} as unknown as Stripe.Charge;
	return merge(base, override);
}

export function makeDispute(override: DeepPartial<Stripe.Dispute> = {}): Stripe.Dispute {
	const base = {
		id: "dp_1Pgc71B7WZ01zgkWMevJiAUx",
		object: "dispute",
		amount: 2900,
		balance_transactions: [],
		charge: "ch_3PgafuB7WZ01zgkW0XmPNZs8",
		created: DISPUTE_CREATED,
		currency: "usd",
		enhanced_eligibility_types: ["visa_compelling_evidence_3"],
		evidence: emptyEvidence(),
		evidence_details: {
			due_by: DUE_BY,
			has_evidence: false,
			past_due: false,
			submission_count: 0,
			enhanced_eligibility: {},
		},
		intended_submission_method: null,
		is_charge_refundable: true,
		livemode: false,
		metadata: {},
		payment_intent: "pi_1PgafyB7WZ01zgkWSjxsAJo3",
		payment_method_details: {
			card: { brand: "visa", case_type: "chargeback", network_reason_code: "10.4", network: "visa" },
			type: "card",
		},
		reason: "fraudulent",
		status: "needs_response",
	} as unknown as Stripe.Dispute;
	return merge(base, override);
}

function emptyEvidence(): Stripe.Dispute.Evidence {
	const names = [
		"access_activity_log",
		"billing_address",
		"cancellation_policy",
		"cancellation_policy_disclosure",
		"cancellation_rebuttal",
		"customer_communication",
		"customer_email_address",
		"customer_name",
		"customer_purchase_ip",
		"customer_signature",
		"duplicate_charge_documentation",
		"duplicate_charge_explanation",
		"duplicate_charge_id",
		"product_description",
		"receipt",
		"refund_policy",
		"refund_policy_disclosure",
		"refund_refusal_explanation",
		"service_date",
		"service_documentation",
		"shipping_address",
		"shipping_carrier",
		"shipping_date",
		"shipping_documentation",
		"shipping_tracking_number",
		"uncategorized_file",
		"uncategorized_text",
	];
	return {
		...Object.fromEntries(names.map((n) => [n, null])),
		enhanced_evidence: {},
	} as unknown as Stripe.Dispute.Evidence;
}

/** Every dispute reason Stripe documents. */
export const DISPUTE_REASONS = [
	"bank_cannot_process",
	"check_returned",
	"credit_not_processed",
	"customer_initiated",
	"debit_not_authorized",
	"duplicate",
	"fraudulent",
	"general",
	"incorrect_account_details",
	"insufficient_funds",
	"noncompliant",
	"product_not_received",
	"product_unacceptable",
	"subscription_canceled",
	"unrecognized",
] as const;

/** A dispute with its charge expanded (customer and payment intent included), as assembly reads it. */
export function makeDisputeCase(
	options: {
		reason?: string;
		dispute?: DeepPartial<Stripe.Dispute>;
		charge?: DeepPartial<Stripe.Charge>;
		customer?: DeepPartial<Stripe.Customer> | null;
	} = {},
): { dispute: Stripe.Dispute; charge: Stripe.Charge; customer: Stripe.Customer | null } {
	const customer = options.customer === null ? null : makeCustomer(options.customer ?? {});
	const charge = makeCharge({
		customer: customer ? customer.id : null,
		...(options.charge as object),
	} as DeepPartial<Stripe.Charge>);
	const dispute = makeDispute({
		charge: charge.id,
		amount: charge.amount,
		currency: charge.currency,
		...(options.reason && { reason: options.reason }),
		...(options.dispute as object),
	} as DeepPartial<Stripe.Dispute>);
	return { dispute, charge, customer };
}

/** An earlier charge of the same customer, `daysBefore` days before the disputed one. */
export function makePriorCharge(
	i: number,
	daysBefore: number,
	override: DeepPartial<Stripe.Charge> = {},
): Stripe.Charge {
	return makeCharge({
		id: `ch_prior_${String(i).padStart(4, "0")}`,
		created: CHARGE_CREATED - daysBefore * 86_400,
		disputed: false,
		...(override as object),
	} as DeepPartial<Stripe.Charge>);
}
