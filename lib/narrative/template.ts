import { caseReason } from "../evidence/dispute-reasons";
import { factIndex } from "../evidence/facts";
import { ActivityKinds } from "../evidence/kinds";
import { PLAYBOOKS, type Playbook, playbookFor, type SectionName } from "../evidence/playbooks";
import { FIELD_LIMIT, fitText } from "../evidence/text";
import type { EvidenceCase, EvidenceTextField, Fact, Narrative, NarrativeParagraph } from "../evidence/types";
import { kindSlug } from "../evidence/usage-facts";
import { formatDate } from "../format";
import { buildAccessLog } from "./access-log";
import { type Ce3Summary, claimOf, letterPoints } from "./letter";
import { rebuttalSentence } from "./rebuttal";

/**
 * The deterministic writer: reason-specific prose assembled from sentences that each need certain facts. A sentence
 * whose facts are absent is left out, so the text never claims what was not collected, and every number in it is
 * a fact's display. Each paragraph lists the fact ids its sentences used.
 */

type Facts = Map<string, Fact>;

/** One sentence and the facts it rests on; null when a fact it needs is missing. */
interface Sentence {
	text: string;
	ids: string[];
}

class Writer {
	readonly kinds: ActivityKinds;
	readonly reason: string;
	readonly networkReasonCode: string | null;
	constructor(
		readonly facts: Facts,
		evidenceCase: EvidenceCase,
	) {
		this.kinds = new ActivityKinds(evidenceCase.activityKinds);
		this.reason = evidenceCase.dispute.reason;
		this.networkReasonCode = evidenceCase.dispute.networkReasonCode;
		for (const k of evidenceCase.usage?.byKind ?? []) this.slugs.set(kindSlug(k.kind), k.kind);
	}

	private readonly slugs = new Map<string, string>();

	/** The activity kind a fact id's slug stands for. */
	kindOf(slug: string): string {
		return this.slugs.get(slug) ?? slug;
	}

	/** A fact's display with its noun, singular or plural by the fact's value: `1 device`, `3 devices`. */
	counted(id: string, display: string, one: string, many = `${one}s`): string {
		const v = this.value(id);
		return `${display} ${v === 1 ? one : many}`;
	}

	/** A kind's count with the merchant's label: `1,282 images generated`. */
	kindPhrase(kind: string, n: number, display: string): string {
		const label = this.kinds.label(kind);
		if (label) return `${display} ${n === 1 ? label.labelOne : label.labelMany}`;
		return `${display} ${n === 1 ? "event" : "events"} of kind ${kind.replace(/[_\s]+/g, " ").trim()}`;
	}

	has(id: string): boolean {
		return this.facts.has(id);
	}

	value(id: string): Fact["value"] | undefined {
		return this.facts.get(id)?.value;
	}

	/** A sentence using the displays of `ids`; null unless all of them exist. */
	s(ids: string[], render: (...displays: string[]) => string): Sentence | null {
		const found = ids.map((id) => this.facts.get(id));
		if (found.some((f) => !f)) return null;
		return { text: render(...found.map((f) => f!.display)), ids };
	}

	/** A sentence that needs `required` and mentions `optional` facts only when present. */
	opt(
		required: string[],
		optional: string[],
		render: (req: string[], opt: (string | undefined)[]) => string,
	): Sentence | null {
		const req = required.map((id) => this.facts.get(id));
		if (req.some((f) => !f)) return null;
		const opt = optional.map((id) => this.facts.get(id)?.display);
		return {
			text: render(
				req.map((f) => f!.display),
				opt,
			),
			ids: [...required, ...optional.filter((id) => this.facts.has(id))],
		};
	}
}

function paragraph(sentences: (Sentence | null | undefined)[]): NarrativeParagraph | null {
	const kept = sentences.filter((s): s is Sentence => !!s);
	if (kept.length === 0) return null;
	const ids = [...new Set(kept.flatMap((s) => s.ids))];
	return { text: kept.map((s) => s.text).join(" "), factIds: ids };
}

function quote(value: string | undefined): string {
	return `“${value ?? ""}”`;
}

/** `a`, `a and b`, `a, b and c`. */
function list(items: string[]): string {
	if (items.length <= 1) return items.join("");
	return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

const PASSED = "pass";

function kindsByCount(
	w: Writer,
	metric: "count" | "after_charge",
	limit: number,
): { slug: string; kind: string; id: string; n: number }[] {
	const out: { slug: string; kind: string; id: string; n: number }[] = [];
	for (const [id, fact] of w.facts) {
		const m = /^usage\.kind\.(.+)\.(count|after_charge)$/.exec(id);
		if (!m || m[2] !== metric || typeof fact.value !== "number" || fact.value <= 0) continue;
		const kind = w.kindOf(m[1]!);
		out.push({ slug: m[1]!, kind, id, n: fact.value });
	}
	return out.sort((a, b) => b.n - a.n || a.slug.localeCompare(b.slug)).slice(0, limit);
}

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
function cancelledBeforeCharge(w: Writer): boolean {
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

function closing(w: Writer, claim: string): NarrativeParagraph | null {
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

const SECTIONS: Record<SectionName, (w: Writer) => NarrativeParagraph | null> = {
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

/** The reason's argument; for a cancelled subscription it depends on whether a cancellation came first. */
function argumentOf(w: Writer, playbook: Playbook): string {
	if (w.value("refund.prior.covers_dispute") === true) {
		return "The amount disputed was refunded before the dispute was opened; the cardholder has already been credited.";
	}
	if (playbook.reason === "subscription_canceled") {
		return cancelledBeforeCharge(w)
			? "The customer went on using the service under the terms they accepted."
			: "The subscription was active when it was charged and the customer went on using it.";
	}
	return playbook.argument;
}

/** Stripe's evidence text field that carries the argument for each reason (besides the access log). */
export const REASON_FIELD: Record<string, EvidenceTextField> = Object.fromEntries(
	Object.values(PLAYBOOKS).map((p) => [p.reason, p.argumentField]),
);

export function writeTemplateNarrative(evidenceCase: EvidenceCase, ce3?: Ce3Summary | null): Narrative {
	const w = new Writer(factIndex(evidenceCase.facts), evidenceCase);
	const reason = caseReason(evidenceCase.dispute);
	const playbook = playbookFor(reason);
	// A refund before the dispute is the defence of every reason, so its paragraph comes right after the intro.
	const sections: SectionName[] =
		w.value("refund.prior.covers_dispute") === true && !playbook.sections.includes("refundState")
			? ["intro", "refundState", ...playbook.sections.filter((n) => n !== "intro")]
			: playbook.sections;
	const paragraphs = [...sections.map((name) => SECTIONS[name](w)), closing(w, argumentOf(w, playbook))].filter(
		(p): p is NarrativeParagraph => !!p,
	);

	const fields: Narrative["fields"] = {};
	const set = (field: EvidenceTextField, text: string | null | undefined) => {
		const fitted = text ? fitText(text.trim(), FIELD_LIMIT) : null;
		if (fitted) fields[field] = fitted;
	};

	set("product_description", productDescription(w));
	set("access_activity_log", buildAccessLog(evidenceCase));
	const chargeAt = evidenceCase.charge.createdAt;
	set("service_date", chargeAt ? formatDate(chargeAt) : null);
	set("customer_name", firstDisplay(w, ["account.name", "customer.name", "charge.billing_name"]));
	set(
		"customer_email_address",
		firstDisplay(w, ["account.email", "customer.email", "charge.billing_email", "charge.receipt_email"]),
	);
	set("customer_purchase_ip", firstDisplay(w, ["purchase.ip"]));
	const billing = [
		w.facts.get("charge.billing_postal_code")?.display,
		w.facts.get("charge.billing_country")?.display,
	].filter(Boolean);
	set("billing_address", billing.length > 0 ? billing.join(", ") : null);

	const argument = paragraphs.map((p) => p.text).join("\n\n");
	set(playbook.argumentField, argument);

	// The cover letter's rebuttal: one sentence from the decisive points the case has.
	const summary = rebuttalSentence(evidenceCase, letterPoints(evidenceCase, ce3));
	return { writer: "template", summary, paragraphs, fields };
}

function productDescription(w: Writer): string | null {
	const parts = [
		w.opt(
			["merchant.name"],
			["charge.description", "charge.amount", "charge.created_at"],
			([m], [desc, amt, at]) =>
				`${desc ? `${quote(desc)}, sold by ${m}` : `A purchase from ${m}`}${amt ? ` for ${amt}` : ""}${at ? ` on ${at}` : ""}.`,
		),
		w.s(
			["usage.total"],
			(n) =>
				`The customer uses it through an account in the merchant's online service, whose activity log records ${n} events.`,
		),
		(w.value("usage.after_charge") as number) > 0
			? w.s(["usage.after_charge"], (n) => `${n} of them happened after the payment.`)
			: null,
	];
	const text = parts
		.filter((p): p is Sentence => !!p)
		.map((p) => p.text)
		.join(" ");
	return text || null;
}

function firstDisplay(w: Writer, ids: string[]): string | null {
	for (const id of ids) {
		const f = w.facts.get(id);
		if (f) return f.display;
	}
	return null;
}
