import { ActivityKinds } from "../evidence/kinds";
import type { EvidenceCase, Fact } from "../evidence/types";
import { kindSlug } from "../evidence/usage-facts";
import { formatDate, plural } from "../format";
import { type Ce3Summary, type LetterPoint, list, MAX_POINTS, reasonFamily } from "./letter";

/**
 * The decisive points of the cover letter, chosen and ordered by the reason's family. Each is built by code from the
 * case's facts (and Visa CE 3.0's result) and carries the ids it rests on.
 */

const CE3_WORDS: Record<string, string> = {
	customer_purchase_ip: "IP address",
	device: "device",
	customer_account_id: "customer account",
	customer_email_address: "email address",
	shipping_address: "shipping address",
};

class Points {
	readonly facts: Map<string, Fact>;
	readonly kinds: ActivityKinds;
	constructor(readonly c: EvidenceCase) {
		this.facts = new Map(c.facts.map((f) => [f.id, f]));
		this.kinds = new ActivityKinds(c.activityKinds);
	}
	d(id: string): string | undefined {
		return this.facts.get(id)?.display;
	}
	v(id: string): Fact["value"] | undefined {
		return this.facts.get(id)?.value;
	}
	ids(...ids: string[]): string[] {
		return ids.filter((id) => this.facts.has(id));
	}
	iso(id: string): string | null {
		const v = this.v(id);
		return typeof v === "string" && !Number.isNaN(Date.parse(v)) ? v : null;
	}

	purchaseLink(): LetterPoint | null {
		const ip = this.d("purchase.ip");
		const deviceSeen = this.v("purchase.device_seen_before") === true;
		const device = deviceSeen ? this.d("purchase.device") : undefined;
		const sameAsSignup = this.v("purchase.ip_matches_signup") === true;
		const seen = this.v("purchase.ip_seen_before") === true;
		const signup = this.d("account.signup_at");
		let where: string | null = null;
		const ids: string[] = [];
		if (ip && sameAsSignup && signup) {
			where = `from IP address ${ip}, the address the account was created from on ${formatDate(this.iso("account.signup_at"))}`;
			ids.push(...this.ids("purchase.ip", "purchase.ip_matches_signup", "account.signup_at"));
		} else if (ip && seen && typeof this.v("purchase.ip_prior_count") === "number") {
			const n = this.v("purchase.ip_prior_count") as number;
			const first = this.iso("purchase.ip_first_seen_at");
			where = `from IP address ${ip}, which the account had used ${plural(n, "time")} before${first ? ` since ${formatDate(first)}` : ""}`;
			ids.push(...this.ids("purchase.ip", "purchase.ip_prior_count", "purchase.ip_first_seen_at"));
		}
		if (device) {
			where = `${where ? `${where}, and ` : ""}on device ${device}, already used on the account before`;
			ids.push(...this.ids("purchase.device", "purchase.device_seen_before"));
		}
		if (!where) return null;
		return {
			kind: "purchaseLink",
			at: this.iso("charge.created_at"),
			text: `The payment was made by the customer's own account ${where}.`,
			factIds: [...this.ids("charge.created_at"), ...ids],
			exhibit: "access",
		};
	}

	priorPayments(): LetterPoint | null {
		const n = this.v("prior.count");
		if (typeof n !== "number" || n <= 0 || this.v("prior.disputed") !== 0) return null;
		const total = this.d("prior.total");
		const first = this.iso("prior.first_at");
		const last = this.iso("prior.last_at");
		const span =
			first && last ? (n === 1 ? ` on ${formatDate(first)}` : ` from ${formatDate(first)} to ${formatDate(last)}`) : "";
		return {
			kind: "priorPayments",
			at: first,
			text: `${capital(plural(n, "earlier payment"))} by the same customer${span}${total ? `, ${total} in all,` : ""} ${n === 1 ? "was" : "were"} never disputed.`,
			factIds: this.ids("prior.count", "prior.disputed", "prior.first_at", "prior.last_at", "prior.total"),
			exhibit: "payments",
		};
	}

	ce3(ce3: Ce3Summary | null | undefined): LetterPoint | null {
		if (!ce3) return null;
		const matched = ce3.matched.map((m) => CE3_WORDS[m] ?? m.replace(/_/g, " "));
		return {
			kind: "ce3",
			at: null,
			text:
				`Visa Compelling Evidence 3.0 applies: the earlier undisputed payments ${ce3.priorCharges[0]} and ` +
				`${ce3.priorCharges[1]} were made with the same ${list(matched)} as the disputed payment.`,
			factIds: [],
			exhibit: "payments",
		};
	}

	useAfter(): LetterPoint | null {
		const after = this.v("use.after_charge");
		const last = this.iso("use.last_after_charge_at");
		if (typeof after !== "number" || after <= 0 || !last) return null;
		const u = this.c.usage;
		const kinds = (u?.byKind ?? [])
			.filter((k) => k.afterCharge > 0 && this.kinds.countsAsUse(k.kind))
			.sort((a, b) => b.afterCharge - a.afterCharge || (a.kind < b.kind ? -1 : 1))
			.slice(0, 2);
		const what =
			kinds.length > 0 ? list(kinds.map((k) => this.kinds.phrase(k.kind, k.afterCharge))) : plural(after, "use");
		const hours = this.d("use.hours_before_dispute");
		const days = this.d("use.days_before_dispute");
		const gap = hours ?? days;
		return {
			kind: "useAfter",
			at: last,
			text:
				`After the payment the customer kept using the service: ${what}, the latest on ${formatDate(last)}` +
				`${gap ? `, ${gap} before the dispute was opened` : ""}.`,
			factIds: [
				...this.ids(
					"use.after_charge",
					"use.last_after_charge_at",
					"use.hours_before_dispute",
					"use.days_before_dispute",
				),
				...kinds.map((k) => `usage.kind.${kindSlug(k.kind)}.after_charge`).filter((id) => this.facts.has(id)),
			],
			exhibit: "usage",
		};
	}

	thingsMade(): LetterPoint | null {
		const n = this.v("artifacts.after_charge");
		const latest = this.iso("artifacts.latest_at");
		if (typeof n !== "number" || n <= 0 || !latest) return null;
		return {
			kind: "thingsMade",
			at: latest,
			text: `The customer made ${plural(n, "thing", "things")} with the product after the payment, the latest on ${formatDate(latest)}.`,
			factIds: this.ids("artifacts.after_charge", "artifacts.latest_at"),
			exhibit: "made",
		};
	}

	authentication(): LetterPoint | null {
		const tds = this.v("charge.three_d_secure");
		const passed = (
			[
				["charge.checks.cvc", "the security code (CVC)"],
				["charge.checks.address_postal_code", "the postal code"],
			] as const
		).filter(([id]) => this.v(id) === "pass");
		const authenticated = tds === "authenticated";
		if (!authenticated && passed.length === 0) return null;
		const parts = [
			authenticated ? "was authenticated by the cardholder with 3-D Secure" : null,
			passed.length > 0 ? `passed the checks of ${list(passed.map(([, w]) => w))}` : null,
		].filter(Boolean);
		return {
			kind: "authentication",
			at: this.iso("charge.created_at"),
			text: `The payment ${parts.join(" and ")}.`,
			factIds: this.ids(
				"charge.created_at",
				...(authenticated ? ["charge.three_d_secure"] : []),
				...passed.map(([id]) => id),
			),
			exhibit: "transaction",
		};
	}

	account(): LetterPoint | null {
		const at = this.iso("account.signup_at");
		if (!at) return null;
		const email = this.v("account.email_matches_payment") === true ? this.d("account.email") : undefined;
		const verified = this.iso("account.email_verified_at");
		const confirmed = verified
			? ` and confirmed ${email ? "that" : "its email"} address on ${formatDate(verified)}`
			: "";
		return {
			kind: "account",
			at,
			text: `The customer created the account${email ? ` with ${email}, the email address of the payment,` : ""}${confirmed}.`,
			factIds: this.ids(
				"account.signup_at",
				...(email ? ["account.email", "account.email_matches_payment"] : []),
				"account.email_verified_at",
			),
			exhibit: "account",
		};
	}

	descriptor(): LetterPoint | null {
		const descriptor = this.d("charge.statement_descriptor");
		if (!descriptor) return null;
		const receipt = this.d("charge.receipt_email");
		return {
			kind: "descriptor",
			at: this.iso("charge.created_at"),
			text: `The payment appears on the card statement as “${descriptor}”${receipt ? `, and a receipt was emailed to ${receipt}` : ""}.`,
			factIds: this.ids("charge.statement_descriptor", "charge.receipt_email", "charge.created_at"),
			exhibit: "transaction",
		};
	}

	terms(): LetterPoint | null {
		const at = this.iso("account.terms_accepted_at");
		if (!at) return null;
		const version = this.d("account.terms_version");
		return {
			kind: "terms",
			at,
			text: `The customer accepted the terms of service${version ? ` (version ${version})` : ""} before the payment.`,
			factIds: this.ids("account.terms_accepted_at", "account.terms_version"),
			exhibit: "policies",
		};
	}

	noCancellation(): LetterPoint | null {
		const before = this.v("cancellation.before_charge");
		const charge = this.iso("charge.created_at");
		if (!charge) return null;
		if (before === false) {
			const first = this.iso("cancellation.first_at");
			return {
				kind: "noCancellation",
				at: first,
				text: `The first cancellation on record came after the payment of ${formatDate(charge)}; the subscription was active when it was charged.`,
				factIds: this.ids("cancellation.first_at", "cancellation.before_charge", "charge.created_at"),
				exhibit: "usage",
			};
		}
		// Said from the absence of rows only when every kind is listed (nothing folded into "other").
		const complete = this.v("cancellation.count") === 0 && !this.facts.has("usage.kind.other.count");
		if (!complete) return null;
		return {
			kind: "noCancellation",
			at: charge,
			text: "The account's activity log records no cancellation before this payment; the subscription was active when it was charged.",
			factIds: this.ids("cancellation.count", "charge.created_at", "usage.total"),
			exhibit: "usage",
		};
	}

	subscribed(): LetterPoint | null {
		const months = this.d("prior.months_to_charge");
		const first = this.iso("prior.first_at");
		if (!months || !first) return null;
		return {
			kind: "subscribed",
			at: first,
			text: `The customer had paid for the service for ${months} before this charge, since ${formatDate(first)}.`,
			factIds: this.ids("prior.months_to_charge", "prior.first_at"),
			exhibit: "payments",
		};
	}

	servicePeriod(): LetterPoint | null {
		const start = this.iso("service.period_start");
		const logins = this.v("login.after_charge");
		if (!start) return null;
		const firstLogin = this.iso("login.first_after_charge_at");
		return {
			kind: "servicePeriod",
			at: start,
			text:
				`The service period began at the payment and access was open at once` +
				`${typeof logins === "number" && logins > 0 && firstLogin ? `: the customer logged in ${plural(logins, "time")} in the following days, first on ${formatDate(firstLogin)}` : ""}.`,
			factIds: this.ids("service.period_start", "login.after_charge", "login.first_after_charge_at"),
			exhibit: "usage",
		};
	}

	refund(): LetterPoint | null {
		const refunded = this.d("charge.amount_refunded");
		if (!refunded) return null;
		return {
			kind: "refund",
			at: null,
			text: `${refunded} of the charge has already been refunded to the card.`,
			factIds: this.ids("charge.amount_refunded", "charge.refunded"),
			exhibit: "transaction",
		};
	}

	distinct(): LetterPoint | null {
		const at = this.iso("charge.created_at");
		const previous = this.iso("prior.last_at");
		if (!at) return null;
		return {
			kind: "distinct",
			at,
			text:
				`Charge ${this.d("charge.id")} for ${this.d("charge.amount")} is a single payment` +
				`${previous ? `; the customer's previous payment was a separate charge, on ${formatDate(previous)}` : ""}.`,
			factIds: this.ids("charge.id", "charge.amount", "charge.created_at", "prior.last_at"),
			exhibit: "transaction",
		};
	}
}

/** The decisive points for the case, most decisive first, at most five. */
export function letterPoints(c: EvidenceCase, ce3?: Ce3Summary | null): LetterPoint[] {
	const p = new Points(c);
	const family = reasonFamily(c.dispute.reason, c.dispute.networkReasonCode);
	const order: (LetterPoint | null)[] = (() => {
		switch (family) {
			case "fraud":
				return [p.purchaseLink(), p.ce3(ce3), p.priorPayments(), p.useAfter(), p.authentication(), p.account()];
			case "unrecognized":
				return [p.descriptor(), p.purchaseLink(), p.ce3(ce3), p.priorPayments(), p.useAfter(), p.account()];
			case "cancellation":
				return [p.terms(), p.noCancellation(), p.useAfter(), p.subscribed(), p.priorPayments()];
			case "delivery":
				return [p.servicePeriod(), p.useAfter(), p.thingsMade(), p.account(), p.priorPayments()];
			case "quality":
				return [p.useAfter(), p.thingsMade(), p.terms(), p.subscribed(), p.refund()];
			case "credit":
				return [p.refund(), p.terms(), p.useAfter(), p.thingsMade()];
			case "duplicate":
				return [p.distinct(), p.priorPayments(), p.authentication(), p.account(), p.refund()];
		}
	})();
	return order.filter((x): x is LetterPoint => x !== null).slice(0, MAX_POINTS);
}

function capital(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
