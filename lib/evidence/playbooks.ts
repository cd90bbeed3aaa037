import type { EvidenceCase, EvidenceFileField, EvidenceTextField, Fact } from "./types";

/**
 * One playbook per Stripe dispute reason: the facts that carry the argument, the evidence text fields filled, the
 * file field the evidence report goes in, the argument itself, and an assessment of whether the case is worth
 * fighting. The template writer, the evidence fields and the assessment all read this one table.
 */

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

export type Strength = "strong" | "moderate" | "weak";

export interface StrengthAssessment {
	strength: Strength;
	/** True when the facts contradict the case or nothing links the cardholder to the purchase. */
	tooWeak: boolean;
	/** Why it is weak or too weak, for the dashboard; null when strong. */
	reason: string | null;
	/** Signals that supported the case (fact ids), for the dashboard. */
	signals: string[];
}

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

type FactMap = Map<string, Fact>;

function factsOf(c: EvidenceCase): FactMap {
	return new Map(c.facts.map((f) => [f.id, f]));
}
const num = (f: FactMap, id: string) => (typeof f.get(id)?.value === "number" ? (f.get(id)!.value as number) : 0);
const is = (f: FactMap, id: string, value: Fact["value"]) => f.get(id)?.value === value;

/** Signals that tie the cardholder to the account and the purchase, each a fact id when present. */
function authorisationSignals(f: FactMap): string[] {
	const signals: string[] = [];
	if (f.has("account.id")) signals.push("account.id");
	if (is(f, "account.email_matches_payment", true)) signals.push("account.email_matches_payment");
	if (is(f, "purchase.ip_seen_before", true)) signals.push("purchase.ip_seen_before");
	if (is(f, "purchase.device_seen_before", true)) signals.push("purchase.device_seen_before");
	if (num(f, "prior.undisputed") > 0) signals.push("prior.undisputed");
	if (is(f, "charge.checks.cvc", "pass")) signals.push("charge.checks.cvc");
	if (is(f, "charge.checks.address_postal_code", "pass") || is(f, "charge.checks.address_line1", "pass"))
		signals.push(
			f.has("charge.checks.address_postal_code") ? "charge.checks.address_postal_code" : "charge.checks.address_line1",
		);
	const tds = f.get("charge.three_d_secure")?.value;
	if (tds === "authenticated" || tds === "attempt_acknowledged") signals.push("charge.three_d_secure");
	if (f.has("charge.wallet")) signals.push("charge.wallet");
	if (num(f, "usage.after_charge") > 0) signals.push("usage.after_charge");
	if (num(f, "login.before_charge") + num(f, "login.after_charge") > 0) signals.push("login.before_charge");
	return signals;
}

function grade(signals: string[], strongAt: number, moderateAt: number): Strength {
	return signals.length >= strongAt ? "strong" : signals.length >= moderateAt ? "moderate" : "weak";
}

function assess(strength: Strength, signals: string[], weakWhy: string, tooWeak?: string | null): StrengthAssessment {
	if (tooWeak) return { strength: "weak", tooWeak: true, reason: tooWeak, signals };
	return { strength, tooWeak: false, reason: strength === "strong" ? null : weakWhy, signals };
}

/** Fraud-like reasons: was it the cardholder? */
function authorisationStrength(c: EvidenceCase): StrengthAssessment {
	const f = factsOf(c);
	const signals = authorisationSignals(f);
	const s = grade(signals, 4, 2);
	const none =
		!f.has("account.id") && num(f, "prior.undisputed") === 0 && !signals.some((x) => x.startsWith("charge."))
			? "nothing links the cardholder to the purchase: no matching account, no earlier undisputed payments and no passed card checks, 3-D Secure or wallet"
			: null;
	return assess(s, signals, `only ${signals.length} signal(s) tie the cardholder to the purchase`, none);
}

/** Delivery-like reasons: was the service received and used? */
function deliveryStrength(c: EvidenceCase): StrengthAssessment {
	const f = factsOf(c);
	const signals = ["usage.after_charge", "usage.after_service_start", "artifacts.count", "login.after_charge"].filter(
		(id) => num(f, id) > 0,
	);
	if (f.has("account.terms_accepted_at")) signals.push("account.terms_accepted_at");
	const s = grade(signals, 3, 1);
	const none =
		!f.has("account.id") || num(f, "usage.total") === 0
			? "no account activity shows the service was delivered or used"
			: null;
	return assess(s, signals, "little activity shows the service was used after the payment", none);
}

function refundedInFull(f: FactMap): boolean {
	return is(f, "charge.refunded", true);
}

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
		keyFacts: ["refund.status", "charge.amount_refunded", "account.terms_accepted_at", "usage.after_charge"],
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
	PLAYBOOK_LIST.map((p) => [p.reason, p]),
);

/** Every reason Stripe documents has a playbook; an unknown reason falls back to `general`. */
export function playbookFor(reason: string): Playbook {
	return PLAYBOOKS[reason] ?? PLAYBOOKS.general!;
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

/** Why rebuttal does not answer a dispute at all, or null: Klarna's issuers ignore evidence. */
export function skipReasonOf(dispute: {
	status: string;
	payment_method_details?: { type?: string | null } | null;
}): string | null {
	if (dispute.payment_method_details?.type === "klarna") {
		return dispute.status.startsWith("warning_")
			? "Klarna inquiry: Klarna does not pass inquiry evidence to the issuer, so none is sent"
			: "Klarna dispute: Klarna decides these itself and ignores submitted evidence, so none is sent";
	}
	return null;
}
