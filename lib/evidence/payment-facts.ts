import { formatAmount, formatDateTime, humanise, plural } from "../format";
import type { FactSink } from "./fact-sink";
import type { CaseParts } from "./types";

/** Facts of the payment and who made it: the dispute, the charge, the customer, the account, the purchase IP. */

const CHECK_WORDS: Record<string, string> = {
	pass: "passed",
	fail: "failed",
	unavailable: "unavailable",
	unchecked: "not checked",
};

const MATCH_WORDS: Record<string, string> = {
	stripe_customer_id: "the charge's Stripe customer",
	metadata_account_id: "the charge's account_id metadata",
	billing_email: "the billing email",
	customer_email: "the customer's email",
};

/** The merchant (its name from the merchant's own configuration, never from customer data) and the dispute. */
export function disputeFacts(parts: CaseParts, { add, time, text }: FactSink): void {
	const d = parts.dispute;
	// The merchant (its name comes from the merchant's own configuration, never from customer data).
	text("merchant.name", "Merchant", parts.merchantName, "merchant_db");

	// The dispute.
	text("dispute.id", "Dispute", d.id, "stripe");
	add("dispute.amount", "Disputed amount", d.amount, formatAmount(d.amount, d.currency), "stripe");
	add("dispute.reason", "Dispute reason", d.reason, humanise(d.reason), "stripe");
	text("dispute.network_reason_code", "Network reason code", d.networkReasonCode, "stripe");
	time("dispute.created_at", "Dispute opened", d.createdAt, "stripe");
	time("dispute.due_by", "Evidence due by", d.dueBy, "stripe");
	if (d.cardBrand) add("dispute.card_brand", "Card network", d.cardBrand, capitalise(d.cardBrand), "stripe");
	add("dispute.is_inquiry", "Inquiry (not yet a chargeback)", d.isInquiry, d.isInquiry ? "yes" : "no", "stripe");
}

/** The charge: amount, descriptor, billing details, card, checks and refund state. */
export function chargeFacts(parts: CaseParts, { add, time, text }: FactSink): void {
	const c = parts.charge;
	// The charge.
	text("charge.id", "Charge", c.id, "stripe");
	add("charge.amount", "Charge amount", c.amount, formatAmount(c.amount, c.currency), "stripe");
	time("charge.created_at", "Charge date", c.createdAt, "stripe");
	text("charge.description", "Charge description", c.description, "stripe");
	text("charge.statement_descriptor", "Statement descriptor", c.statementDescriptor, "stripe");
	text("charge.receipt_email", "Receipt sent to", c.receiptEmail, "stripe");
	text("charge.billing_name", "Billing name", c.billingName, "stripe");
	text("charge.billing_email", "Billing email", c.billingEmail, "stripe");
	text("charge.billing_country", "Billing country", c.billingCountry, "stripe");
	text("charge.billing_postal_code", "Billing postal code", c.billingPostalCode, "stripe");
	if (c.cardLast4) {
		const brand = c.cardBrand ? `${capitalise(c.cardBrand)} ` : "";
		add(
			"charge.card",
			"Card",
			`${c.cardBrand ?? "card"} ${c.cardLast4}`,
			`${brand}card ending ${c.cardLast4}`,
			"stripe",
		);
	}
	text("charge.card_country", "Card issuing country", c.cardCountry, "stripe");
	for (const [key, id, label] of [
		["cvc", "charge.checks.cvc", "CVC check"],
		["addressLine1", "charge.checks.address_line1", "Address line 1 check"],
		["addressPostalCode", "charge.checks.address_postal_code", "Postal code check"],
	] as const) {
		const v = c.checks[key];
		if (v) add(id, label, v, CHECK_WORDS[v] ?? humanise(v), "stripe");
	}
	if (c.threeDSecure) {
		add("charge.three_d_secure", "3D Secure", c.threeDSecure, `3D Secure ${humanise(c.threeDSecure)}`, "stripe");
	}
	if (c.wallet) add("charge.wallet", "Wallet", c.wallet, humanise(c.wallet), "stripe");
	add("charge.refunded", "Charge refunded in full", c.refunded, c.refunded ? "yes" : "no", "stripe");
	if (c.amountRefunded > 0) {
		add(
			"charge.amount_refunded",
			"Amount refunded",
			c.amountRefunded,
			formatAmount(c.amountRefunded, c.currency),
			"stripe",
		);
	}
}

/** The Stripe customer and the merchant's account matched to the charge. */
export function customerAndAccountFacts(parts: CaseParts, { add, time, text }: FactSink): void {
	const { charge: c, customer, account: a } = parts;
	// The Stripe customer.
	if (customer) {
		text("customer.id", "Stripe customer", customer.id, "stripe");
		text("customer.name", "Customer name", customer.name, "stripe");
		text("customer.email", "Customer email", customer.email, "stripe");
		time("customer.created_at", "Customer created", customer.createdAt, "stripe");
	}

	// The merchant's account.
	if (a) {
		text("account.id", "Account", a.id, "merchant_db");
		add(
			"account.matched_by",
			"Account matched by",
			a.matchedBy,
			MATCH_WORDS[a.matchedBy] ?? a.matchedBy,
			"merchant_db",
		);
		text("account.email", "Account email", a.email, "merchant_db");
		text("account.name", "Account name", a.name, "merchant_db");
		time("account.signup_at", "Signed up", a.createdAt, "merchant_db");
		text("account.signup_ip", "Signup IP", a.signupIp, "merchant_db");
		text("account.country", "Account country", a.country, "merchant_db");
		time("account.email_verified_at", "Email verified", a.emailVerifiedAt, "merchant_db");
		time("account.terms_accepted_at", "Terms accepted", a.termsAcceptedAt, "merchant_db");
		text("account.terms_version", "Terms version accepted", a.termsVersion, "merchant_db");
		const billing = c.billingEmail ?? customer?.email ?? c.receiptEmail;
		if (a.email && billing) {
			const same = a.email.toLowerCase() === billing.toLowerCase();
			add(
				"account.email_matches_payment",
				"Account email matches the payment email",
				same,
				same ? "yes" : "no",
				"merchant_db",
			);
		}
	}
}

/** Where the purchase came from, and whether the account used that IP before. */
export function purchaseIpFacts(parts: CaseParts, { add, time, count }: FactSink): void {
	const a = parts.account;
	// The purchase IP.
	const pip = parts.purchaseIp;
	if (pip) {
		const sourceWords =
			pip.source === "charge_metadata"
				? "recorded on the charge"
				: pip.source === "payment_intent_metadata"
					? "recorded on the payment intent"
					: pip.source === "checkout_event"
						? `recorded by the merchant's checkout${pip.observedAt ? ` (${formatDateTime(pip.observedAt)})` : ""}`
						: `the account's activity closest to the charge${pip.observedAt ? ` (${formatDateTime(pip.observedAt)})` : ""}`;
		add(
			"purchase.ip",
			"Purchase IP",
			pip.ip,
			pip.ip,
			pip.source === "activity_near_charge" || pip.source === "checkout_event" ? "merchant_db" : "stripe",
		);
		add(
			"purchase.ip_source",
			"Purchase IP taken from",
			pip.source,
			sourceWords,
			pip.source === "activity_near_charge" || pip.source === "checkout_event" ? "merchant_db" : "stripe",
		);
		if (a) {
			count("purchase.ip_prior_count", "Earlier account activity from the purchase IP", pip.priorCount, "merchant_db");
			add(
				"purchase.ip_seen_before",
				"Purchase IP used by the account before",
				pip.priorCount > 0,
				pip.priorCount > 0 ? "yes" : "no",
				"merchant_db",
			);
			time("purchase.ip_first_seen_at", "Purchase IP first seen on the account", pip.firstSeenAt, "merchant_db");
			if (a.signupIp) {
				const same = a.signupIp === pip.ip;
				add("purchase.ip_matches_signup", "Purchase IP is the signup IP", same, same ? "yes" : "no", "merchant_db");
			}
		}
	}
}

/** Earlier payments by the same customer. */
export function priorPaymentFacts(parts: CaseParts, { add, time, count }: FactSink): void {
	const { charge: c, customer, priorPayments: p } = parts;
	// Earlier payments by the same customer.
	if (customer) {
		count("prior.count", "Earlier successful payments", p.count, "stripe");
		if (p.count > 0) {
			add("prior.total", "Earlier payments total", p.total, formatAmount(p.total, p.currency), "stripe");
			count("prior.disputed", "Earlier payments disputed", p.disputed, "stripe");
			count("prior.refunded", "Earlier payments refunded", p.refunded, "stripe");
			count("prior.undisputed", "Earlier payments never disputed", p.count - p.disputed, "stripe");
			time("prior.first_at", "First earlier payment", p.firstAt, "stripe");
			time("prior.last_at", "Latest earlier payment", p.lastAt, "stripe");
			const months = wholeMonths(p.firstAt, c.createdAt);
			if (months !== null && months > 0) {
				add(
					"prior.months_to_charge",
					"Months from the first payment to the disputed charge",
					months,
					plural(months, "month"),
					"stripe",
				);
			}
		}
	}
}

/** Billing and card countries against each other and the account's. */
export function countryFacts(parts: CaseParts, { add }: FactSink): void {
	const { charge: c, account: a } = parts;
	// Countries: billing and card against the account's.
	if (a?.country && c.billingCountry) {
		const same = a.country.toUpperCase() === c.billingCountry.toUpperCase();
		add(
			"country.billing_matches_account",
			"Billing country is the account's country",
			same,
			same ? "yes" : "no",
			"merchant_db",
		);
	}
	if (a?.country && c.cardCountry) {
		const same = a.country.toUpperCase() === c.cardCountry.toUpperCase();
		add(
			"country.card_matches_account",
			"Card country is the account's country",
			same,
			same ? "yes" : "no",
			"merchant_db",
		);
	}
	if (c.billingCountry && c.cardCountry) {
		const same = c.billingCountry.toUpperCase() === c.cardCountry.toUpperCase();
		add("country.billing_matches_card", "Billing country is the card's country", same, same ? "yes" : "no", "stripe");
	}
}

/** The refund state of the charge: full, partial or none. */
export function refundStatusFact(parts: CaseParts, { add }: FactSink): void {
	const c = parts.charge;
	add(
		"refund.status",
		"Refund status of the charge",
		c.refunded ? "full" : c.amountRefunded > 0 ? "partial" : "none",
		c.refunded ? "refunded in full" : c.amountRefunded > 0 ? "partly refunded" : "not refunded",
		"stripe",
	);
}

/** Whole calendar months from `from` to `to` (UTC), or null when either is missing or `to` is earlier. */
function wholeMonths(from: string | null, to: string): number | null {
	const a = from ? new Date(from) : null;
	const b = new Date(to);
	if (!a || Number.isNaN(a.getTime()) || Number.isNaN(b.getTime()) || b < a) return null;
	let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
	if (b.getUTCDate() < a.getUTCDate()) months--;
	return Math.max(0, months);
}

function capitalise(value: string): string {
	return value ? `${value[0]!.toUpperCase()}${value.slice(1)}` : value;
}
