import { plural } from "../format";
import type { EvidenceCase, Fact } from "./types";

/** How strong a case is for fighting, from the signals its facts carry; each playbook picks its assessment from these. */

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

export type FactMap = Map<string, Fact>;

export function factsOf(c: EvidenceCase): FactMap {
	return new Map(c.facts.map((f) => [f.id, f]));
}
export const num = (f: FactMap, id: string) =>
	typeof f.get(id)?.value === "number" ? (f.get(id)!.value as number) : 0;
export const is = (f: FactMap, id: string, value: Fact["value"]) => f.get(id)?.value === value;

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
	if (useAfterCharge(f) > 0) signals.push(f.has("use.after_charge") ? "use.after_charge" : "usage.after_charge");
	if (num(f, "login.before_charge") + num(f, "login.after_charge") > 0) signals.push("login.before_charge");
	return signals;
}

/** Uses of the service after the charge: the kinds that are use, else (no breakdown) all activity. */
function useAfterCharge(f: FactMap): number {
	return f.has("use.after_charge") ? num(f, "use.after_charge") : num(f, "usage.after_charge");
}

export function grade(signals: string[], strongAt: number, moderateAt: number): Strength {
	return signals.length >= strongAt ? "strong" : signals.length >= moderateAt ? "moderate" : "weak";
}

export function assess(
	strength: Strength,
	signals: string[],
	weakWhy: string,
	tooWeak?: string | null,
): StrengthAssessment {
	if (tooWeak) return { strength: "weak", tooWeak: true, reason: tooWeak, signals };
	return { strength, tooWeak: false, reason: strength === "strong" ? null : weakWhy, signals };
}

/** Fraud-like reasons: was it the cardholder? */
export function authorisationStrength(c: EvidenceCase): StrengthAssessment {
	const f = factsOf(c);
	const signals = authorisationSignals(f);
	const s = grade(signals, 4, 2);
	const none =
		!f.has("account.id") && num(f, "prior.undisputed") === 0 && !signals.some((x) => x.startsWith("charge."))
			? "nothing links the cardholder to the purchase: no matching account, no earlier undisputed payments and no passed card checks, 3-D Secure or wallet"
			: null;
	return assess(
		s,
		signals,
		`only ${plural(signals.length, "signal")} ${signals.length === 1 ? "ties" : "tie"} the cardholder to the purchase`,
		none,
	);
}

/** Delivery-like reasons: was the service received and used? */
export function deliveryStrength(c: EvidenceCase): StrengthAssessment {
	const f = factsOf(c);
	// Logins and support messages show access, not use: they never count as delivery on their own.
	const signals = [f.has("use.after_charge") ? "use.after_charge" : "usage.after_charge", "artifacts.count"].filter(
		(id) => num(f, id) > 0,
	);
	if (num(f, "usage.after_service_start") > 0 && useAfterCharge(f) > 0) signals.push("usage.after_service_start");
	if (f.has("account.terms_accepted_at")) signals.push("account.terms_accepted_at");
	const s = grade(signals, 3, 1);
	const none =
		!f.has("account.id") || num(f, "usage.total") === 0 || (f.has("use.total") && num(f, "use.total") === 0)
			? "no account activity shows the service was delivered or used (logins and support messages are not use)"
			: null;
	return assess(s, signals, "little activity shows the service was used after the payment", none);
}

export function refundedInFull(f: FactMap): boolean {
	return is(f, "charge.refunded", true);
}

/**
 * A refund of the whole disputed amount made before the dispute was opened is the defence (Visa 13.6 lists
 * "credit processed"), whatever the reason: the case is strong, never too weak. A refund after the dispute
 * opened leaves the reason's own assessment.
 */
export function priorRefundDefence(c: EvidenceCase): StrengthAssessment | null {
	const f = factsOf(c);
	if (!is(f, "refund.prior.covers_dispute", true)) return null;
	return { strength: "strong", tooWeak: false, reason: null, signals: ["refund.prior.id", "refund.prior.total"] };
}
