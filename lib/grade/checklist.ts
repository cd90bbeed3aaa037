/**
 * The analyst's checklist as code: scores what a dispute submits (its text fields and the text of its files,
 * page by page) against what an issuer's reviewer looks for, per reason family, and says what is missing. Pure:
 * the caller extracts the PDF text (pdftotext locally), so the same checks run in tests, `npm run grade` and the demo.
 */
import { formatDate, formatMoney, toMajorUnits } from "../format";
import { type ReasonFamily, reasonFamily } from "../narrative/letter";

export interface GradeSubject {
	reason: string;
	networkReasonCode: string | null;
	amount: number;
	currency: string;
	/** ISO time of the disputed charge. */
	chargeCreatedAt: string;
	cardLast4: string | null;
	statementDescriptor: string | null;
	/** Amounts (minor units) the texts may name: the dispute, earlier payments and their total, refunds. */
	knownAmounts: number[];
	/** Whether support messages exist (then a communication file is expected), and CE 3.0 qualified. */
	hasMessages?: boolean;
	ce3Qualified?: boolean;
}

export interface GradeFile {
	field: string;
	/** Text of each page, as pdftotext extracts it. */
	pages: string[];
}

export interface GradeInput {
	subject: GradeSubject;
	fields: Record<string, string | undefined>;
	/** The evidence report first; other documents after it. */
	files: GradeFile[];
}

export interface Check {
	id: string;
	label: string;
	ok: boolean;
	/** What is wrong or missing, when not ok. */
	detail?: string;
	/** A check that is reported but not counted (evidence other parts of rebuttal do not produce yet). */
	advisory?: boolean;
}

export interface Grade {
	family: ReasonFamily;
	score: number;
	total: number;
	checks: Check[];
	missing: Check[];
}

/** Things a person never writes: `(s)` plurals, fact ids, missing glyphs, leaked placeholders. */
export const ARTEFACTS: readonly [string, RegExp][] = [
	["a “(s)” plural", /\w\(s\)/],
	[
		"a fact id",
		/\b(?:dispute|charge|account|usage|access|purchase|prior|login|use|artifacts|cancellation)\.[a-z_]+\.?[a-z0-9_]*\b/,
	],
	["a missing glyph (□)", /□/],
	["“undefined”", /\bundefined\b/],
	["“NaN”", /\bNaN\b/],
	["“[object Object]”", /\[object Object\]/],
	["a “Facts cited” line", /Facts cited/],
];

const STRIPE_REASONS =
	/[“"](fraudulent|unrecognized|subscription_canceled|product_not_received|product_unacceptable|credit_not_processed|duplicate|general)[”"]/;

/** Each family's fields that matter, as Stripe names them. */
const FAMILY_FIELDS: Record<ReasonFamily, string[]> = {
	fraud: ["access_activity_log"],
	unrecognized: ["access_activity_log"],
	cancellation: ["cancellation_rebuttal", "cancellation_policy_disclosure"],
	delivery: ["service_date", "access_activity_log"],
	quality: ["service_date", "refund_policy_disclosure", "refund_refusal_explanation"],
	credit: ["refund_refusal_explanation"],
	duplicate: ["duplicate_charge_explanation"],
};

const FAMILY_FILES: Record<ReasonFamily, string[]> = {
	fraud: [],
	unrecognized: [],
	cancellation: ["cancellation_policy"],
	delivery: ["service_documentation"],
	quality: ["refund_policy"],
	credit: ["refund_policy"],
	duplicate: [],
};

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

export function gradeSubmission(input: GradeInput): Grade {
	const { subject: s, fields, files } = input;
	const family = reasonFamily(s.reason, s.networkReasonCode);
	const page1 = squash(files[0]?.pages[0] ?? "");
	const texts: [string, string][] = [
		...Object.entries(fields).flatMap(([k, v]) =>
			typeof v === "string" ? [[`field ${k}`, v] as [string, string]] : [],
		),
		...files.map((f, i) => [`file ${i + 1} (${f.field})`, squash(f.pages.join(" "))] as [string, string]),
	];
	const checks: Check[] = [];
	const check = (id: string, label: string, ok: boolean, detail?: string, advisory = false) =>
		checks.push({ id, label, ok, ...(ok ? {} : { detail }), ...(advisory ? { advisory } : {}) });

	// Page 1: who answers which dispute.
	const amount = formatMoney(s.amount, s.currency);
	check("page1.amount", "page 1 states the disputed amount", page1.includes(amount), `${amount} is not on page 1`);
	const date = formatDate(s.chargeCreatedAt);
	check("page1.date", "page 1 states the charge date", page1.includes(date), `${date} is not on page 1`);
	if (s.cardLast4) {
		check(
			"page1.card",
			"page 1 names the card",
			page1.includes(s.cardLast4),
			`the card ending ${s.cardLast4} is not on page 1`,
		);
	}
	if (s.networkReasonCode) {
		check(
			"page1.reason_code",
			"page 1 states the network reason code",
			page1.includes(s.networkReasonCode),
			`reason code ${s.networkReasonCode} is not on page 1`,
		);
	}
	const dated = new Set([...page1.matchAll(/(?:^|\s)([1-9]) (\d{1,2} [A-Z][a-z]{2} \d{4}) /g)].map((m) => m[1]));
	check(
		"page1.facts",
		"page 1 gives three or more numbered, dated facts",
		dated.size >= 3,
		`page 1 has ${dated.size} numbered, dated ${dated.size === 1 ? "fact" : "facts"}`,
	);
	const keyFact = familyKeyFact(family, page1, s);
	check("page1.key_fact", "page 1 carries the reason's key fact", keyFact.ok, keyFact.detail);

	// Fields and files that matter for the reason.
	check(
		"field.product_description",
		"a product description naming the price",
		!!fields.product_description?.trim() && /\d/.test(fields.product_description),
		"product_description is empty or names no price",
	);
	for (const name of FAMILY_FIELDS[family]) {
		check(`field.${name}`, `${name} is filled`, !!fields[name]?.trim(), `${name} is empty`);
	}
	const fileFields = new Set(files.map((f) => f.field));
	for (const name of FAMILY_FILES[family]) {
		check(`file.${name}`, `a ${name.replace(/_/g, " ")} file`, fileFields.has(name), `no file in ${name}`, true);
	}
	check("file.receipt", "a receipt file", fileFields.has("receipt"), "no file in receipt", true);
	if (s.hasMessages) {
		check(
			"file.customer_communication",
			"the customer's messages as a communication file",
			fileFields.has("customer_communication"),
			"support messages exist but no customer_communication file",
			true,
		);
	}

	// No machine artefacts, no Stripe label quoted, no repeated paragraph, every amount a known one.
	const artefacts = texts.flatMap(([where, text]) =>
		ARTEFACTS.filter(([, re]) => re.test(text)).map(([what]) => `${what} in ${where}`),
	);
	check("text.artefacts", "no machine artefacts", artefacts.length === 0, artefacts.slice(0, 5).join("; "));
	const quoted = texts.filter(([, t]) => STRIPE_REASONS.test(t)).map(([w]) => w);
	check(
		"text.labels",
		"no Stripe-internal label quoted",
		quoted.length === 0,
		`a quoted reason in ${quoted.join(", ")}`,
	);
	check(
		"text.signature",
		"signed by the merchant's name",
		!/Submitted by The merchant\b/i.test(page1),
		"signed “The merchant”",
	);
	const repeats = texts.flatMap(([where, t]) => repeatedSentences(t).map((r) => `${where}: “${r.slice(0, 60)}…”`));
	check("text.repeats", "no paragraph repeated", repeats.length === 0, repeats.slice(0, 3).join("; "));
	const stray = strayAmounts(texts, s);
	check(
		"text.amounts",
		"every amount matches the dispute or a listed charge",
		stray.length === 0,
		stray.slice(0, 5).join(", "),
	);

	const counted = checks.filter((c) => !c.advisory);
	return {
		family,
		score: counted.filter((c) => c.ok).length,
		total: counted.length,
		checks,
		missing: checks.filter((c) => !c.ok),
	};
}

function familyKeyFact(family: ReasonFamily, page1: string, s: GradeSubject): { ok: boolean; detail: string } {
	switch (family) {
		case "fraud":
			return {
				ok:
					/earlier (?:undisputed )?payments?\b.*(?:never disputed|undisputed)|Compelling Evidence 3\.0/.test(page1) ||
					/customer's own account/.test(page1),
				detail: "neither earlier undisputed payments, CE 3.0 nor the customer's own account on page 1",
			};
		case "unrecognized":
			return {
				ok: !!s.statementDescriptor && page1.includes(s.statementDescriptor),
				detail: "the statement descriptor is not on page 1",
			};
		case "cancellation":
			return {
				ok: /cancel/i.test(page1) && /terms/i.test(page1),
				detail: "page 1 says nothing of the cancellation or the terms",
			};
		case "delivery":
		case "quality":
			return {
				ok: /after the payment|service period/i.test(page1),
				detail: "no dated use after the payment on page 1",
			};
		case "credit":
			return { ok: /refund/i.test(page1) || /terms/i.test(page1), detail: "neither a refund nor the terms on page 1" };
		case "duplicate":
			return {
				ok: /single payment|distinct/i.test(page1),
				detail: "page 1 does not say the charge is a single payment",
			};
	}
}

function repeatedSentences(text: string): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const sentence of text.split(/(?<=[.!?])\s+/)) {
		const key = sentence.trim();
		if (key.length < 60) continue;
		if (seen.has(key)) out.push(key);
		seen.add(key);
	}
	return out;
}

/** Money amounts written with a currency sign or code that are neither the dispute's nor a known one. */
function strayAmounts(texts: readonly [string, string][], s: GradeSubject): string[] {
	const known = new Set(s.knownAmounts.concat(s.amount).map((a) => toMajorUnits(a, s.currency).toFixed(2)));
	const out: string[] = [];
	for (const [where, text] of texts) {
		for (const m of text.matchAll(/[$€£¥]\s?(\d[\d,]*(?:\.\d+)?)/g)) {
			const value = Number(m[1]!.replace(/,/g, "")).toFixed(2);
			if (!known.has(value)) out.push(`${m[0]} in ${where}`);
		}
	}
	return out;
}

/** The grade as an operator reads it: the score, then each missing point. */
export function formatGrade(grade: Grade): string {
	const lines = [`${grade.score}/${grade.total} (${grade.family})`];
	for (const c of grade.missing) lines.push(`  ${c.advisory ? "·" : "✗"} ${c.label}${c.detail ? `: ${c.detail}` : ""}`);
	return lines.join("\n");
}
