/**
 * Realistic, deterministic case files for tests: a SaaS subscription disputed as fraudulent, the merchant's
 * account history that answers it, and a template-style narrative citing the facts. No clock, no randomness and
 * no Node APIs, so the same fixtures work in Node and in workerd tests.
 *
 * - `makeEvidenceCase()` / `makeNarrative()`: the ordinary case; pass overrides for variations.
 * - `casePartsFor()`: the ordinary case's parts for another reason, for the real fact builder.
 * - `makeHugeEvidenceCase()` / `makeHugeNarrative()`: volumes far beyond any page budget.
 * - `withPersonName()`: the same case with a customer name in another script.
 * - `HOSTILE_STRINGS`: strings that must never break a renderer or a writer.
 */
import type {
	AccessPoint,
	CaseParts,
	EvidenceCase,
	Fact,
	FactSource,
	KindUsage,
	Narrative,
	UsageSummary,
	WeeklyActivity,
} from "../../lib/evidence/types";

export const FIXTURE = {
	merchantName: "Northwind Analytics Ltd.",
	disputeId: "dp_1PQx7L2eZvKYlo2C0d8aF3kT",
	chargeId: "ch_3PQx2K2eZvKYlo2C1mR8sT4u",
	customerId: "cus_Q1xT8bWm3kVqZa",
	accountId: "usr_8812",
	amount: 14_900,
	currency: "usd",
	/** How the amount reads in an `en-US` document. */
	amountText: "$149.00",
	chargeAt: "2024-04-02T14:03:11.000Z",
	disputeAt: "2024-05-20T09:15:00.000Z",
	dueBy: "2024-06-03T23:59:59.000Z",
	signupAt: "2023-11-14T18:22:05.000Z",
	signupIp: "203.0.113.42",
	secondIp: "198.51.100.7",
	email: "maria.kowalski@example.com",
	name: "Maria Kowalski",
} as const;

const KINDS: readonly (readonly [kind: string, count: number, afterCharge: number])[] = [
	["api_request", 1204, 388],
	["report_viewed", 412, 131],
	["dashboard_login", 186, 52],
	["report_exported", 57, 19],
	["alert_configured", 9, 2],
	["team_member_invited", 4, 1],
];

const DAY = 86_400_000;

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** Weeks from the signup week to the week before the dispute, counts spread by a fixed pattern. */
function weeklyActivity(total: number): WeeklyActivity[] {
	const first = Date.parse("2023-11-13T00:00:00Z"); // a Monday
	const weeks = 27;
	const weights = Array.from({ length: weeks }, (_, i) => 6 + ((i * 7) % 11) + (i > 19 ? 4 : 0));
	const sum = weights.reduce((a, b) => a + b, 0);
	const counts = weights.map((w) => Math.floor((total * w) / sum));
	counts[weeks - 1]! += total - counts.reduce((a, b) => a + b, 0);
	return counts.map((count, i) => ({ weekStart: iso(first + i * 7 * DAY).slice(0, 10), count }));
}

function fact(id: string, label: string, value: Fact["value"], display: string, source: FactSource): Fact {
	return { id, label, value, display, source };
}

/** Facts consistent with the case, with the ids the fact builder uses. */
export function factsFor(c: EvidenceCase): Fact[] {
	const u = c.usage;
	const a = c.account;
	const facts: Fact[] = [
		fact("dispute.id", "Dispute", c.dispute.id, c.dispute.id, "stripe"),
		fact("dispute.amount", "Disputed amount", c.dispute.amount, FIXTURE.amountText, "stripe"),
		fact("dispute.reason", "Dispute reason", c.dispute.reason, c.dispute.reason, "stripe"),
		fact("charge.id", "Charge", c.charge.id, c.charge.id, "stripe"),
		fact("charge.created_at", "Charge time", c.charge.createdAt, "2 Apr 2024 14:03 UTC", "stripe"),
		fact("charge.cvc_check", "CVC check", c.charge.checks.cvc, c.charge.checks.cvc ?? "none", "stripe"),
		fact("charge.three_d_secure", "3-D Secure", c.charge.threeDSecure, c.charge.threeDSecure ?? "none", "stripe"),
	];
	if (a) {
		facts.push(
			fact("account.id", "Account", a.id, a.id, "merchant_db"),
			fact("account.signup_at", "Signed up", a.createdAt, "14 Nov 2023 18:22 UTC", "merchant_db"),
			fact("account.signup_ip", "Signup IP", a.signupIp, a.signupIp ?? "none", "merchant_db"),
			fact("account.email_verified_at", "Email verified", a.emailVerifiedAt, "14 Nov 2023 18:25 UTC", "merchant_db"),
			fact("account.terms_accepted_at", "Terms accepted", a.termsAcceptedAt, "14 Nov 2023 18:22 UTC", "merchant_db"),
			fact("account.terms_version", "Terms version", a.termsVersion, a.termsVersion ?? "none", "merchant_db"),
		);
	}
	if (u) {
		facts.push(
			fact("usage.total", "Events recorded", u.total, String(u.total), "merchant_db"),
			fact("usage.after_charge", "Events after the charge", u.afterCharge, String(u.afterCharge), "merchant_db"),
			fact(
				"usage.last_after_charge_at",
				"Last use after the charge",
				u.lastAfterChargeAt,
				"18 May 2024",
				"merchant_db",
			),
			fact("access.distinct_ips", "Distinct IPs", u.distinctIps, String(u.distinctIps), "merchant_db"),
		);
	}
	facts.push(
		fact("purchase.ip", "Purchase IP", FIXTURE.signupIp, FIXTURE.signupIp, "stripe"),
		fact("purchase.ip_seen_before", "Purchase IP used by the account before", true, "yes", "merchant_db"),
		fact("purchase.ip_prior_count", "Earlier account activity from the purchase IP", 1120, "1,120", "merchant_db"),
		fact("prior.count", "Prior payments", c.priorPayments.count, String(c.priorPayments.count), "stripe"),
		fact("prior.disputed", "Prior payments disputed", c.priorPayments.disputed, "0", "stripe"),
	);
	return facts;
}

function makeUsage(): UsageSummary {
	const byKind: KindUsage[] = KINDS.map(([kind, count, afterCharge], i) => ({
		kind,
		count,
		firstAt: iso(Date.parse(FIXTURE.signupAt) + (i + 1) * 3_600_000),
		lastAt: iso(Date.parse("2024-05-18T16:40:00Z") - i * DAY),
		afterCharge,
	}));
	const total = byKind.reduce((s, k) => s + k.count, 0);
	const afterCharge = byKind.reduce((s, k) => s + k.afterCharge, 0);
	const topIps: AccessPoint[] = [
		{ value: FIXTURE.signupIp, count: 1502, firstAt: FIXTURE.signupAt, lastAt: "2024-05-18T16:40:00.000Z" },
		{ value: FIXTURE.secondIp, count: 290, firstAt: "2023-12-02T08:11:00.000Z", lastAt: "2024-05-11T07:55:00.000Z" },
		{ value: "192.0.2.15", count: 70, firstAt: "2024-01-20T12:00:00.000Z", lastAt: "2024-04-28T19:31:00.000Z" },
		{
			value: "2001:db8:85a3::8a2e:370:7334",
			count: 10,
			firstAt: "2024-03-03T10:00:00.000Z",
			lastAt: "2024-03-09T10:00:00.000Z",
		},
	];
	const topDevices: AccessPoint[] = [
		{ value: "dev_mbp_7f3a21c9", count: 1610, firstAt: FIXTURE.signupAt, lastAt: "2024-05-18T16:40:00.000Z" },
		{ value: "dev_iphone_19c2e0", count: 262, firstAt: "2023-12-02T08:11:00.000Z", lastAt: "2024-05-11T07:55:00.000Z" },
	];
	const recentKinds = ["report_viewed", "api_request", "dashboard_login", "report_exported"];
	const recent = Array.from({ length: 12 }, (_, i) => ({
		occurredAt: iso(Date.parse("2024-05-18T16:40:00Z") - i * 2.5 * DAY),
		kind: recentKinds[i % recentKinds.length]!,
		ip: i % 3 === 2 ? FIXTURE.secondIp : FIXTURE.signupIp,
		deviceId: i % 3 === 2 ? "dev_iphone_19c2e0" : "dev_mbp_7f3a21c9",
	}));
	return {
		total,
		firstAt: byKind[0]!.firstAt,
		lastAt: "2024-05-18T16:40:00.000Z",
		afterCharge,
		lastAfterChargeAt: "2024-05-18T16:40:00.000Z",
		byKind,
		weekly: weeklyActivity(total),
		distinctIps: 4,
		distinctDevices: 2,
		topIps,
		topDevices,
		recent,
	};
}

export function makeEvidenceCase(overrides: Partial<EvidenceCase> = {}): EvidenceCase {
	const base: EvidenceCase = {
		merchantName: FIXTURE.merchantName,
		dispute: {
			id: FIXTURE.disputeId,
			amount: FIXTURE.amount,
			currency: FIXTURE.currency,
			reason: "fraudulent",
			networkReasonCode: "10.4",
			status: "needs_response",
			dueBy: FIXTURE.dueBy,
			createdAt: FIXTURE.disputeAt,
			cardBrand: "visa",
			isInquiry: false,
		},
		charge: {
			id: FIXTURE.chargeId,
			createdAt: FIXTURE.chargeAt,
			amount: FIXTURE.amount,
			currency: FIXTURE.currency,
			description: "Northwind Analytics Team plan, quarterly",
			statementDescriptor: "NORTHWIND* TEAM PLAN",
			receiptEmail: FIXTURE.email,
			billingName: FIXTURE.name,
			billingEmail: FIXTURE.email,
			billingCountry: "US",
			billingPostalCode: "94107",
			cardBrand: "visa",
			cardLast4: "4242",
			cardCountry: "US",
			cardFingerprint: "Xt5EWLLDS7FJjR1c",
			checks: { addressLine1: "pass", addressPostalCode: "pass", cvc: "pass" },
			threeDSecure: "authenticated",
			wallet: null,
			refunded: false,
			amountRefunded: 0,
		},
		customer: { id: FIXTURE.customerId, name: FIXTURE.name, email: FIXTURE.email, createdAt: FIXTURE.signupAt },
		account: {
			id: FIXTURE.accountId,
			email: FIXTURE.email,
			name: FIXTURE.name,
			createdAt: FIXTURE.signupAt,
			signupIp: FIXTURE.signupIp,
			signupUserAgent:
				"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
			country: "US",
			emailVerifiedAt: "2023-11-14T18:25:41.000Z",
			termsAcceptedAt: FIXTURE.signupAt,
			termsVersion: "2023-09",
			matchedBy: "stripe_customer_id",
		},
		usage: makeUsage(),
		priorPayments: {
			count: 2,
			total: 29_800,
			currency: FIXTURE.currency,
			disputed: 0,
			refunded: 0,
			firstAt: "2023-11-14T18:23:40.000Z",
			lastAt: "2024-01-02T14:03:09.000Z",
		},
		artifacts: [
			{
				id: "art_terms_2023_09",
				title: "Terms of Service, version 2023-09",
				createdAt: "2023-09-01T00:00:00.000Z",
				contentType: "text/html",
				location: "https://northwind.example.com/legal/terms/2023-09",
			},
			{
				id: "art_signup_email",
				title: "Signup confirmation email",
				createdAt: "2023-11-14T18:22:09.000Z",
				contentType: "message/rfc822",
				location: "artifacts/usr_8812/signup-confirmation.eml",
			},
		],
		facts: [],
	};
	const merged: EvidenceCase = { ...base, ...overrides };
	if (!overrides.facts) merged.facts = factsFor(merged);
	return merged;
}

/**
 * The ordinary case's parts for a dispute of `reason`, with the purchase IP seen before (from the charge's metadata)
 * and the artifact count: what `buildFacts` reads.
 */
export function casePartsFor(reason: string): CaseParts {
	const base = makeEvidenceCase();
	return {
		...base,
		dispute: { ...base.dispute, reason },
		purchaseIp: {
			ip: "203.0.113.42",
			source: "charge_metadata",
			observedAt: null,
			priorCount: 1120,
			firstSeenAt: "2023-11-14T18:22:05.000Z",
		},
		artifactCount: base.artifacts.length,
	};
}

export function makeNarrative(overrides: Partial<Narrative> = {}): Narrative {
	return {
		writer: "template",
		summary:
			`The cardholder opened account ${FIXTURE.accountId} on 14 Nov 2023 from IP ${FIXTURE.signupIp}, accepted the ` +
			`Terms of Service (version 2023-09), verified the email address and paid with a card that passed CVC and ` +
			"3-D Secure. The account kept using the product after the disputed charge: 593 events, the last on 18 May 2024.",
		paragraphs: [
			{
				text:
					`${FIXTURE.name} signed up for ${FIXTURE.merchantName} on 14 Nov 2023 18:22 UTC from IP address ` +
					`${FIXTURE.signupIp}, accepted the Terms of Service version 2023-09 at signup and verified the email ` +
					`address ${FIXTURE.email} three minutes later.`,
				factIds: ["account.signup_at", "account.signup_ip", "account.terms_version", "account.email_verified_at"],
			},
			{
				text:
					`The disputed payment of ${FIXTURE.amountText} on 2 Apr 2024 was authenticated with 3-D Secure and the ` +
					`card's security code check passed. It was made from ${FIXTURE.signupIp}, the address the account had ` +
					"used 1,120 times before.",
				factIds: ["dispute.amount", "charge.created_at", "charge.three_d_secure", "charge.cvc_check", "purchase.ip"],
			},
			{
				text:
					"After the charge the account recorded 593 further events, including report exports and API requests, " +
					"the last on 18 May 2024. Two earlier payments by the same customer were never disputed.",
				factIds: ["usage.after_charge", "usage.last_after_charge_at", "prior.count", "prior.disputed"],
			},
		],
		fields: {
			customer_name: FIXTURE.name,
			customer_email_address: FIXTURE.email,
			customer_purchase_ip: FIXTURE.signupIp,
			product_description: "Team plan of Northwind Analytics, a web analytics product, billed quarterly.",
		},
		...overrides,
	};
}

/** Far more than fits in any evidence document: 5,000 kinds, 2,000 weeks, 20,000 recent events, 5,000 facts. */
export function makeHugeEvidenceCase(): EvidenceCase {
	const c = makeEvidenceCase();
	const usage = c.usage!;
	const start = Date.parse("1986-06-02T00:00:00Z"); // a Monday
	const weekly = Array.from({ length: 2000 }, (_, i) => ({
		weekStart: iso(start + i * 7 * DAY).slice(0, 10),
		count: 50 + ((i * 37) % 400),
	}));
	const byKind = Array.from({ length: 5000 }, (_, i) => ({
		kind: `custom_event_kind_${String(i).padStart(4, "0")}_with_a_rather_long_descriptive_name`,
		count: 10_000 - i,
		firstAt: iso(start + i * DAY),
		lastAt: "2024-05-18T16:40:00.000Z",
		afterCharge: i % 17,
	}));
	const recent = Array.from({ length: 20_000 }, (_, i) => ({
		occurredAt: iso(Date.parse("2024-05-18T16:40:00Z") - i * 60_000),
		kind: byKind[i % byKind.length]!.kind,
		ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
		deviceId: `dev_${i.toString(16).padStart(8, "0")}`,
	}));
	const point = (i: number, prefix: string): AccessPoint => ({
		value: `${prefix}${i}`,
		count: 5000 - i,
		firstAt: iso(start + i * DAY),
		lastAt: "2024-05-18T16:40:00.000Z",
	});
	const huge: EvidenceCase = {
		...c,
		usage: {
			...usage,
			total: weekly.reduce((s, w) => s + w.count, 0),
			byKind,
			weekly,
			recent,
			distinctIps: 180_000,
			distinctDevices: 40_000,
			topIps: Array.from({ length: 2000 }, (_, i) => point(i, "172.16.0.")),
			topDevices: Array.from({ length: 2000 }, (_, i) => point(i, "device_")),
		},
		artifacts: Array.from({ length: 1000 }, (_, i) => ({
			id: `art_${i}`,
			title: `Invoice ${i}`,
			createdAt: iso(start + i * DAY),
			contentType: "application/pdf",
			location: `artifacts/${i}.pdf`,
		})),
		facts: [],
	};
	huge.facts = [
		...factsFor(huge),
		...Array.from({ length: 5000 }, (_, i) =>
			fact(`usage.kind.${i}.count`, `Events of kind ${i}`, 10_000 - i, String(10_000 - i), "merchant_db"),
		),
	];
	return huge;
}

/** A narrative of 30 paragraphs of 50,000 characters each, plus a 20,000-character summary. */
export function makeHugeNarrative(): Narrative {
	const words = "the account kept using the product after the disputed charge and exported reports weekly ";
	const long = (n: number) => words.repeat(Math.ceil(n / words.length)).slice(0, n);
	return makeNarrative({
		summary: long(20_000),
		paragraphs: Array.from({ length: 30 }, (_, i) => ({
			text: `Paragraph ${i + 1}. ${long(50_000)}`,
			factIds: ["usage.total", "usage.after_charge"],
		})),
	});
}

/** The same case with `name` as the customer's and account holder's name, and in the merchant name. */
export function withPersonName(name: string, c: EvidenceCase = makeEvidenceCase()): EvidenceCase {
	return {
		...c,
		merchantName: `${name} Studio`,
		charge: { ...c.charge, billingName: name },
		customer: c.customer ? { ...c.customer, name } : null,
		account: c.account ? { ...c.account, name } : null,
	};
}

/** Strings that must never make a renderer or writer throw. */
export const HOSTILE_STRINGS: readonly (readonly [label: string, value: string])[] = [
	["empty", ""],
	["whitespace only", " \t \n "],
	["control characters", "a\u0000b\u0007c\u001bd\u007fe\u0085f"],
	["lone high surrogate", "name\ud800end"],
	["lone low surrogate", "\udc00start"],
	["reversed surrogates", "x\udc00\ud800y"],
	["right-to-left", "שלום עולם مرحبا بالعالم"],
	["bidi override", "invoice\u202egnp.exe"],
	["zero-width and joiners", "a\u200bb\u200dc\ufeffd 👨‍👩‍👧"],
	["emoji and CJK", "🙂 中文名 日本語 한국어"],
	["combining marks", "Zoe\u0308 e\u0301\u0301\u0301\u0301"],
	["long unbroken", "x".repeat(5000)],
	["long unbroken unicode", "ż".repeat(3000)],
	["html and pdf syntax", "<script>alert(1)</script> ) ( \\ /Type /Catalog %%EOF"],
	["newlines", "line one\r\nline two\rline three\u2028line four"],
	["private use and noncharacters", "\ue000\uffff\ufffe"],
	["astral plane", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𓀀 𝄞"],
];
