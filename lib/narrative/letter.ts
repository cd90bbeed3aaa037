/**
 * The cover letter's argument: what the cardholder claims, in words an issuer's reviewer reads (never Stripe's
 * enumeration quoted), and three to five numbered, dated, decisive facts chosen for the reason's family. Every
 * point is built by code from the case's facts (and Visa CE 3.0's result), so it claims nothing the facts do not
 * show and carries the ids it rests on for the dispute's record — ids that are never printed. This file holds the
 * letter's vocabulary (exhibits, reason families, claims); `decisive-points.ts` chooses the points.
 */

/** Sections of the evidence report a point can refer to; the PDF numbers them as exhibits. */
export type ExhibitKey =
	| "case"
	| "account"
	| "transaction"
	| "usage"
	| "access"
	| "made"
	| "policies"
	| "payments"
	| "communications";

/** The report's sections as the letter and the model name them. */
export const EXHIBIT_TITLES: Record<ExhibitKey, string> = {
	case: "The case in full",
	account: "The customer and the account",
	transaction: "The payment",
	usage: "Use of the service",
	access: "Access history",
	made: "Things the customer made",
	policies: "Terms and policies",
	payments: "Earlier payments",
	communications: "Messages from the customer",
};

export type ReasonFamily = "fraud" | "unrecognized" | "cancellation" | "delivery" | "quality" | "credit" | "duplicate";

export type PointKind =
	| "purchaseLink"
	| "ce3"
	| "priorPayments"
	| "useAfter"
	| "thingsMade"
	| "authentication"
	| "account"
	| "descriptor"
	| "terms"
	| "noCancellation"
	| "subscribed"
	| "servicePeriod"
	| "refund"
	| "distinct";

export interface LetterPoint {
	kind: PointKind;
	/** When it happened (ISO), for the date printed before the point; null for a point without one date. */
	at: string | null;
	text: string;
	factIds: string[];
	exhibit: ExhibitKey | null;
}

/** Visa CE 3.0, when it qualified: the two earlier undisputed payments and what matched. */
export interface Ce3Summary {
	priorCharges: readonly [string, string];
	matched: readonly string[];
}

export const MAX_POINTS = 5;

/** Routes by the network reason code first (a Visa 13.2 under `general` is a cancellation case), then the reason. */
export function reasonFamily(reason: string, networkReasonCode: string | null): ReasonFamily {
	const byCode: Record<string, ReasonFamily> = {
		"13.1": "delivery",
		"13.2": "cancellation",
		"13.3": "quality",
		"13.6": "credit",
		"12.6": "duplicate",
		"12.6.1": "duplicate",
		"4853": "quality",
		"4834": "duplicate",
		"4841": "cancellation",
		"4855": "delivery",
	};
	const code = networkReasonCode?.trim() ?? "";
	if (reason === "general" || reason === "customer_initiated") {
		if (byCode[code]) return byCode[code];
		if (/^10\./.test(code) || code === "4837" || code === "4863") return "fraud";
	}
	switch (reason) {
		case "unrecognized":
			return "unrecognized";
		case "subscription_canceled":
			return "cancellation";
		case "product_not_received":
			return "delivery";
		case "product_unacceptable":
			return "quality";
		case "credit_not_processed":
			return "credit";
		case "duplicate":
			return "duplicate";
		default:
			return "fraud";
	}
}

/** What the cardholder claims, as the letter states it: "the cardholder states …". */
export function claimOf(reason: string, networkReasonCode: string | null): string {
	if (reason === "debit_not_authorized") return "the payer states the debit was not authorised";
	switch (reasonFamily(reason, networkReasonCode)) {
		case "fraud":
			return reason === "fraudulent"
				? "the cardholder states the payment was not authorised"
				: "the cardholder disputes the payment";
		case "unrecognized":
			return "the cardholder states they do not recognise the payment";
		case "cancellation":
			return "the cardholder states the subscription was cancelled before this payment";
		case "delivery":
			return "the cardholder states the service paid for was not received";
		case "quality":
			return "the cardholder states the service was not as described";
		case "credit":
			return "the cardholder states a promised refund or credit was not processed";
		case "duplicate":
			return "the cardholder states they were charged more than once";
	}
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
	if (items.length <= 1) return items.join("");
	return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
