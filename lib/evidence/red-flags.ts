import type { StrengthAssessment } from "./case-strength";
import type { CaseParts, Fact } from "./types";

/**
 * The red-flag gate. Facts that argue for the cardholder (billing or card country unlike the account's, a failed
 * address or security-code check, a payment email unlike the account's, device churn, activity counts no person
 * makes) are never volunteered in submitted text: they are withheld from the case the writers and the report
 * see, they lower the case's strength, and they are shown to the operator.
 */

export interface RedFlag {
	/** A stable code, e.g. `billing_country_mismatch`. */
	code: string;
	/** What the operator should know, in a sentence. */
	detail: string;
}

/** Distinct devices at which an account's device use reads as churn rather than one person's phone and laptop. */
export const DEVICE_CHURN_AT = 6;
/** Average events per active week above which activity reads as automated, not as one customer's use. */
export const IMPLAUSIBLE_EVENTS_PER_WEEK = 20_000;

/** Fact ids the gate takes out of the case when their flag is raised. */
const WITHHELD_FACTS: Record<string, readonly string[]> = {
	billing_country_mismatch: ["country.billing_matches_account", "account.country"],
	card_country_mismatch: [
		"country.card_matches_account",
		"country.billing_matches_card",
		"charge.card_country",
		"account.country",
	],
	avs_mismatch: ["charge.checks.address_line1", "charge.checks.address_postal_code"],
	cvc_failed: ["charge.checks.cvc"],
	email_mismatch: ["account.email_matches_payment"],
	device_churn: ["access.distinct_devices", "access.devices_before_charge", "purchase.device_seen_before"],
	new_purchase_ip: ["purchase.ip_seen_before", "purchase.ip_matches_signup", "purchase.ip_prior_count"],
	implausible_activity: [],
};

const differs = (a: string | null | undefined, b: string | null | undefined) =>
	!!a && !!b && a.trim().toUpperCase() !== b.trim().toUpperCase();

/** The red flags of a case, from its parts and facts (each at most once, in a fixed order). */
export function redFlagsOf(parts: CaseParts, facts: readonly Fact[]): RedFlag[] {
	const flags: RedFlag[] = [];
	const { account: a, charge: c, usage: u } = parts;
	const value = (id: string) => facts.find((f) => f.id === id)?.value;
	if (differs(a?.country, c.billingCountry))
		flags.push({
			code: "billing_country_mismatch",
			detail: `the billing country (${c.billingCountry}) is not the account's country (${a?.country})`,
		});
	if (differs(a?.country, c.cardCountry) || differs(c.billingCountry, c.cardCountry))
		flags.push({
			code: "card_country_mismatch",
			detail: `the card was issued in ${c.cardCountry}, unlike the ${differs(a?.country, c.cardCountry) ? `account's country (${a?.country})` : `billing country (${c.billingCountry})`}`,
		});
	const avs = [c.checks.addressLine1, c.checks.addressPostalCode].includes("fail");
	if (avs) flags.push({ code: "avs_mismatch", detail: "the card's address check (AVS) failed" });
	if (c.checks.cvc === "fail")
		flags.push({ code: "cvc_failed", detail: "the card's security code (CVC) check failed" });
	if (value("account.email_matches_payment") === false)
		flags.push({ code: "email_mismatch", detail: "the payment's email is not the account's email" });
	if (u && (u.distinctDevices >= DEVICE_CHURN_AT || value("purchase.device_seen_before") === false))
		flags.push({
			code: "device_churn",
			detail:
				u.distinctDevices >= DEVICE_CHURN_AT
					? `the account used ${u.distinctDevices} different devices`
					: "the purchase came from a device the account had not used before",
		});
	if (value("purchase.ip_seen_before") === false)
		flags.push({ code: "new_purchase_ip", detail: "the purchase IP had not been used by the account before" });
	const weeks = u ? u.weekly.filter((w) => w.count > 0).length : 0;
	if (u && (u.afterCharge > u.total || (weeks > 0 && u.total / weeks > IMPLAUSIBLE_EVENTS_PER_WEEK)))
		flags.push({
			code: "implausible_activity",
			detail: `the activity counts (${u.total} events in ${weeks} active weeks) look automated rather than one customer's use`,
		});
	return flags;
}

/**
 * The case as it may be submitted: the flagged parts withheld (the account's country, the card's country, failed
 * checks, the list of devices) and the flagged facts removed, with the flags themselves kept for the operator.
 */
export function gateRedFlags(
	parts: CaseParts,
	facts: readonly Fact[],
): { parts: CaseParts; facts: Fact[]; redFlags: RedFlag[] } {
	const redFlags = redFlagsOf(parts, facts);
	if (redFlags.length === 0) return { parts, facts: [...facts], redFlags };
	const raised = new Set(redFlags.map((f) => f.code));
	const withheld = new Set(redFlags.flatMap((f) => WITHHELD_FACTS[f.code] ?? []));
	const gated: CaseParts = {
		...parts,
		account:
			parts.account && (raised.has("billing_country_mismatch") || raised.has("card_country_mismatch"))
				? { ...parts.account, country: null }
				: parts.account,
		charge: {
			...parts.charge,
			cardCountry: raised.has("card_country_mismatch") ? null : parts.charge.cardCountry,
			checks: {
				addressLine1: raised.has("avs_mismatch") ? null : parts.charge.checks.addressLine1,
				addressPostalCode: raised.has("avs_mismatch") ? null : parts.charge.checks.addressPostalCode,
				cvc: raised.has("cvc_failed") ? null : parts.charge.checks.cvc,
			},
		},
		usage: parts.usage && raised.has("device_churn") ? { ...parts.usage, topDevices: [] } : parts.usage,
	};
	const kept = facts.filter(
		(f) => !withheld.has(f.id) && !(raised.has("device_churn") && f.id.startsWith("access.device.")),
	);
	return { parts: gated, facts: kept, redFlags };
}

/** Red flags lower the case's strength by one grade and say why; a case too weak stays too weak. */
export function lowerForRedFlags(a: StrengthAssessment, flags: readonly RedFlag[]): StrengthAssessment {
	if (flags.length === 0 || a.tooWeak) return a;
	const strength = a.strength === "strong" ? "moderate" : "weak";
	const why = `facts that argue for the cardholder (withheld from the evidence): ${flags.map((f) => f.detail).join("; ")}`;
	return { ...a, strength, reason: a.reason ? `${a.reason}; ${why}` : why };
}
