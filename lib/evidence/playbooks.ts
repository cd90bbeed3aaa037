import {
	assess,
	authorisationStrength,
	deliveryStrength,
	factsOf,
	grade,
	is,
	num,
	priorRefundDefence,
	refundedInFull,
	type StrengthAssessment,
} from "./case-strength";
import { caseReason, type DisputeReason } from "./dispute-reasons";
import type { EvidenceCase, EvidenceFileField, EvidenceTextField } from "./types";

/**
 * One playbook per Stripe dispute reason: the facts that carry the argument, the evidence text fields filled, the
 * file field the evidence report goes in, the argument itself, and an assessment of whether the case is worth
 * fighting. The template writer, the evidence fields and the assessment all read this one table.
 */

/** Sections of the written case, in the order the template writes them. */
export type SectionName =
	| "intro"
	| "descriptor"
	| "identity"
	| "purchaseIp"
	| "authentication"
	| "priorPayments"
	| "usageOverview"
	| "afterCharge"
	| "loginWindow"
	| "artifacts"
	| "terms"
	| "cancellation"
	| "refundState"
	| "duplicate"
	| "bankPayment";

export interface Playbook {
	reason: DisputeReason;
	/** What the cardholder claims, in a few words. */
	claim: string;
	/** Facts (ids, or prefixes ending in `.`) that carry the argument, most important first. */
	keyFacts: string[];
	/** Stripe evidence text fields this reason fills. */
	textFields: EvidenceTextField[];
	/** The text field that carries the argument. */
	argumentField: EvidenceTextField;
	/** The file field the evidence report (PDF) goes in. */
	fileField: EvidenceFileField;
	/** The closing claim of the argument. */
	argument: string;
	sections: SectionName[];
	strength(evidenceCase: EvidenceCase): StrengthAssessment;
}

const IDENTIFYING: EvidenceTextField[] = [
	"product_description",
	"customer_name",
	"customer_email_address",
	"customer_purchase_ip",
	"billing_address",
	"service_date",
	"access_activity_log",
];

const PLAYBOOK_LIST: Playbook[] = [
	{
		reason: "fraudulent",
		claim: "the cardholder did not authorise the payment",
		keyFacts: [
			"account.",
			"purchase.ip",
			"purchase.ip_seen_before",
			"purchase.device_seen_before",
			"charge.checks.",
			"charge.three_d_secure",
			"charge.wallet",
			"prior.undisputed",
			"login.",
			"usage.after_charge",
		],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "service_documentation",
		argument:
			"The payment was made by the account holder, from the account holder's own access, and the account holder received and used the service.",
		sections: [
			"intro",
			"identity",
			"purchaseIp",
			"authentication",
			"priorPayments",
			"loginWindow",
			"usageOverview",
			"afterCharge",
			"artifacts",
			"terms",
		],
		strength: (c) => {
			const a = authorisationStrength(c);
			if (!a.tooWeak && refundedInFull(factsOf(c)))
				return { ...a, tooWeak: true, strength: "weak", reason: "the charge was already refunded in full" };
			return a;
		},
	},
	{
		reason: "unrecognized",
		claim: "the cardholder does not recognise the payment",
		keyFacts: ["charge.statement_descriptor", "charge.receipt_email", "account.", "purchase.ip", "prior.", "usage."],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "service_documentation",
		argument: "The cardholder holds the account that made this payment and used what it bought.",
		sections: [
			"intro",
			"descriptor",
			"identity",
			"purchaseIp",
			"priorPayments",
			"usageOverview",
			"afterCharge",
			"authentication",
		],
		strength: authorisationStrength,
	},
	{
		reason: "subscription_canceled",
		claim: "the subscription was cancelled before the charge",
		keyFacts: [
			"account.terms_accepted_at",
			"subscription.",
			"service.period",
			"cancellation.",
			"usage.after_charge",
			"usage.after_service_start",
			"login.after_charge",
		],
		textFields: [...IDENTIFYING, "cancellation_rebuttal"],
		argumentField: "cancellation_rebuttal",
		fileField: "service_documentation",
		argument: "The subscription was active when it was charged and the customer went on using it.",
		sections: ["intro", "terms", "cancellation", "afterCharge", "usageOverview", "priorPayments", "identity"],
		strength: (c) => {
			const f = factsOf(c);
			const d = deliveryStrength(c);
			// Stripe Billing knows the subscription's latest cancellation (a reactivation clears it): it decides.
			if (f.has("subscription.canceled_before_charge")) {
				return is(f, "subscription.canceled_before_charge", true)
					? {
							...d,
							strength: "weak",
							tooWeak: true,
							reason: "Stripe records the subscription's latest cancellation before the charge",
						}
					: d;
			}
			if (is(f, "cancellation.before_charge", true))
				return {
					...d,
					strength: "weak",
					tooWeak: true,
					reason: "the account records a cancellation before the charge",
				};
			return d;
		},
	},
	{
		reason: "product_not_received",
		claim: "the product or service was not received",
		keyFacts: ["usage.after_charge", "usage.after_service_start", "artifacts.", "login.after_charge", "usage.kind."],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "service_documentation",
		argument: "The customer received the service and used it.",
		sections: ["intro", "afterCharge", "loginWindow", "usageOverview", "artifacts", "identity", "terms"],
		strength: deliveryStrength,
	},
	{
		reason: "product_unacceptable",
		claim: "the product or service was defective or not as described",
		keyFacts: ["usage.", "artifacts.", "account.terms_accepted_at", "refund.status"],
		textFields: [...IDENTIFYING, "refund_refusal_explanation"],
		argumentField: "refund_refusal_explanation",
		fileField: "service_documentation",
		argument: "The service worked as described: the customer relied on it repeatedly.",
		sections: ["intro", "usageOverview", "afterCharge", "artifacts", "terms", "refundState", "identity"],
		strength: (c) =>
			refundedInFull(factsOf(c))
				? { ...deliveryStrength(c), strength: "weak", tooWeak: true, reason: "the charge was already refunded in full" }
				: deliveryStrength(c),
	},
	{
		reason: "credit_not_processed",
		claim: "a promised refund or credit was not processed",
		keyFacts: [
			"refund.prior.",
			"refund.status",
			"charge.amount_refunded",
			"account.terms_accepted_at",
			"usage.after_charge",
		],
		textFields: [...IDENTIFYING, "refund_refusal_explanation"],
		argumentField: "refund_refusal_explanation",
		fileField: "service_documentation",
		argument: "The service was provided and used, and no credit is owed for it under the terms the customer accepted.",
		sections: ["intro", "refundState", "terms", "afterCharge", "usageOverview", "identity"],
		strength: (c) => {
			const f = factsOf(c);
			if (refundedInFull(f))
				return {
					...deliveryStrength(c),
					strength: "weak",
					tooWeak: true,
					reason: "the charge was already refunded in full: the credit was processed",
				};
			return deliveryStrength(c);
		},
	},
	{
		reason: "duplicate",
		claim: "the customer was charged twice for one purchase",
		keyFacts: ["charge.id", "charge.created_at", "prior.last_at", "prior.count", "refund.status"],
		textFields: [...IDENTIFYING, "duplicate_charge_explanation"],
		argumentField: "duplicate_charge_explanation",
		fileField: "duplicate_charge_documentation",
		argument: "Each payment paid for its own period or purchase; this one is not a duplicate.",
		sections: ["intro", "duplicate", "priorPayments", "refundState", "afterCharge", "identity"],
		strength: (c) => {
			const f = factsOf(c);
			const signals = ["prior.count", "usage.after_charge"].filter((id) => num(f, id) > 0);
			if (refundedInFull(f))
				return { strength: "weak", tooWeak: true, reason: "the charge was already refunded in full", signals };
			return assess(grade(signals, 2, 1), signals, "no earlier payment shows this one paid for its own period");
		},
	},
	{
		reason: "general",
		claim: "an uncategorised complaint",
		keyFacts: ["account.", "account.terms_accepted_at", "usage.", "prior.", "purchase.ip"],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "service_documentation",
		argument: "The customer authorised this payment and received what it paid for.",
		sections: [
			"intro",
			"identity",
			"terms",
			"usageOverview",
			"afterCharge",
			"priorPayments",
			"purchaseIp",
			"artifacts",
		],
		strength: (c) => {
			const d = deliveryStrength(c);
			const a = authorisationStrength(c);
			const signals = [...new Set([...a.signals, ...d.signals])];
			if (a.tooWeak && d.tooWeak) return { ...a, signals, reason: `${a.reason}; ${d.reason}` };
			return assess(grade(signals, 5, 2), signals, "few facts support the payment or its use");
		},
	},
	{
		reason: "customer_initiated",
		claim: "the customer asked their bank to reverse a bank debit",
		keyFacts: ["account.", "account.terms_accepted_at", "usage.after_charge", "prior."],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "uncategorized_file",
		argument: "The customer authorised this debit and received what it paid for.",
		sections: ["intro", "bankPayment", "identity", "terms", "usageOverview", "afterCharge", "priorPayments"],
		strength: (c) => {
			const a = authorisationStrength(c);
			return a.tooWeak ? a : deliveryStrength(c);
		},
	},
	{
		reason: "debit_not_authorized",
		claim: "the account holder did not authorise the bank debit",
		keyFacts: ["account.", "account.terms_accepted_at", "purchase.ip", "prior.undisputed", "login."],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "uncategorized_file",
		argument: "The account holder authorised this debit from their own account and used what it paid for.",
		sections: [
			"intro",
			"bankPayment",
			"identity",
			"terms",
			"purchaseIp",
			"priorPayments",
			"loginWindow",
			"afterCharge",
		],
		strength: authorisationStrength,
	},
	...(
		[
			["bank_cannot_process", "the bank could not process the payment"],
			["check_returned", "the check was returned"],
			["incorrect_account_details", "the bank account details were incorrect"],
			["insufficient_funds", "the account had insufficient funds"],
		] as const
	).map(
		([reason, claim]): Playbook => ({
			reason,
			claim,
			keyFacts: ["charge.", "account.", "usage.after_charge"],
			textFields: [...IDENTIFYING, "uncategorized_text"],
			argumentField: "uncategorized_text",
			fileField: "uncategorized_file",
			argument: "The customer owes this payment for the service they received and used.",
			sections: ["intro", "bankPayment", "identity", "terms", "usageOverview", "afterCharge"],
			strength: (c) => {
				const d = deliveryStrength(c);
				return {
					...d,
					strength: "weak",
					tooWeak: true,
					reason: `the bank returned the payment because ${claim}; evidence of the service rarely reverses that, so collect the amount again from the customer instead`,
				};
			},
		}),
	),
	{
		reason: "noncompliant",
		claim: "the payment broke a card network rule (a compliance case)",
		keyFacts: ["account.", "account.terms_accepted_at", "charge.checks.", "charge.three_d_secure", "usage."],
		textFields: [...IDENTIFYING, "uncategorized_text"],
		argumentField: "uncategorized_text",
		fileField: "uncategorized_file",
		argument: "The payment was processed under the network's rules and authorised by the account holder.",
		sections: ["intro", "identity", "authentication", "terms", "usageOverview", "afterCharge", "priorPayments"],
		strength: (c) => {
			const a = authorisationStrength(c);
			return a.tooWeak
				? a
				: {
						...a,
						strength: a.strength === "strong" ? "moderate" : a.strength,
						reason: a.reason ?? "compliance cases are decided on network rules, and countering one costs a network fee",
					};
		},
	},
];

export const PLAYBOOKS: Readonly<Record<string, Playbook>> = Object.fromEntries(
	PLAYBOOK_LIST.map((p) => [p.reason, { ...p, strength: (c: EvidenceCase) => priorRefundDefence(c) ?? p.strength(c) }]),
);

/**
 * The playbook of a dispute: the one its network reason code names when there is one (a `general` dispute with
 * Visa 13.2 is a cancellation case), else the Stripe reason's; an unknown reason falls back to `general`.
 */
export function playbookFor(reason: string, networkReasonCode?: string | null): Playbook {
	return PLAYBOOKS[caseReason({ reason, networkReasonCode: networkReasonCode ?? null })] ?? PLAYBOOKS.general!;
}

/** Key facts of the playbook present in the case, and those missing (a prefix counts when any fact starts with it). */
export function keyFactCoverage(
	playbook: Playbook,
	evidenceCase: EvidenceCase,
): { present: string[]; missing: string[] } {
	const ids = evidenceCase.facts.map((f) => f.id);
	const present: string[] = [];
	const missing: string[] = [];
	for (const key of playbook.keyFacts) {
		const found = key.endsWith(".") ? ids.some((id) => id.startsWith(key)) : ids.includes(key);
		(found ? present : missing).push(key);
	}
	return { present, missing };
}
