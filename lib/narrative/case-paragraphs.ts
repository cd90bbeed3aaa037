import type { SectionName } from "../evidence/playbooks";
import type { NarrativeParagraph } from "../evidence/types";
import { claimOf } from "./letter";
import { kindsByCount, list, PASSED, paragraph, quote, type Writer } from "./sentence-writer";

/** The paragraphs of the template narrative, one per section a playbook names. */

// ---- building blocks shared by the reasons -------------------------------------------------------------------

function intro(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.opt(
			["merchant.name", "charge.amount", "charge.created_at"],
			["charge.id", "charge.description"],
			([m, amt, at], [id, desc]) =>
				`${m} received a payment of ${amt} on ${at}${id ? ` (charge ${id})` : ""}${desc ? ` for ${quote(desc)}` : ""}.`,
		),
		w.opt(
			["dispute.reason"],
			["dispute.amount", "dispute.network_reason_code", "dispute.card_brand"],
			(_r, [amt, code, brand]) =>
				`In disputing ${amt ?? "it"}, ${claimOf(w.reason, w.networkReasonCode)}${code ? ` (${brand ? `${brand} ` : ""}reason code ${code})` : ""}.`,
		),
	]);
}

function identity(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.opt(
			["account.id", "account.matched_by"],
			["account.name", "account.signup_at", "account.signup_ip"],
			([id, by], [name, at, ip]) =>
				`The payment belongs to the customer's own account ${id}${name ? ` (${name})` : ""}, identified through ${by}${at ? `, which was created on ${at}` : ""}${ip ? ` from IP address ${ip}` : ""}.`,
		),
		w.s(
			["account.email_verified_at"],
			(at) => `The customer confirmed control of the account's email address on ${at}.`,
		),
		w.value("account.email_matches_payment") === true
			? w.s(
					["account.email", "account.email_matches_payment"],
					(email) => `The payment was made with the account's own email address, ${email}.`,
				)
			: null,
		w.s(["account.country", "charge.card_country"], (ac, cc) =>
			ac === cc
				? `The account's country (${ac}) is the card's issuing country.`
				: `The account is registered in ${ac}; the card was issued in ${cc}.`,
		),
	]);
}

function terms(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.opt(
			["account.terms_accepted_at"],
			["account.terms_version"],
			([at], [v]) =>
				`The customer accepted the terms of service${v ? ` (version ${v})` : ""} on ${at}, before the disputed payment, and agreed to them as the basis of this purchase.`,
		),
	]);
}

function authentication(w: Writer): NarrativeParagraph | null {
	const passed = [
		["charge.checks.cvc", "the CVC check"],
		["charge.checks.address_postal_code", "the postal code check"],
		["charge.checks.address_line1", "the billing address check"],
	].filter(([id]) => w.value(id!) === PASSED) as [string, string][];
	const tds = w.value("charge.three_d_secure");
	return paragraph([
		passed.length > 0
			? w.opt(
					passed.map(([id]) => id),
					["charge.card"],
					(_req, [card]) => `The ${card ?? "card"} passed ${list(passed.map(([, n]) => n))}.`,
				)
			: null,
		tds === "authenticated" || tds === "attempt_acknowledged"
			? w.s(["charge.three_d_secure"], (d) => `The card issuer's check reports: ${d}.`)
			: null,
		w.s(
			["charge.wallet"],
			(wallet) => `It was paid with the ${wallet} wallet, which requires the cardholder's own device.`,
		),
	]);
}

function purchaseIp(w: Writer): NarrativeParagraph | null {
	const seen = w.value("purchase.ip_seen_before") === true;
	return paragraph([
		w.s(["purchase.ip", "purchase.ip_source"], (ip, src) => `The purchase was made from IP address ${ip} (${src}).`),
		seen
			? w.opt(
					["purchase.ip_prior_count", "purchase.ip_seen_before"],
					["purchase.ip_first_seen_at"],
					([n], [first]) =>
						`The account had already used that address ${w.counted("purchase.ip_prior_count", n!, "time")} before the payment${first ? `, first on ${first}` : ""}.`,
				)
			: null,
		w.value("purchase.ip_matches_signup") === true
			? w.s(
					["purchase.ip_matches_signup", "account.signup_ip"],
					(_m, ip) => `It is the same address (${ip}) from which the account was created.`,
				)
			: null,
	]);
}

function usageOverview(w: Writer): NarrativeParagraph | null {
	const kinds = kindsByCount(w, "count", 4);
	return paragraph([
		w.opt(
			["usage.total", "usage.first_at", "usage.last_at"],
			["usage.weeks_active"],
			([n, first, last], [weeks]) =>
				`The account's activity log records ${w.counted("usage.total", n!, "event")} between ${first} and ${last}${weeks ? `, in ${w.counted("usage.weeks_active", weeks, "different week")}` : ""}.`,
		),
		kinds.length > 0
			? w.s(
					kinds.map((k) => k.id),
					(...ds) => `They include ${list(kinds.map((k, i) => w.kindPhrase(k.kind, k.n, ds[i]!)))}.`,
				)
			: null,
		w.s(
			["access.distinct_devices", "access.distinct_ips"],
			(d, i) =>
				`The customer used ${w.counted("access.distinct_devices", d, "device")} and ${w.counted("access.distinct_ips", i, "IP address", "IP addresses")}.`,
		),
		w.s(["access.ip.1"], (ip) => `The most used address was ${ip}.`),
	]);
}

function afterCharge(w: Writer): NarrativeParagraph | null {
	const after = w.value("usage.after_charge");
	if (typeof after !== "number" || after <= 0) return null;
	// Logins and support messages are not use of the service: the kinds named here are those that are.
	const kinds = kindsByCount(w, "after_charge", 6)
		.filter((k) => w.kinds.countsAsUse(k.kind))
		.slice(0, 3);
	return paragraph([
		w.opt(
			["usage.after_charge", "charge.created_at"],
			["usage.last_after_charge_at"],
			([n, at], [last]) =>
				`After the payment on ${at}, the account recorded ${w.counted("usage.after_charge", n!, "further event")}${last ? `, the latest on ${last}` : ""}.`,
		),
		kinds.length > 0
			? w.s(
					kinds.map((k) => k.id),
					(...ds) => `These include ${list(kinds.map((k, i) => w.kindPhrase(k.kind, k.n, ds[i]!)))}.`,
				)
			: null,
		w.s(["dispute.created_at"], (at) => `The dispute was opened on ${at}.`),
	]);
}

function priorPayments(w: Writer): NarrativeParagraph | null {
	const n = w.value("prior.count");
	if (typeof n !== "number" || n <= 0) return null;
	return paragraph([
		w.opt(
			["prior.count", "prior.total"],
			["prior.first_at", "prior.last_at"],
			([count, total], [first, last]) =>
				`The same customer made ${w.counted("prior.count", count!, "earlier successful payment")} to the merchant, totalling ${total}${first && last ? `, from ${first} to ${last}` : ""}.`,
		),
		w.value("prior.disputed") === 0
			? w.s(["prior.disputed"], () => (n === 1 ? "It was not disputed." : "None of them was disputed."))
			: w.s(
					["prior.undisputed"],
					(u) => `${u} of them ${w.value("prior.undisputed") === 1 ? "stands" : "stand"} undisputed.`,
				),
	]);
}

function artifacts(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.opt(
			["artifacts.count"],
			["artifacts.latest_at"],
			([n], [latest]) =>
				`The customer created ${w.counted("artifacts.count", n!, "item")} with the product${latest ? `, the latest on ${latest}` : ""}; examples are shown in the attached report.`,
		),
	]);
}

function refundState(w: Writer): NarrativeParagraph | null {
	const prior = w.s(
		["refund.prior.id", "refund.prior.amount", "refund.prior.at", "dispute.created_at"],
		(id, amt, at, opened) =>
			`A refund of ${amt} (${id}) was made on ${at}, before the dispute was opened on ${opened}: the credit was already processed.`,
	);
	if (prior) return paragraph([prior]);
	if (w.value("charge.refunded") === true)
		return paragraph([w.s(["charge.refunded"], () => "The charge has already been refunded in full.")]);
	return paragraph([
		w.s(["charge.amount_refunded"], (amt) => `${amt} of the charge has already been refunded.`) ??
			w.s(["charge.refunded"], () => "The charge has not been refunded."),
	]);
}

function descriptor(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.s(["charge.statement_descriptor"], (d) => `The payment appears on the cardholder's statement as ${quote(d)}.`),
		w.s(["charge.receipt_email"], (e) => `A receipt was sent to ${e}.`),
	]);
}

const CANCEL_SLUGS = ["cancellation", "cancel", "subscription_canceled", "subscription_cancelled", "unsubscribe"];

/** True when a cancellation is on record before the charge, or when none can be ruled out (kinds folded). */
export function cancelledBeforeCharge(w: Writer): boolean {
	const slug = CANCEL_SLUGS.find((s) => w.has(`usage.kind.${s}.first_at`));
	if (!slug) return w.has("usage.kind.other.count") || !w.has("usage.total");
	const first = w.value(`usage.kind.${slug}.first_at`);
	const charged = w.value("charge.created_at");
	return typeof first === "string" && typeof charged === "string" && first < charged;
}

function cancellation(w: Writer): NarrativeParagraph | null {
	const slug = CANCEL_SLUGS.find((s) => w.has(`usage.kind.${s}.count`));
	if (slug) {
		return paragraph([
			w.s(
				[`usage.kind.${slug}.first_at`, "charge.created_at"],
				(first, at) =>
					`The first cancellation recorded on the account is dated ${first}; the disputed payment was made on ${at}.`,
			),
			w.s(
				[`usage.kind.${slug}.after_charge`],
				(n) =>
					`The account records ${w.counted(`usage.kind.${slug}.after_charge`, n, "cancellation")} after the payment.`,
			),
		]);
	}
	// No cancellation kind: say so only when the kinds are complete (nothing folded into "other").
	if (w.has("usage.total") && !w.has("usage.kind.other.count")) {
		return paragraph([
			w.s(
				["usage.total", "charge.created_at"],
				(n, at) =>
					`Among the ${n} events in the account's activity log there is no cancellation, before or after the payment on ${at}.`,
			),
		]);
	}
	return null;
}

export function closing(w: Writer, claim: string): NarrativeParagraph | null {
	// The reason's claim rests on the account and its usage; without them only the payment record speaks.
	const grounded = w.has("account.id") && w.has("usage.total");
	const said = grounded ? claim : "The payment record above shows a completed, valid charge.";
	return paragraph([
		w.s(
			["merchant.name", "dispute.amount"],
			(m, amt) => `${said} ${m} asks that the dispute be decided in its favour and the ${amt} be returned.`,
		),
	]);
}

// ---- per reason: the sections and argument come from the reason playbooks ------------------------------

function loginWindow(w: Writer): NarrativeParagraph | null {
	const before = w.value("login.before_charge");
	const after = w.value("login.after_charge");
	if ((typeof before !== "number" || before <= 0) && (typeof after !== "number" || after <= 0)) return null;
	return paragraph([
		typeof before === "number" && before > 0
			? w.opt(
					["login.before_charge", "login.window_days"],
					["login.last_before_charge_at"],
					([n, days], [last]) =>
						`The customer logged in ${w.counted("login.before_charge", n!, "time")} in the ${w.counted("login.window_days", days!, "day")} before the payment${last ? `, the last time on ${last}` : ""}.`,
				)
			: null,
		typeof after === "number" && after > 0
			? w.opt(
					["login.after_charge", "login.window_days"],
					["login.first_after_charge_at"],
					([n, days], [first]) =>
						`They logged in ${w.counted("login.after_charge", n!, "time")} in the ${w.counted("login.window_days", days!, "day")} after it${first ? `, first on ${first}` : ""}.`,
				)
			: null,
		w.value("purchase.device_seen_before") === true
			? w.s(
					["purchase.device", "purchase.device_seen_before"],
					(d) => `The device used at the time of purchase (${d}) had been used on the account before.`,
				)
			: null,
	]);
}

function duplicateCharge(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.opt(
			["charge.id", "charge.amount", "charge.created_at"],
			["prior.last_at"],
			([id, amt, at], [last]) =>
				`Charge ${id} for ${amt} on ${at} is a single, distinct payment${last ? `; the customer's previous payment was made separately, on ${last}` : ""}.`,
		),
	]);
}

function bankPayment(w: Writer): NarrativeParagraph | null {
	return paragraph([
		w.opt(
			["charge.amount", "charge.created_at"],
			["charge.billing_name"],
			([amt, at], [name]) =>
				`The debit of ${amt} on ${at} was made under the customer's own authorisation${name ? `, given in the name of ${name}` : ""}.`,
		),
	]);
}

export const SECTIONS: Record<SectionName, (w: Writer) => NarrativeParagraph | null> = {
	intro,
	descriptor,
	identity,
	purchaseIp,
	authentication,
	priorPayments,
	usageOverview,
	afterCharge,
	loginWindow,
	artifacts,
	terms,
	cancellation,
	refundState,
	duplicate: duplicateCharge,
	bankPayment,
};
