import { formatAmount, formatCount, formatDate, formatDateTime, humanise, plural } from "../format";
import { ActivityKinds } from "./kinds";
import type { CaseParts, Fact, FactSource } from "./types";

/** The parts a case is built from; `facts` is derived from them. */

/** Fact id of a usage kind: `usage.kind.<slug>.<metric>`; the slug keeps ids stable and free of odd characters. */
export function kindSlug(kind: string): string {
	const slug = kind
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "_")
		.replace(/^_+|_+$/g, "");
	return slug || "unnamed";
}

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

/**
 * Every fact of the case, with stable ids. Absent data yields no fact (never a fact saying "unknown"), so a writer
 * citing only existing facts cannot claim what was not collected.
 */
export function buildFacts(parts: CaseParts): Fact[] {
	const facts: Fact[] = [];
	const ids = new Set<string>();
	const add = (id: string, label: string, value: Fact["value"] | undefined, display: string, source: FactSource) => {
		if (value === null || value === undefined || value === "" || ids.has(id)) return;
		ids.add(id);
		facts.push({ id, label, value, display, source });
	};
	const time = (id: string, label: string, iso: string | null | undefined, source: FactSource) => {
		if (iso) add(id, label, iso, formatDateTime(iso), source);
	};
	const count = (id: string, label: string, n: number | null | undefined, source: FactSource) => {
		if (typeof n === "number") add(id, label, n, formatCount(n), source);
	};
	const text = (id: string, label: string, value: string | null | undefined, source: FactSource) => {
		if (value) add(id, label, value, value, source);
	};

	const { dispute: d, charge: c, customer, account: a, usage: u, priorPayments: p } = parts;
	const kinds = new ActivityKinds(parts.activityKinds);

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

	// Usage.
	if (u) {
		count("usage.total", "Activity events", u.total, "merchant_db");
		time("usage.first_at", "First activity", u.firstAt, "merchant_db");
		time("usage.last_at", "Latest activity", u.lastAt, "merchant_db");
		count("usage.after_charge", "Activity events after the charge", u.afterCharge, "merchant_db");
		time("usage.last_after_charge_at", "Latest activity after the charge", u.lastAfterChargeAt, "merchant_db");
		count(
			"usage.weeks_active",
			"Weeks with activity (recent two years)",
			u.weekly.filter((w) => w.count > 0).length,
			"merchant_db",
		);
		for (const k of u.byKind) {
			const base = `usage.kind.${kindSlug(k.kind)}`;
			const name = kinds.many(k.kind);
			count(`${base}.count`, `Activity: ${name}`, k.count, "merchant_db");
			count(`${base}.after_charge`, `Activity after the charge: ${name}`, k.afterCharge, "merchant_db");
			time(`${base}.first_at`, `First of the activity: ${name}`, k.firstAt, "merchant_db");
			time(`${base}.last_at`, `Latest of the activity: ${name}`, k.lastAt, "merchant_db");
		}
		derivedUse(add, kinds, parts);
		count("access.distinct_ips", "Distinct IP addresses", u.distinctIps, "merchant_db");
		count("access.distinct_devices", "Distinct devices", u.distinctDevices, "merchant_db");
		u.topIps.forEach((ip, i) => {
			add(
				`access.ip.${i + 1}`,
				`IP address #${i + 1}`,
				ip.value,
				accessDisplay(ip.value, ip.count, ip.firstAt, ip.lastAt),
				"merchant_db",
			);
		});
		u.topDevices.forEach((dev, i) => {
			add(
				`access.device.${i + 1}`,
				`Device #${i + 1}`,
				dev.value,
				accessDisplay(dev.value, dev.count, dev.firstAt, dev.lastAt),
				"merchant_db",
			);
		});
		u.recent.forEach((e, i) => {
			const where = [e.ip && `IP ${e.ip}`, e.deviceId && `device ${e.deviceId}`].filter(Boolean).join(", ");
			add(
				`access.event.${i + 1}`,
				`Logged event #${i + 1}`,
				e.occurredAt,
				`${formatDateTime(e.occurredAt)}: ${e.kind}${where ? ` (${where})` : ""}`,
				"merchant_db",
			);
		});
	}

	// The purchase IP.
	const pip = parts.purchaseIp;
	if (pip) {
		const sourceWords =
			pip.source === "charge_metadata"
				? "recorded on the charge"
				: pip.source === "payment_intent_metadata"
					? "recorded on the payment intent"
					: `the account's activity closest to the charge${pip.observedAt ? ` (${formatDateTime(pip.observedAt)})` : ""}`;
		add("purchase.ip", "Purchase IP", pip.ip, pip.ip, pip.source === "activity_near_charge" ? "merchant_db" : "stripe");
		add(
			"purchase.ip_source",
			"Purchase IP taken from",
			pip.source,
			sourceWords,
			pip.source === "activity_near_charge" ? "merchant_db" : "stripe",
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

	// Logins and activity around the charge, and after the service period began.
	const win = parts.chargeWindow;
	if (a && win) {
		count("login.window_days", "Days either side of the charge counted for logins", win.windowDays, "merchant_db");
		count("login.before_charge", "Logins in the days before the charge", win.loginsBefore, "merchant_db");
		count("login.after_charge", "Logins in the days after the charge", win.loginsAfter, "merchant_db");
		time("login.last_before_charge_at", "Last login before the charge", win.lastLoginBeforeAt, "merchant_db");
		time("login.first_after_charge_at", "First login after the charge", win.firstLoginAfterAt, "merchant_db");
		count("usage.around_charge", "Activity events within a day of the charge", win.eventsAroundCharge, "merchant_db");
		time("service.period_start", "Service period began", win.servicePeriodStart, "stripe");
		count(
			"usage.after_service_start",
			"Activity events after the service period began",
			win.afterServiceStart,
			"merchant_db",
		);
		count("access.devices_before_charge", "Devices used before the charge", win.devicesBeforeCharge, "merchant_db");
		if (win.purchaseDevice) {
			text("purchase.device", "Device used at the time of purchase", win.purchaseDevice, "merchant_db");
			if (win.purchaseDeviceSeenBefore !== null) {
				add(
					"purchase.device_seen_before",
					"Purchase device used by the account before",
					win.purchaseDeviceSeenBefore,
					win.purchaseDeviceSeenBefore ? "yes" : "no",
					"merchant_db",
				);
			}
		}
	}

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

	// Refunds and cancellations.
	if (u) {
		const cancels = u.byKind.filter((k) => CANCEL_KINDS.has(kindSlug(k.kind)));
		const n = cancels.reduce((s, k) => s + k.count, 0);
		count("cancellation.count", "Cancellations on record", n, "merchant_db");
		const first = cancels.map((k) => k.firstAt).sort()[0];
		if (first) {
			time("cancellation.first_at", "First cancellation", first, "merchant_db");
			const before = first < c.createdAt;
			add(
				"cancellation.before_charge",
				"A cancellation was recorded before the charge",
				before,
				before ? "yes" : "no",
				"merchant_db",
			);
		}
	}
	add(
		"refund.status",
		"Refund status of the charge",
		c.refunded ? "full" : c.amountRefunded > 0 ? "partial" : "none",
		c.refunded ? "refunded in full" : c.amountRefunded > 0 ? "partly refunded" : "not refunded",
		"stripe",
	);

	// Artifacts.
	if (a) {
		const n = parts.artifactCount ?? parts.artifacts.length;
		if (n > 0) count("artifacts.count", "Things the customer made", n, "merchant_db");
		const latest = parts.artifacts
			.map((x) => x.createdAt)
			.filter((x): x is string => !!x)
			.sort()
			.at(-1);
		time("artifacts.latest_at", "Latest thing made", latest, "merchant_db");
		// Things made after the charge, stated only when the bounded list reaches back past the charge (or is whole),
		// so the count is exact rather than "at least".
		const dated = parts.artifacts.filter((x) => !!x.createdAt);
		const after = dated.filter((x) => x.createdAt! > c.createdAt).length;
		if (after > 0 && (after < dated.length || dated.length >= n)) {
			add(
				"artifacts.after_charge",
				"Things made after the charge",
				after,
				plural(after, "thing made", "things made"),
				"merchant_db",
			);
		}
	}

	return facts;
}

type Add = (id: string, label: string, value: Fact["value"] | undefined, display: string, source: FactSource) => void;

/**
 * Use of the service, as the merchant's activity kinds define it (logins and support messages are not use):
 * how much after the charge, the latest, and how long before the dispute it was. Computed here so the writers
 * cite them as facts and the verifier checks them like any other.
 */
function derivedUse(add: Add, kinds: ActivityKinds, parts: CaseParts): void {
	const u = parts.usage;
	if (!u) return;
	const use = u.byKind.filter((k) => kinds.countsAsUse(k.kind));
	const after = use.reduce((s, k) => s + Math.max(k.afterCharge, 0), 0);
	add("use.after_charge", "Uses of the service after the charge", after, formatCount(after), "merchant_db");
	const last = use
		.filter((k) => k.afterCharge > 0 && k.lastAt > parts.charge.createdAt)
		.map((k) => k.lastAt)
		.sort()
		.at(-1);
	if (!last) return;
	add(
		"use.last_after_charge_at",
		"Latest use of the service after the charge",
		last,
		formatDateTime(last),
		"merchant_db",
	);
	const gap = Date.parse(parts.dispute.createdAt) - Date.parse(last);
	if (!Number.isFinite(gap) || gap < 0) return;
	const hours = Math.floor(gap / 3_600_000);
	if (hours < 48) {
		add(
			"use.hours_before_dispute",
			"Hours from the latest use to the dispute",
			hours,
			plural(hours, "hour"),
			"merchant_db",
		);
	} else {
		const days = Math.floor(hours / 24);
		add("use.days_before_dispute", "Days from the latest use to the dispute", days, plural(days, "day"), "merchant_db");
	}
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

function accessDisplay(value: string, n: number, firstAt: string, lastAt: string): string {
	return `${value}: ${plural(n, "event")}, ${formatDate(firstAt)} to ${formatDate(lastAt)}`;
}

/** Activity kinds (as slugs) that record a cancellation. */
export const CANCEL_KINDS: ReadonlySet<string> = new Set([
	"cancellation",
	"cancel",
	"subscription_canceled",
	"subscription_cancelled",
	"unsubscribe",
]);

/** Facts by id, for writers. */
export function factIndex(facts: readonly Fact[]): Map<string, Fact> {
	return new Map(facts.map((f) => [f.id, f]));
}

function capitalise(value: string): string {
	return value ? `${value[0]!.toUpperCase()}${value.slice(1)}` : value;
}
