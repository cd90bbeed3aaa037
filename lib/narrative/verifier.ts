import { FIELD_LIMIT, TOTAL_LIMIT } from "../evidence/text";
import { EVIDENCE_TEXT_FIELDS, type EvidenceCase, type Fact, type Narrative } from "../evidence/types";
import { minorUnitDigits } from "../format";
import { clip, luhn, round, scan } from "./tokens";

/**
 * The verifier: a narrative may only say what the facts say. It checks, without any model:
 *
 * - every paragraph cites at least one fact, and only facts that exist;
 * - every number, amount, date, time, email, IP address and identifier in a paragraph appears in the facts that
 *   paragraph cites (formats normalised: `$1,490.00` is the amount 149000 in cents, `2 Apr 2024`, `April 2, 2024`
 *   and `2024-04-02` are one day, `1,204` is 1204);
 * - the summary only uses what the paragraphs cite, and field texts (which carry no citations) only what the case's
 *   facts say; the access log may also list the case file's usage records (weekly counts, per-kind figures) that it
 *   is rendered from;
 * - no card number (a Luhn-valid run of 13–19 digits) and no secret (`sk_`/`rk_` keys, `whsec_`, Anthropic keys);
 * - every field within Stripe's limits (20,000 characters each, 150,000 in all), and only Stripe's field names.
 *
 * Numbers written as words ("three") are not checked; everything written with digits is.
 */

export interface Verification {
	ok: boolean;
	findings: string[];
}

const FIELD_NAMES: ReadonlySet<string> = new Set(EVIDENCE_TEXT_FIELDS);

export function verifyNarrative(narrative: Narrative, evidenceCase: EvidenceCase): Verification {
	const findings: string[] = [];
	const facts = new Map(evidenceCase.facts.map((f) => [f.id, f]));
	const style = (where: string, text: string) => checkStyle(where, text, facts, findings);
	const currencies = caseCurrencies(evidenceCase);

	if (narrative.paragraphs.length === 0) findings.push("the narrative has no paragraphs");
	const citedAnywhere = new Set<string>();
	narrative.paragraphs.forEach((p, i) => {
		const where = `paragraph ${i + 1}`;
		if (!p.text.trim()) findings.push(`${where} is empty`);
		const ids = [...new Set(p.factIds)];
		if (ids.length === 0) findings.push(`${where} cites no fact`);
		const known: Fact[] = [];
		for (const id of ids) {
			const fact = facts.get(id);
			if (fact) {
				known.push(fact);
				citedAnywhere.add(id);
			} else findings.push(`${where} cites "${clip(id)}", which is not a fact of this case`);
		}
		style(where, p.text);
		checkText(
			where,
			p.text,
			groundsOf(known, currencies),
			findings,
			`its cited facts (${ids.map((id) => clip(id)).join(", ")})`,
		);
	});

	if (!narrative.summary.trim()) findings.push("the summary is empty");
	const paragraphFacts = [...citedAnywhere].map((id) => facts.get(id)!);
	style("the summary", narrative.summary);
	checkText(
		"the summary",
		narrative.summary,
		groundsOf(paragraphFacts, currencies),
		findings,
		"the facts the paragraphs cite",
	);

	const allGrounds = groundsOf(evidenceCase.facts, currencies);
	let total = 0;
	for (const [name, text] of Object.entries(narrative.fields)) {
		if (typeof text !== "string") continue;
		const where = `field ${name}`;
		if (!FIELD_NAMES.has(name)) findings.push(`${where} is not one of Stripe's evidence text fields`);
		total += text.length;
		style(where, text);
		if (text.length > FIELD_LIMIT) findings.push(`${where} is ${text.length} characters, over Stripe's ${FIELD_LIMIT}`);
		const grounds =
			name === "access_activity_log" ? mergeGrounds(allGrounds, usageRecordGrounds(evidenceCase)) : allGrounds;
		checkText(where, text, grounds, findings, "the facts of the case");
	}
	if (total > TOTAL_LIMIT) findings.push(`the fields total ${total} characters, over Stripe's ${TOTAL_LIMIT}`);

	return { ok: findings.length === 0, findings };
}

/** Stripe's dispute reasons, which a letter states in words ("the cardholder states …"), never quotes. */
const QUOTED_REASON =
	/[“"'‘](fraudulent|unrecognized|subscription[_ ]canceled|product[_ ]not[_ ]received|product[_ ]unacceptable|credit[_ ]not[_ ]processed|duplicate|general|debit[_ ]not[_ ]authorized)[”"'’]/i;

/** What a person never writes to an issuer: `(s)` plurals, a quoted Stripe label, a fact id. */
function checkStyle(where: string, text: string, facts: ReadonlyMap<string, Fact>, findings: string[]): void {
	if (/\w\((?:s|es)\)/.test(text)) {
		findings.push(`${where} writes a “(s)” plural; write the noun for the count ("1 login", "3 logins")`);
	}
	const label = QUOTED_REASON.exec(text);
	if (label) {
		findings.push(
			`${where} quotes Stripe's reason label "${label[1]}"; state the claim in words (e.g. "the cardholder states the payment was not authorised")`,
		);
	}
	for (const id of facts.keys()) {
		// A customer's own string may contain an id-like text; quoting that data is not writing a fact id.
		if (id.includes(".") && id.length > 6 && text.includes(id) && !inData(id, facts)) {
			findings.push(`${where} writes the fact id "${clip(id)}" in its text; fact ids belong in factIds only`);
			break;
		}
	}
}

function inData(text: string, facts: ReadonlyMap<string, Fact>): boolean {
	for (const f of facts.values()) {
		if (f.display.includes(text) || f.label.includes(text) || String(f.value).includes(text)) return true;
	}
	return false;
}

// ---- what the facts say ------------------------------------------------------------------------------------------

interface Grounds {
	numbers: Set<number>;
	amounts: number[];
	dates: Set<string>;
	months: Set<string>;
	dayMonths: Set<string>;
	times: Set<string>;
	emails: Set<string>;
	ips: Set<string>;
	identifiers: Set<string>;
}

function emptyGrounds(): Grounds {
	return {
		numbers: new Set(),
		amounts: [],
		dates: new Set(),
		months: new Set(),
		dayMonths: new Set(),
		times: new Set(),
		emails: new Set(),
		ips: new Set(),
		identifiers: new Set(),
	};
}

function mergeGrounds(a: Grounds, b: Grounds): Grounds {
	const out = emptyGrounds();
	for (const g of [a, b]) {
		for (const key of ["numbers", "dates", "months", "dayMonths", "times", "emails", "ips", "identifiers"] as const) {
			for (const v of g[key] as Set<string | number>) (out[key] as Set<string | number>).add(v);
		}
		out.amounts.push(...g.amounts);
	}
	return out;
}

function caseCurrencies(c: EvidenceCase): string[] {
	return [...new Set([c.dispute.currency, c.charge.currency, c.priorPayments.currency].map((x) => x.toLowerCase()))];
}

/** Everything the given facts state, in normalised form. Generous on purpose: it is the text's side that is strict. */
function groundsOf(facts: readonly Fact[], currencies: readonly string[]): Grounds {
	const g = emptyGrounds();
	for (const fact of facts) {
		const texts = [fact.display];
		if (typeof fact.value === "string") texts.push(fact.value);
		if (typeof fact.value === "number") addNumber(g, fact.value);
		for (const text of texts) addText(g, text);
		// An amount's value is in minor units; its display is in major units. Both forms count.
		if (typeof fact.value === "number" && scan(fact.display).some((t) => t.kind === "amount")) {
			for (const currency of currencies) g.amounts.push(fact.value / 10 ** minorUnitDigits(currency));
		}
	}
	return g;
}

/** Records the access log is rendered from (weekly series, kinds, access points, recent events). */
function usageRecordGrounds(c: EvidenceCase): Grounds {
	const g = emptyGrounds();
	const u = c.usage;
	if (!u) return g;
	for (const w of u.weekly) {
		addText(g, w.weekStart);
		addNumber(g, w.count);
	}
	for (const k of u.byKind) {
		addText(g, `${k.kind} ${k.firstAt} ${k.lastAt}`);
		addNumber(g, k.count);
		addNumber(g, k.afterCharge);
	}
	for (const p of [...u.topIps, ...u.topDevices]) {
		addText(g, `${p.value} ${p.firstAt} ${p.lastAt}`);
		addNumber(g, p.count);
	}
	for (const e of u.recent) addText(g, [e.occurredAt, e.kind, e.ip ?? "", e.deviceId ?? ""].join(" "));
	for (const n of [u.total, u.afterCharge, u.distinctIps, u.distinctDevices]) addNumber(g, n);
	return g;
}

function addNumber(g: Grounds, n: number) {
	if (Number.isFinite(n)) g.numbers.add(round(n));
}

function addText(g: Grounds, text: string) {
	for (const t of scan(text)) {
		switch (t.kind) {
			case "email":
				g.emails.add(t.norm);
				break;
			case "ip":
				g.ips.add(t.norm);
				break;
			case "identifier":
				g.identifiers.add(t.norm);
				break;
			case "amount":
				g.amounts.push(Number(t.norm));
				addNumber(g, Number(t.norm));
				break;
			case "date":
				g.dates.add(t.norm);
				g.months.add(t.norm.slice(0, 7));
				g.dayMonths.add(t.norm.slice(5));
				if (t.time) g.times.add(t.time);
				break;
			case "month":
				g.months.add(t.norm);
				break;
			case "dayMonth":
				g.dayMonths.add(t.norm);
				break;
			case "time":
				g.times.add(t.norm);
				break;
			case "number":
				addNumber(g, Number(t.norm));
				break;
			default:
				break;
		}
	}
	// Every digit run and grouped number, whatever surrounds it: "usr_8812" grounds 8812, "10.4" grounds 10 and 4.
	for (const m of text.matchAll(/\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?/g)) {
		addNumber(g, Number(m[0].replace(/,/g, "")));
		for (const part of m[0].split(/[.,]/)) addNumber(g, Number(part));
	}
	// An ISO time is a day and a time of day in UTC.
	for (const m of text.matchAll(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g)) {
		const d = new Date(m[0]);
		if (Number.isNaN(d.getTime())) continue;
		const iso = d.toISOString();
		g.dates.add(iso.slice(0, 10));
		g.months.add(iso.slice(0, 7));
		g.dayMonths.add(iso.slice(5, 10));
		g.times.add(iso.slice(11, 16));
	}
}

function checkText(where: string, text: string, g: Grounds, findings: string[], against: string) {
	const digits = text.replace(/[^\d]/g, "");
	for (const m of text.matchAll(/(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g)) {
		const run = m[0].replace(/[ -]/g, "");
		if (run.length >= 13 && run.length <= 19 && luhn(run)) {
			findings.push(`${where} contains what looks like a card number (ending ${run.slice(-4)})`);
		}
	}
	if (digits.length === 0 && !/[@_:]/.test(text)) return;
	for (const t of scan(text)) {
		const say = (what: string) =>
			findings.push(`${where} mentions ${what} "${clip(t.raw)}", which ${against} do not contain`);
		switch (t.kind) {
			case "secret":
				findings.push(`${where} contains what looks like a secret key (${t.raw.slice(0, 8)}…)`);
				break;
			case "email":
				if (!g.emails.has(t.norm)) say("the email address");
				break;
			case "identifier":
				if (!g.identifiers.has(t.norm)) say("the identifier");
				break;
			case "ip":
				if (!g.ips.has(t.norm)) say("the IP address");
				break;
			case "amount":
				if (!g.amounts.some((a) => Math.abs(a - Number(t.norm)) < 0.0005)) say("the amount");
				break;
			case "date":
				if (!g.dates.has(t.norm)) say("the date");
				else if (t.time && !g.times.has(t.time)) say("the time");
				break;
			case "ambiguousDate":
				if (!(t.alternatives ?? []).some((d) => g.dates.has(d))) say("the date");
				break;
			case "month":
				if (!g.months.has(t.norm)) say("the month");
				break;
			case "dayMonth":
				if (!g.dayMonths.has(t.norm)) say("the date");
				break;
			case "badDate":
				findings.push(`${where} mentions "${clip(t.raw)}", which is not a valid date`);
				break;
			case "time":
				if (!g.times.has(t.norm)) say("the time");
				break;
			case "number":
				if (!g.numbers.has(Number(t.norm))) say("the number");
				break;
		}
	}
}
