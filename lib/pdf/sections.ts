/**
 * The exhibits of the evidence report, in the order a bank reviewer reads them after the cover letter. Every
 * section is printed only when it has something the letter did not already say, and every list is bounded by
 * `Limits`, so the document stays within its page budget whatever the volume of activity; a cut list says how
 * much it left out.
 */
import { ActivityKinds } from "../evidence/kinds";
import type { EvidenceCase, Narrative } from "../evidence/types";
import { formatCount, formatMoney, formatStamp, humanize } from "../format";
import { letterPoints } from "../narrative/decisive-points";
import { EXHIBIT_TITLES } from "../narrative/letter";
import { access, hasAccess, hasThingsMade, hasUsage, thingsMade, thumbnailsKeep, usage } from "./activity-sections";
import type { Limits } from "./budget";
import { omissions } from "./budget";
import { exhibitList } from "./exhibits";
import { formatCheck, formatMatch } from "./labels";
import { BODY, COLORS, SMALL, type Writer } from "./layout";
import { LETTER_HEADER_FACTS, writeLetter } from "./letter-page";
import {
	keep,
	type LetterRecord,
	moreLine,
	present,
	type Row,
	type Section,
	type SectionArgs,
	type WriteContext,
} from "./section-kit";
import { truncateText } from "./text";

export type { LetterRecord, WriteContext } from "./section-kit";

const SECTIONS: readonly Section[] = [
	{ key: "case", title: EXHIBIT_TITLES.case, has: (a) => caseParagraphs(a.n).length > 0, write: writtenCase },
	{ key: "account", title: EXHIBIT_TITLES.account, has: (a) => identityRows(a).length > 0, write: identity },
	{ key: "transaction", title: EXHIBIT_TITLES.transaction, has: () => true, write: transaction },
	{ key: "usage", title: EXHIBIT_TITLES.usage, has: hasUsage, write: usage },
	{ key: "access", title: EXHIBIT_TITLES.access, has: hasAccess, write: access },
	{ key: "made", title: EXHIBIT_TITLES.made, has: hasThingsMade, keep: thumbnailsKeep, write: thingsMade },
	{ key: "policies", title: EXHIBIT_TITLES.policies, has: hasPolicies, write: policies },
	{ key: "payments", title: EXHIBIT_TITLES.payments, has: (a) => priorRows(a).length > 0, write: priorPayments },
	{ key: "communications", title: EXHIBIT_TITLES.communications, has: hasCommunications, write: communications },
];

/**
 * Page 1 is the cover letter; every later section is a numbered exhibit it refers to. Returns what the letter
 * stated, for the dispute's record.
 */
export function writeEvidence(
	w: Writer,
	c: EvidenceCase,
	n: Narrative,
	limits: Limits,
	ctx: WriteContext,
	reportField: string,
): LetterRecord {
	const clip = (v: unknown) => truncateText(w.shaper.clean(v, true), limits.valueChars);
	const points = letterPoints(c, ctx.ce3);
	const given = new Set<string>([...LETTER_HEADER_FACTS, ...points.flatMap((p) => p.factIds)]);
	const args: SectionArgs = { c, n, limits, ctx, clip, given, kinds: new ActivityKinds(c.activityKinds) };
	const printed = SECTIONS.filter((s) => s.has(args));
	const exhibits = exhibitList(printed, reportField, ctx.documents ?? []);
	writeLetter(w, c, n, {
		points,
		exhibits,
		omitted: omissions(c, limits, ctx.images?.length ?? 0),
		maxPages: ctx.maxPages,
	});
	printed.forEach((section, i) => {
		if (i === 0) w.newPage();
		const height = section.keep?.(w, args) ?? 0;
		if (height > 0) w.ensure(height);
		w.heading(`Exhibit ${i + 1} · ${section.title}`);
		section.write(w, args);
	});
	return { points, exhibits };
}

function caseParagraphs(n: Narrative) {
	return (n.paragraphs ?? []).filter((p) => present(p?.text?.trim()));
}

function writtenCase(w: Writer, { n, limits }: SectionArgs): void {
	const paragraphs = caseParagraphs(n);
	let budget = limits.narrativeChars;
	let shown = 0;
	for (const p of paragraphs) {
		if (shown >= limits.paragraphs || budget < 80) break;
		const text = truncateText(w.shaper.clean(p.text, true), Math.min(limits.paragraphChars, budget));
		budget -= Math.min(Array.from(p.text).length, limits.paragraphChars);
		w.paragraph(text, { size: BODY + 0.5 });
		w.space(6);
		shown++;
	}
	moreLine(w, shown, paragraphs.length, "paragraphs", " left out to respect the page limit");
}

function identityRows({ c, given }: SectionArgs): { account: Row[]; customer: Row[] } & { length: number } {
	const acct = c.account;
	const cust = c.customer;
	const account: Row[] = [];
	if (acct) {
		account.push(["Account id", acct.id, "account.id"]);
		if (present(acct.name)) account.push(["Name", acct.name, "account.name"]);
		if (present(acct.email)) account.push(["Email", acct.email, "account.email"]);
		if (present(acct.createdAt)) account.push(["Signed up", formatStamp(acct.createdAt), "account.signup_at"]);
		if (present(acct.signupIp)) account.push(["Signup IP address", acct.signupIp, "account.signup_ip"]);
		if (present(acct.signupUserAgent)) account.push(["Signup browser", acct.signupUserAgent]);
		if (present(acct.country)) account.push(["Country", acct.country]);
		account.push([
			"Email verified",
			present(acct.emailVerifiedAt) ? `Yes, ${formatStamp(acct.emailVerifiedAt)}` : "Not verified",
			present(acct.emailVerifiedAt) ? "account.email_verified_at" : undefined,
		]);
		account.push(["Matched to the payment by", formatMatch(acct.matchedBy)]);
	}
	const customer: Row[] = [];
	if (cust) {
		customer.push(["Customer id", cust.id]);
		if (present(cust.name) && cust.name !== acct?.name) customer.push(["Name", cust.name]);
		if (present(cust.email) && cust.email !== acct?.email) customer.push(["Email", cust.email]);
		if (present(cust.createdAt)) customer.push(["Customer since", formatStamp(cust.createdAt)]);
	}
	const a = keep(account, given);
	const k = keep(customer, given);
	return Object.assign({ account: a, customer: k }, { length: a.length + k.length });
}

function identity(w: Writer, args: SectionArgs): void {
	const { account, customer } = identityRows(args);
	if (account.length > 0) {
		w.subheading("Account in the merchant's records");
		w.keyValues(account.map(([k, v]) => [k, args.clip(v)] as const));
	}
	if (customer.length > 0) {
		w.subheading("Customer in Stripe");
		w.keyValues(customer.map(([k, v]) => [k, args.clip(v)] as const));
	}
}

function transaction(w: Writer, { c, clip, given }: SectionArgs): void {
	const ch = c.charge;
	const rows: Row[] = [
		["Charge id", ch.id, "charge.id"],
		["Amount", formatMoney(ch.amount, ch.currency), "charge.amount"],
		["Date", formatStamp(ch.createdAt), "charge.created_at"],
	];
	if (present(ch.description)) rows.push(["Description", ch.description]);
	if (present(ch.statementDescriptor))
		rows.push(["Statement descriptor", ch.statementDescriptor, "charge.statement_descriptor"]);
	if (present(ch.cardBrand) || present(ch.cardLast4)) {
		rows.push([
			"Card",
			[humanize(ch.cardBrand), ch.cardLast4 ? `•••• ${ch.cardLast4}` : null].filter(present).join(" "),
			"charge.card",
		]);
	}
	if (present(ch.cardCountry)) rows.push(["Card issued in", ch.cardCountry]);
	rows.push(["Address check (AVS), line 1", formatCheck(ch.checks?.addressLine1), "charge.checks.address_line1"]);
	rows.push([
		"Address check (AVS), postal code",
		formatCheck(ch.checks?.addressPostalCode),
		"charge.checks.address_postal_code",
	]);
	rows.push(["Security code (CVC) check", formatCheck(ch.checks?.cvc), "charge.checks.cvc"]);
	rows.push(["3-D Secure", present(ch.threeDSecure) ? humanize(ch.threeDSecure) : "Not used", "charge.three_d_secure"]);
	if (present(ch.wallet)) rows.push(["Wallet", humanize(ch.wallet)]);
	if (present(ch.billingName)) rows.push(["Billing name", ch.billingName]);
	if (present(ch.billingEmail)) rows.push(["Billing email", ch.billingEmail]);
	if (present(ch.receiptEmail)) rows.push(["Receipt sent to", ch.receiptEmail, "charge.receipt_email"]);
	const place = [ch.billingPostalCode, ch.billingCountry].filter(present).join(", ");
	if (place) rows.push(["Billing postal code, country", place]);
	rows.push([
		"Refunded",
		ch.refunded || ch.amountRefunded > 0 ? `Yes, ${formatMoney(ch.amountRefunded, ch.currency)}` : "No",
		ch.amountRefunded > 0 ? "charge.amount_refunded" : undefined,
	]);
	w.keyValues(
		keep(rows, given).map(([k, v]) => [k, clip(v)] as const),
		170,
	);
}

function priorRows({ c, given, ctx }: SectionArgs): Row[] {
	const p = c.priorPayments;
	if (!p || !(p.count > 0)) return [];
	const rows: Row[] = [
		["Payments before the disputed charge", formatCount(p.count), "prior.count"],
		["Total paid", formatMoney(p.total, p.currency), "prior.total"],
		["Disputed", formatCount(p.disputed), "prior.disputed"],
		["Refunded", formatCount(p.refunded), "prior.refunded"],
	];
	if (present(p.firstAt)) rows.push(["First payment", formatStamp(p.firstAt), "prior.first_at"]);
	if (present(p.lastAt)) rows.push(["Most recent payment", formatStamp(p.lastAt), "prior.last_at"]);
	const kept = keep(rows, given);
	// Only what the letter did not say; a lone "Refunded: 0" is not an exhibit.
	if (kept.every(([, , id]) => id === "prior.refunded") && p.refunded === 0 && !ctx.ce3) return [];
	return kept;
}

function priorPayments(w: Writer, args: SectionArgs): void {
	const rows = priorRows(args);
	w.keyValues(rows, 190);
	const ce3 = args.ctx.ce3;
	if (ce3) {
		w.note(
			`Visa Compelling Evidence 3.0: the earlier undisputed payments ${ce3.priorCharges.join(" and ")} share ` +
				"the elements named in the letter with the disputed payment; the details are in the enhanced evidence sent with this response.",
		);
	}
}

function hasPolicies({ c, n }: SectionArgs): boolean {
	return policyTexts(n).length > 0 || present(c.account?.termsAcceptedAt) || present(c.account?.termsVersion);
}

function policyTexts(n: Narrative) {
	return (
		[
			["Cancellation policy", n.fields?.cancellation_policy_disclosure],
			["Refund policy", n.fields?.refund_policy_disclosure],
		] as const
	).filter(([, text]) => present(text?.trim()));
}

function policies(w: Writer, { c, n, limits, clip }: SectionArgs): void {
	const acct = c.account;
	const accepted = present(acct?.termsAcceptedAt) || present(acct?.termsVersion);
	if (acct && accepted) {
		const rows: Row[] = [];
		const when = present(acct.termsAcceptedAt) ? formatStamp(acct.termsAcceptedAt) : "time not recorded";
		rows.push(["Terms accepted", `${when}${present(acct.termsVersion) ? `, version ${acct.termsVersion}` : ""}`]);
		const at = parseIso(acct.termsAcceptedAt);
		const charge = parseIso(c.charge.createdAt);
		if (at !== null && charge !== null && at <= charge) rows.push(["Accepted before the disputed charge", "Yes"]);
		if (present(acct.signupIp)) rows.push(["Accepted from (signup IP address)", acct.signupIp]);
		w.keyValues(
			rows.map(([k, v]) => [k, clip(v)] as const),
			190,
		);
	}
	for (const [label, text] of policyTexts(n)) {
		w.subheading(label);
		w.paragraph(truncateText(w.shaper.clean(text, true), limits.valueChars * 3));
	}
}

function parseIso(iso: string | null | undefined): number | null {
	if (!present(iso)) return null;
	const t = Date.parse(iso);
	return Number.isNaN(t) ? null : t;
}

function supportKind(c: EvidenceCase) {
	return c.usage?.byKind.find((k) => k.kind.toLowerCase() === "support_message");
}

function hasCommunications({ c, ctx }: SectionArgs): boolean {
	return !!supportKind(c) || (ctx.messages ?? []).length > 0;
}

function communications(w: Writer, { c, limits, ctx }: SectionArgs): void {
	const kind = supportKind(c);
	const messages = ctx.messages ?? [];
	const rows: Row[] = [];
	if (kind) {
		rows.push(["Messages to support", formatCount(kind.count)]);
		rows.push(["First message", formatStamp(kind.firstAt)]);
		rows.push(["Latest message", formatStamp(kind.lastAt)]);
		rows.push(["Messages after the disputed charge", formatCount(kind.afterCharge)]);
	} else {
		rows.push(["Latest message", formatStamp(messages[0]?.occurredAt)]);
	}
	w.keyValues(rows, 190);
	const shown = messages.slice(0, limits.messages).filter((m) => present(m.text?.trim()));
	if (shown.length === 0) return;
	w.subheading("Latest messages, quoted as the customer wrote them");
	for (const m of shown) {
		const head = `${formatStamp(m.occurredAt)}${present(m.channel) ? ` · ${humanize(m.channel)}` : ""}`;
		w.paragraph(head, { size: SMALL, color: COLORS.muted });
		const text = truncateText(w.shaper.clean(m.text, true), Math.min(limits.valueChars * 2, 600));
		w.paragraph(`“${text}”`, { indent: 12 });
		w.space(4);
	}
	moreLine(w, shown.length, kind?.count ?? messages.length, "messages");
}
