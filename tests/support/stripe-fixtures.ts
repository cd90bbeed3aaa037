import type Stripe from "stripe";
import { buildFacts } from "../../lib/evidence/facts";
import { summariseCharge, summariseCustomer, summariseDispute } from "../../lib/evidence/stripe-facts";
import type { CaseExtras, CaseParts, EvidenceCase } from "../../lib/evidence/types";
import { emptyEvidence } from "../../local/stripe-emulator/shapes";

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
		evidence: emptyEvidence() as unknown as Stripe.Dispute.Evidence,
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

/** A complete case file built from these fixtures (no database): `rich` has an account with usage, `sparse` has
 * Stripe data only. */
export function makeEvidenceCase(
	reason: string,
	variant: "rich" | "sparse" = "rich",
	overrides: Partial<CaseParts> = {},
): EvidenceCase & CaseExtras {
	const { dispute, charge, customer } = makeDisputeCase({ reason, customer: variant === "rich" ? {} : null });
	const rich = variant === "rich";
	const parts: CaseParts = {
		merchantName: "Acme Studio 2",
		dispute: summariseDispute(dispute),
		charge: summariseCharge(charge),
		customer: summariseCustomer(customer),
		account: rich
			? {
					id: "acct_42",
					email: "jenny.rosen@example.com",
					name: "Jenny Rosen",
					createdAt: "2025-11-02T08:30:00.000Z",
					signupIp: "198.51.100.4",
					signupUserAgent: "Mozilla/5.0",
					country: "US",
					emailVerifiedAt: "2025-11-02T08:35:00.000Z",
					termsAcceptedAt: "2025-11-02T08:31:00.000Z",
					termsVersion: "2025-06",
					matchedBy: "stripe_customer_id",
				}
			: null,
		usage: rich
			? {
					total: 1234,
					firstAt: "2025-11-02T08:40:00.000Z",
					lastAt: "2026-03-30T10:00:00.000Z",
					afterCharge: 210,
					lastAfterChargeAt: "2026-03-30T10:00:00.000Z",
					byKind: [
						{
							kind: "login",
							count: 700,
							firstAt: "2025-11-02T08:40:00.000Z",
							lastAt: "2026-03-30T10:00:00.000Z",
							afterCharge: 140,
						},
						{
							kind: "generation",
							count: 500,
							firstAt: "2025-11-03T09:00:00.000Z",
							lastAt: "2026-03-29T10:00:00.000Z",
							afterCharge: 66,
						},
						{
							kind: "cancellation",
							count: 1,
							firstAt: "2026-03-31T09:00:00.000Z",
							lastAt: "2026-03-31T09:00:00.000Z",
							afterCharge: 1,
						},
						{
							kind: "download",
							count: 33,
							firstAt: "2025-11-04T09:00:00.000Z",
							lastAt: "2026-03-28T10:00:00.000Z",
							afterCharge: 3,
						},
					],
					weekly: Array.from({ length: 22 }, (_, i) => ({
						weekStart: new Date(Date.UTC(2025, 9, 27) + i * 7 * 86_400_000).toISOString().slice(0, 10),
						count: 40 + i,
					})),
					distinctIps: 3,
					distinctDevices: 2,
					topIps: [
						{
							value: "198.51.100.4",
							count: 1000,
							firstAt: "2025-11-02T08:40:00.000Z",
							lastAt: "2026-03-30T10:00:00.000Z",
						},
						{
							value: "203.0.113.9",
							count: 200,
							firstAt: "2025-12-02T08:40:00.000Z",
							lastAt: "2026-03-20T10:00:00.000Z",
						},
					],
					topDevices: [
						{ value: "dev-a", count: 900, firstAt: "2025-11-02T08:40:00.000Z", lastAt: "2026-03-30T10:00:00.000Z" },
					],
					recent: [
						{ occurredAt: "2026-03-12T14:01:00.000Z", kind: "login", ip: "198.51.100.4", deviceId: "dev-a" },
						{ occurredAt: "2026-03-12T14:20:00.000Z", kind: "generation", ip: "198.51.100.4", deviceId: "dev-a" },
						{ occurredAt: "2026-03-30T10:00:00.000Z", kind: "login", ip: "203.0.113.9", deviceId: null },
					],
				}
			: null,
		priorPayments: rich
			? {
					count: 5,
					total: 14500,
					currency: "usd",
					disputed: 0,
					refunded: 1,
					firstAt: "2025-11-12T14:05:00.000Z",
					lastAt: "2026-02-12T14:05:00.000Z",
				}
			: { count: 0, total: 0, currency: "usd", disputed: 0, refunded: 0, firstAt: null, lastAt: null },
		artifacts: rich
			? [
					{
						id: "art_1",
						title: "Poster",
						createdAt: "2026-03-20T10:00:00.000Z",
						contentType: "image/png",
						location: "r2:a",
					},
				]
			: [],
		artifactCount: rich ? 17 : 0,
		purchaseIp: rich
			? {
					ip: "198.51.100.4",
					source: "charge_metadata",
					observedAt: null,
					priorCount: 950,
					firstSeenAt: "2025-11-02T08:40:00.000Z",
				}
			: null,
		...overrides,
	};
	return { ...parts, facts: buildFacts(parts) };
}
