/** Stripe dispute reasons, how a network reason code routes a dispute to one, and which disputes are not answered. */

/** Every reason Stripe gives a dispute (`dispute.reason`); each has a playbook. */
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
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export function isDisputeReason(value: string): value is DisputeReason {
	return (DISPUTE_REASONS as readonly string[]).includes(value);
}

/** Stripe reasons a fraud code (Visa 10.x) also covers: an unrecognised payment keeps its own playbook. */
const SAME_FAMILY: Partial<Record<DisputeReason, readonly string[]>> = { fraudulent: ["unrecognized"] };

/**
 * Visa and Mastercard reason codes that name one Stripe reason. Codes that cover several complaints (Mastercard
 * 4853 "cardholder dispute", Visa 13.5 "misrepresentation" aside) are left to the Stripe reason.
 */
const NETWORK_CODES: readonly [RegExp, DisputeReason][] = [
	[/^10\.\d+$/, "fraudulent"],
	[/^12\.6(\.\d+)?$/, "duplicate"],
	[/^13\.1$/, "product_not_received"],
	[/^13\.2$/, "subscription_canceled"],
	[/^13\.[35]$/, "product_unacceptable"],
	[/^13\.[67]$/, "credit_not_processed"],
	[/^(4837|4840|4849|4863|4870|4871)$/, "fraudulent"],
	[/^4834$/, "duplicate"],
	[/^4841$/, "subscription_canceled"],
	[/^4855$/, "product_not_received"],
	[/^4860$/, "credit_not_processed"],
];

/** The reason whose playbook answers a dispute: its network reason code's when that names one, else Stripe's. */
export function caseReason(dispute: { reason: string; networkReasonCode: string | null }): string {
	const routed = reasonOfNetworkCode(dispute.networkReasonCode);
	if (!routed || SAME_FAMILY[routed]?.includes(dispute.reason)) return dispute.reason;
	return routed;
}

/** The Stripe reason a network reason code stands for, or null when it names none. */
export function reasonOfNetworkCode(code: string | null | undefined): DisputeReason | null {
	const c = code?.trim();
	if (!c) return null;
	return NETWORK_CODES.find(([re]) => re.test(c))?.[1] ?? null;
}

/** Compliance program of a dispute: Visa or Mastercard compliance cases cost a network fee to counter. */
export function complianceProgram(dispute: {
	reason: string;
	enhanced_eligibility_types?: readonly string[] | null;
	payment_method_details?: { card?: { brand?: string | null } | null } | null;
}): "visa_compliance" | "mastercard_compliance" | null {
	const types = dispute.enhanced_eligibility_types ?? [];
	if (types.includes("visa_compliance")) return "visa_compliance";
	if ((types as readonly string[]).includes("mastercard_compliance")) return "mastercard_compliance";
	if (dispute.reason !== "noncompliant") return null;
	const brand = dispute.payment_method_details?.card?.brand;
	return brand === "mastercard" ? "mastercard_compliance" : brand === "visa" ? "visa_compliance" : null;
}

/**
 * Why rebuttal does not answer a dispute at all, or null. A Klarna inquiry ignores evidence, so it is skipped; a
 * Klarna chargeback takes evidence like a card chargeback and is answered.
 */
export function skipReasonOf(dispute: {
	status: string;
	payment_method_details?: { type?: string | null } | null;
}): string | null {
	if (dispute.payment_method_details?.type === "klarna" && dispute.status.startsWith("warning_")) {
		return "Klarna inquiry: Klarna does not pass inquiry evidence to the issuer, so none is sent";
	}
	return null;
}
