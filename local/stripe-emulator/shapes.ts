import { createHash, randomBytes } from "node:crypto";
import { newId, now, type StripeObject } from "./store";

// Default objects follow the shapes of Stripe's own API fixtures, with realistic values in place of placeholders.

export const EVIDENCE_TEXT_FIELDS = [
	"access_activity_log",
	"billing_address",
	"cancellation_policy_disclosure",
	"cancellation_rebuttal",
	"customer_email_address",
	"customer_name",
	"customer_purchase_ip",
	"duplicate_charge_explanation",
	"duplicate_charge_id",
	"product_description",
	"refund_policy_disclosure",
	"refund_refusal_explanation",
	"service_date",
	"shipping_address",
	"shipping_carrier",
	"shipping_date",
	"shipping_tracking_number",
	"uncategorized_text",
] as const;

export const EVIDENCE_FILE_FIELDS = [
	"cancellation_policy",
	"customer_communication",
	"customer_signature",
	"duplicate_charge_documentation",
	"receipt",
	"refund_policy",
	"service_documentation",
	"shipping_documentation",
	"uncategorized_file",
] as const;

const nullAddress = () => ({ city: null, country: null, line1: null, line2: null, postal_code: null, state: null });

/** Objects merge key by key; arrays, strings, numbers and null replace. */
export function deepMerge(base: StripeObject, patch: StripeObject): StripeObject {
	const out: StripeObject = { ...base };
	for (const [key, value] of Object.entries(patch)) {
		const current = out[key];
		const bothObjects =
			value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object";
		out[key] = bothObjects && !Array.isArray(current) ? deepMerge(current, value) : value;
	}
	return out;
}

export function emptyEvidence(): StripeObject {
	const evidence: StripeObject = {};
	for (const field of [...EVIDENCE_TEXT_FIELDS, ...EVIDENCE_FILE_FIELDS].sort()) evidence[field] = null;
	evidence.enhanced_evidence = {};
	return evidence;
}

export function defaultCustomer(patch: StripeObject): StripeObject {
	const id = patch.id ?? newId("cus", 14);
	if (patch.deleted === true) return { id, object: "customer", deleted: true };
	return deepMerge(
		{
			id,
			object: "customer",
			address: null,
			balance: 0,
			created: now(),
			currency: null,
			default_source: null,
			delinquent: false,
			description: null,
			discount: null,
			email: null,
			invoice_prefix: randomBytes(4).toString("hex").toUpperCase(),
			invoice_settings: {
				custom_fields: null,
				default_payment_method: null,
				footer: null,
				rendering_options: null,
			},
			livemode: false,
			metadata: {},
			name: null,
			next_invoice_sequence: 1,
			phone: null,
			preferred_locales: [],
			shipping: null,
			tax_exempt: "none",
			test_clock: null,
		},
		patch,
	);
}

export function defaultPaymentIntent(patch: StripeObject): StripeObject {
	const id = patch.id ?? newId("pi");
	const amount = patch.amount ?? 2000;
	return deepMerge(
		{
			id,
			object: "payment_intent",
			amount,
			amount_capturable: 0,
			amount_details: { tip: {} },
			amount_received: amount,
			application: null,
			application_fee_amount: null,
			automatic_payment_methods: { allow_redirects: "always", enabled: true },
			canceled_at: null,
			cancellation_reason: null,
			capture_method: "automatic",
			client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
			confirmation_method: "automatic",
			created: now(),
			currency: "usd",
			customer: null,
			description: null,
			excluded_payment_method_types: null,
			last_payment_error: null,
			latest_charge: null,
			livemode: false,
			metadata: {},
			next_action: null,
			on_behalf_of: null,
			payment_method: newId("pm"),
			payment_method_configuration_details: null,
			payment_method_options: {},
			payment_method_types: ["card"],
			processing: null,
			receipt_email: null,
			review: null,
			setup_future_usage: null,
			shipping: null,
			source: null,
			statement_descriptor: null,
			statement_descriptor_suffix: null,
			status: "succeeded",
			transfer_data: null,
			transfer_group: null,
		},
		patch,
	);
}

/** A stable 16-character fingerprint per customer and card (per charge when there is no customer). */
function cardFingerprint(customer: unknown, last4: string, chargeId: string): string {
	const owner = typeof customer === "string" ? customer : ((customer as StripeObject | null)?.id ?? chargeId);
	return createHash("sha256").update(`${owner}:${last4}`).digest("base64url").slice(0, 16);
}

export function defaultCharge(patch: StripeObject): StripeObject {
	const id = patch.id ?? newId("ch");
	const amount = patch.amount ?? 2000;
	return deepMerge(
		{
			id,
			object: "charge",
			amount,
			amount_captured: amount,
			amount_refunded: 0,
			application: null,
			application_fee: null,
			application_fee_amount: null,
			balance_transaction: newId("txn"),
			billing_details: { address: nullAddress(), email: null, name: null, phone: null, tax_id: null },
			calculated_statement_descriptor: "REBUTTAL",
			captured: true,
			created: now(),
			currency: "usd",
			customer: null,
			description: null,
			disputed: false,
			failure_balance_transaction: null,
			failure_code: null,
			failure_message: null,
			fraud_details: {},
			livemode: false,
			metadata: {},
			on_behalf_of: null,
			outcome: {
				advice_code: null,
				network_advice_code: null,
				network_decline_code: null,
				network_status: "approved_by_network",
				reason: null,
				risk_level: "normal",
				risk_score: 32,
				seller_message: "Payment complete.",
				type: "authorized",
			},
			paid: true,
			payment_intent: null,
			payment_method: newId("pm"),
			payment_method_details: {
				card: {
					amount_authorized: amount,
					authorization_code: null,
					brand: "visa",
					checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
					country: "US",
					exp_month: 12,
					exp_year: 2030,
					extended_authorization: { status: "disabled" },
					// Stripe's fingerprint identifies the card number: charges of one customer's card share it.
					fingerprint: cardFingerprint(patch.customer, patch.payment_method_details?.card?.last4 ?? "4242", id),
					funding: "credit",
					incremental_authorization: { status: "unavailable" },
					installments: null,
					last4: "4242",
					mandate: null,
					multicapture: { status: "unavailable" },
					network: "visa",
					network_token: { used: false },
					network_transaction_id: randomBytes(8).toString("hex"),
					overcapture: { maximum_amount_capturable: amount, status: "unavailable" },
					regulated_status: "unregulated",
					three_d_secure: null,
					wallet: null,
				},
				type: "card",
			},
			receipt_email: null,
			receipt_number: null,
			receipt_url: `https://pay.stripe.com/receipts/payment/${randomBytes(24).toString("base64url")}`,
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
		},
		patch,
	);
}

/** Visa reason codes by Stripe reason, used when a dispute is created without one (`general` has none). */
const VISA_REASON_CODES: Record<string, string> = {
	fraudulent: "10.4",
	unrecognized: "10.4",
	product_not_received: "13.1",
	product_unacceptable: "13.3",
	subscription_canceled: "13.2",
	credit_not_processed: "13.6",
	duplicate: "12.6.1",
};

export function isInquiryStatus(status: string): boolean {
	return status.startsWith("warning_");
}

export function defaultDispute(patch: StripeObject, charge: StripeObject | undefined): StripeObject {
	const id = patch.id ?? newId("dp");
	const created = patch.created ?? now();
	const status = patch.status ?? "needs_response";
	const reason = patch.reason ?? "general";
	const card = charge?.payment_method_details?.card;
	const network = card?.network ?? card?.brand ?? "visa";
	const ce3 = network === "visa" && reason === "fraudulent";
	const dispute = deepMerge(
		{
			id,
			object: "dispute",
			amount: charge?.amount ?? 2000,
			balance_transactions: [],
			charge: charge?.id ?? null,
			created,
			currency: charge?.currency ?? "usd",
			enhanced_eligibility_types: ce3 ? ["visa_compelling_evidence_3"] : [],
			evidence: emptyEvidence(),
			evidence_details: {
				due_by: created + 7 * 86400,
				enhanced_eligibility: ce3 ? { visa_compelling_evidence_3: ce3Eligibility(emptyEvidence()) } : {},
				has_evidence: false,
				past_due: false,
				submission_count: 0,
				submission_method: "not_submitted",
			},
			intended_submission_method: null,
			is_charge_refundable: !(charge?.refunded ?? false),
			livemode: charge?.livemode ?? false,
			metadata: {},
			network_reason_code: null,
			payment_intent: charge?.payment_intent ?? null,
			payment_method_details: {
				card: {
					brand: card?.brand ?? "visa",
					case_type: isInquiryStatus(status) ? "inquiry" : "chargeback",
					network,
					network_reason_code: null,
				},
				type: "card",
			},
			reason,
			status,
		},
		patch,
	);
	// A Klarna dispute has no card: its details are Klarna's reason code. An inquiry has a `warning_` status.
	if (dispute.payment_method_details?.type === "klarna") {
		const { card: _card, ...rest } = dispute.payment_method_details;
		dispute.payment_method_details = {
			...rest,
			klarna: { reason_code: "10", ...(rest.klarna ?? {}) },
		};
		dispute.enhanced_eligibility_types = [];
		dispute.evidence_details.enhanced_eligibility = {};
	}
	const code = patch.network_reason_code ?? patch.payment_method_details?.card?.network_reason_code;
	// Non-card disputes (Klarna, bank debits) have no card and no network reason code.
	const card_ = dispute.payment_method_details?.type === "card" ? dispute.payment_method_details.card : null;
	const reasonCode = card_ ? (code ?? (network === "visa" ? (VISA_REASON_CODES[reason] ?? null) : null)) : null;
	dispute.network_reason_code = reasonCode;
	if (card_) card_.network_reason_code = reasonCode;
	return dispute;
}

export function defaultEarlyFraudWarning(patch: StripeObject): StripeObject {
	return deepMerge(
		{
			id: patch.id ?? newId("issfr"),
			object: "radar.early_fraud_warning",
			actionable: true,
			charge: null,
			created: now(),
			fraud_type: "unauthorized_use_of_card",
			livemode: false,
			payment_intent: null,
		},
		patch,
	);
}

const CE3_MAIN = ["customer_purchase_ip", "device"] as const;
const CE3_SECONDARY = ["customer_account_id", "customer_email_address", "shipping_address"] as const;

function ce3Element(t: StripeObject | null | undefined, element: string): string | null {
	if (!t) return null;
	const v =
		element === "device"
			? (t.customer_device_fingerprint ?? t.customer_device_id)
			: element === "shipping_address"
				? t.shipping_address && JSON.stringify(t.shipping_address)
				: t[element];
	return typeof v === "string" && v.trim() ? v.trim().toLowerCase() : null;
}

/**
 * Recomputes Visa CE 3.0 eligibility from the evidence, like Stripe's `evidence_details.enhanced_eligibility`: the
 * disputed transaction and both prior transactions must match on two main elements (purchase IP, device id or
 * fingerprint) or one main and one secondary (account id, email, shipping address), with descriptions.
 */
export function ce3Eligibility(evidence: StripeObject): { required_actions: string[]; status: string } {
	const ce3 = evidence.enhanced_evidence?.visa_compelling_evidence_3;
	const txn = ce3?.disputed_transaction;
	const prior: StripeObject[] = ce3?.prior_undisputed_transactions ?? [];
	const actions: string[] = [];
	const all = [txn, ...prior];
	const matches = (element: string) => {
		const values = all.map((t) => ce3Element(t, element));
		return values[0] !== null && values.every((v) => v === values[0]);
	};
	const main = CE3_MAIN.filter(matches).length;
	const secondary = CE3_SECONDARY.filter(matches).length;
	if (!(main >= 2 || (main >= 1 && secondary >= 1))) actions.push("missing_customer_identifiers");
	if (!txn?.product_description) actions.push("missing_disputed_transaction_description");
	if (!txn?.merchandise_or_services) actions.push("missing_merchandise_or_services");
	if (prior.length < 2) actions.push("missing_prior_undisputed_transactions");
	else if (prior.some((t) => !t.product_description)) actions.push("missing_prior_undisputed_transaction_description");
	return { required_actions: actions, status: actions.length === 0 ? "qualified" : "requires_action" };
}
