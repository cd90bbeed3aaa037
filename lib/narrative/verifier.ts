import { FIELD_LIMIT, TOTAL_LIMIT } from "../evidence/text";
import { EVIDENCE_TEXT_FIELDS, type EvidenceCase, type Fact, type Narrative } from "../evidence/types";
import { minorUnitDigits } from "../format";

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

// ---- what the text says ------------------------------------------------------------------------------------------

type Kind =
	| "secret"
	| "email"
	| "identifier"
	| "ip"
	| "amount"
	| "date"
	| "ambiguousDate"
	| "month"
	| "dayMonth"
	| "badDate"
	| "time"
	| "number";

interface Token {
	kind: Kind;
	raw: string;
	/** Normalised value: lower-case email/IP, `YYYY-MM-DD`, `YYYY-MM`, `MM-DD`, `HH:MM`, a decimal number string. */
	norm: string;
	/** For an ISO date-time: its `HH:MM`. */
	time?: string;
	/** For an ambiguous numeric date (`02/04/2024`): both readings. */
	alternatives?: string[];
}

const MONTHS: Record<string, number> = {
	jan: 1,
	feb: 2,
	mar: 3,
	apr: 4,
	may: 5,
	jun: 6,
	jul: 7,
	aug: 8,
	sep: 9,
	oct: 10,
	nov: 11,
	dec: 12,
};
// Capitalised only: "may" is a verb far more often than a month.
const MONTH =
	"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?";
const ORD = "(?:st|nd|rd|th)?";

const STRIPE_PREFIXES = new Set([
	"ch",
	"py",
	"du",
	"dp",
	"cus",
	"pi",
	"pm",
	"in",
	"sub",
	"re",
	"txn",
	"evt",
	"acct",
	"card",
	"src",
	"seti",
	"prod",
	"price",
	"cs",
	"file",
	"tok",
	"ba",
	"po",
	"tr",
	"cn",
	"ii",
	"si",
	"issfr",
]);

const CURRENCY_SYMBOLS = "US\\$|CA\\$|C\\$|A\\$|AU\\$|NZ\\$|HK\\$|S\\$|R\\$|MX\\$|CHF\\s?|[$€£¥₹₩₽₺₪]";
const CURRENCY_CODES =
	"USD|EUR|GBP|JPY|CAD|AUD|NZD|CHF|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|INR|BRL|MXN|SGD|HKD|ZAR|AED|ILS|TRY|KRW|CNY|THB|MYR|PHP|IDR";
const NUMBER = "(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d+))?";

/** What a rule makes of a match: a token, `SKIP` (leave the text for later rules) or `DROP` (consume, check nothing). */
const SKIP = Symbol("skip");
const DROP = Symbol("drop");

interface Rule {
	re: RegExp;
	make(m: RegExpExecArray): Token | typeof SKIP | typeof DROP;
}

const RULES: Rule[] = [
	{
		re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{6,}|\bwhsec_[A-Za-z0-9+/=]{6,}|\bsk-ant-[A-Za-z0-9_-]{6,}/g,
		make: (m) => ({ kind: "secret", raw: m[0], norm: m[0] }),
	},
	{
		re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
		make: (m) => ({ kind: "email", raw: m[0], norm: m[0].toLowerCase() }),
	},
	{
		re: /\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*[A-Za-z0-9]\b/g,
		make: (m) => {
			const prefix = m[0].slice(0, m[0].indexOf("_")).toLowerCase();
			if (!/\d/.test(m[0]) && !STRIPE_PREFIXES.has(prefix)) return SKIP;
			return { kind: "identifier", raw: m[0], norm: m[0] };
		},
	},
	{
		// IPv6: at least three colons or a "::", hex groups of at most four digits (so "14:03:11" is a time).
		re: /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g,
		make: (m) => {
			const colons = m[0].split(":").length - 1;
			if (!(m[0].includes("::") || colons >= 3) || !/[0-9a-f]/i.test(m[0])) return SKIP;
			return { kind: "ip", raw: m[0], norm: m[0].toLowerCase() };
		},
	},
	{
		re: /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/g,
		make: (m) => ({ kind: "ip", raw: m[0], norm: m[0] }),
	},
	{
		re: new RegExp(
			`(?:${CURRENCY_SYMBOLS})\\s?${NUMBER}|\\b(?:${CURRENCY_CODES})\\s?${NUMBER}|${NUMBER}\\s?(?:${CURRENCY_CODES})\\b`,
			"g",
		),
		make: (m) => {
			const whole = m[1] ?? m[3] ?? m[5] ?? "";
			const frac = m[2] ?? m[4] ?? m[6];
			return { kind: "amount", raw: m[0], norm: String(round(Number(`${whole.replace(/,/g, "")}.${frac ?? "0"}`))) };
		},
	},
	{
		re: /\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| ?UTC)?)?(?![\d-])/g,
		make: (m) => {
			const zone = (m[6] ?? "").trim();
			if (m[4] !== undefined && zone && zone !== "Z" && zone !== "UTC") {
				// A local time with an offset: the day and time that is in UTC.
				const offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
				const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${offset}`);
				if (Number.isNaN(d.getTime())) return bad(m[0]);
				const iso = d.toISOString();
				return { kind: "date", raw: m[0], norm: iso.slice(0, 10), time: iso.slice(11, 16) };
			}
			return dateToken(m[0], Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? `${m[4]}:${m[5]}` : undefined);
		},
	},
	{
		re: new RegExp(`\\b(\\d{1,2})${ORD}\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})\\b`, "g"),
		make: (m) => dateToken(m[0], Number(m[3]), monthOf(m[2]!), Number(m[1])),
	},
	{
		re: new RegExp(`\\b${MONTH}\\s+(\\d{1,2})${ORD},?\\s+(\\d{4})\\b`, "g"),
		make: (m) => dateToken(m[0], Number(m[3]), monthOf(m[1]!), Number(m[2])),
	},
	{
		re: /\b(\d{4})\/(\d{1,2})\/(\d{1,2})\b/g,
		make: (m) => dateToken(m[0], Number(m[1]), Number(m[2]), Number(m[3])),
	},
	{
		// 02/04/2024 is 2 April in most of the world and February 4 in the US: either reading must be a fact.
		re: /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/g,
		make: (m) => {
			const readings = [
				validDate(Number(m[3]), Number(m[2]), Number(m[1])),
				validDate(Number(m[3]), Number(m[1]), Number(m[2])),
			].filter((x): x is string => !!x);
			if (readings.length === 0) return bad(m[0]);
			return { kind: "ambiguousDate", raw: m[0], norm: readings[0]!, alternatives: readings };
		},
	},
	{
		re: new RegExp(`\\b(\\d{1,2})${ORD}\\s+(?:of\\s+)?${MONTH}(?![A-Za-z])`, "g"),
		make: (m) => dayMonthToken(m[0], monthOf(m[2]!), Number(m[1])),
	},
	{
		re: new RegExp(`\\b${MONTH}\\s+(\\d{1,2})${ORD}\\b(?!\\s*,?\\s*\\d)`, "g"),
		make: (m) => dayMonthToken(m[0], monthOf(m[1]!), Number(m[2])),
	},
	{
		re: new RegExp(`\\b${MONTH},?\\s+(\\d{4})\\b`, "g"),
		make: (m) => ({ kind: "month", raw: m[0], norm: `${m[2]}-${pad(monthOf(m[1]!))}` }),
	},
	{
		re: /\b([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?(?:\s?(?:UTC|GMT|Z))?\b/g,
		make: (m) => ({ kind: "time", raw: m[0], norm: `${pad(Number(m[1]))}:${m[2]}` }),
	},
	{
		// Names that contain digits but state no figure.
		re: /\b3-?D(?:S|\s?Secure)?\b|\b(?:CE|Compelling Evidence)\s?3\.0\b/gi,
		make: () => DROP,
	},
	{
		// A number standing alone; digits glued to letters ("IPv4", "3D") are names, ordinals ("2nd") are numbers.
		re: /(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:st|nd|rd|th)?(?![\w])/g,
		make: (m) => ({
			kind: "number",
			raw: m[0],
			norm: String(round(Number(`${m[1]!.replace(/,/g, "")}${m[2] ? `.${m[2]}` : ""}`))),
		}),
	},
];

/** The checkable tokens of `text`, each rule consuming what it matched so later rules do not see it again. */
function scan(text: string): Token[] {
	const tokens: Token[] = [];
	let rest = text;
	for (const rule of RULES) {
		rest = rest.replace(rule.re, (...args) => {
			const match = args[0] as string;
			// No rule has named groups, so the last two arguments are the offset and the whole string.
			const exec = Object.assign([...args.slice(0, -2)] as string[], {
				index: args.at(-2) as number,
				input: rest,
			}) as unknown as RegExpExecArray;
			const made = rule.make(exec);
			if (made === SKIP) return match;
			if (made !== DROP) tokens.push(made);
			return " ".repeat(match.length);
		});
	}
	return tokens;
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

// ---- helpers -----------------------------------------------------------------------------------------------------

function monthOf(name: string): number {
	return MONTHS[name.slice(0, 3).toLowerCase()] ?? 0;
}

function validDate(y: number, m: number, d: number): string | null {
	if (m < 1 || m > 12 || d < 1 || d > 31) return null;
	const date = new Date(Date.UTC(y, m - 1, d));
	if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
	return `${String(y).padStart(4, "0")}-${pad(m)}-${pad(d)}`;
}

function dateToken(raw: string, y: number, m: number, d: number, time?: string): Token {
	const norm = validDate(y, m, d);
	if (!norm) return bad(raw);
	return time ? { kind: "date", raw, norm, time } : { kind: "date", raw, norm };
}

function dayMonthToken(raw: string, m: number, d: number): Token {
	// 29 February exists in leap years: check against one.
	if (!validDate(2000, m, d)) return bad(raw);
	return { kind: "dayMonth", raw, norm: `${pad(m)}-${pad(d)}` };
}

function bad(raw: string): Token {
	return { kind: "badDate", raw, norm: raw };
}

function pad(n: number): string {
	return String(n).padStart(2, "0");
}

function round(n: number): number {
	return Math.round(n * 1e6) / 1e6;
}

function clip(s: string, max = 60): string {
	return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** The Luhn checksum of a digit string. */
export function luhn(digits: string): boolean {
	let sum = 0;
	let double = false;
	for (let i = digits.length - 1; i >= 0; i--) {
		let d = digits.charCodeAt(i) - 48;
		if (d < 0 || d > 9) return false;
		if (double) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
		double = !double;
	}
	return sum % 10 === 0;
}

/** Exposed for tests: the kinds and normalised values the verifier reads in a text. */
export function readTokens(text: string): { kind: string; raw: string; norm: string }[] {
	return scan(text).map(({ kind, raw, norm }) => ({ kind, raw, norm }));
}
