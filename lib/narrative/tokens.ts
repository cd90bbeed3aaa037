/**
 * What a text says, as the verifier reads it: amounts, dates, times, numbers, emails, IP addresses, identifiers and
 * secrets, each normalised (`$1,490.00` is 149000 in cents, `2 Apr 2024` and `2024-04-02` are one day).
 */
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

export interface Token {
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
export function scan(text: string): Token[] {
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

export function round(n: number): number {
	return Math.round(n * 1e6) / 1e6;
}

export function clip(s: string, max = 60): string {
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
