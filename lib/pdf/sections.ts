/**
 * The exhibits of the evidence report, in the order a bank reviewer reads them after the cover letter. Every
 * section is printed only when it has something the letter did not already say, and every list is bounded by
 * `Limits`, so the document stays within its page budget whatever the volume of activity; a cut list says how
 * much it left out.
 */
import type { ArtifactImage } from "../evidence/artifact-images";
import { ActivityKinds } from "../evidence/kinds";
import type { SupportMessage } from "../evidence/support-messages";
import type { AccessPoint, ArtifactSummary, EvidenceCase, Fact, Narrative } from "../evidence/types";
import { formatCount, formatDate, formatMoney, formatShortDateTime, formatStamp, humanize, plural } from "../format";
import { type Ce3Summary, type ExhibitKey, type LetterPoint, letterPoints } from "../narrative/letter";
import type { Limits } from "./budget";
import { omissions } from "./budget";
import { CHART_HEIGHT, drawWeeklyChart, weeklySeries } from "./chart";
import { type Exhibit, type ExtraDocument, exhibitList } from "./exhibits";
import { formatCheck, formatMatch } from "./labels";
import { BODY, COLORS, SMALL, type Writer } from "./layout";
import { LETTER_HEADER_FACTS, writeLetter } from "./letter-page";
import { truncateText } from "./text";

/** A key/value row and, when it states a fact, the fact's id: a row whose fact the letter already gave is left out. */
type Row = readonly [string, unknown, string?];

function present<T>(value: T | null | undefined | ""): value is T {
	return value !== null && value !== undefined && value !== "";
}

function moreLine(w: Writer, shown: number, total: number, noun: string, extra = ""): void {
	if (total > shown) w.note(`… and ${formatCount(total - shown)} more ${noun}${extra}.`);
}

const IP_LIKE = /^[0-9A-Fa-f:.]{3,45}$/;

export interface WriteContext {
	maxPages: number;
	/** Thumbnails that may be shown, in order; an image op refers to one by its index here. */
	images?: readonly ArtifactImage[];
	/** Why an artifact's image is not shown, by artifact id. */
	imageNotes?: ReadonlyMap<string, string>;
	/** The latest support messages, newest first. */
	messages?: readonly SupportMessage[];
	/** Visa CE 3.0, when it qualified. */
	ce3?: Ce3Summary | null;
	/** Documents uploaded besides the report, listed as exhibits after its own sections. */
	documents?: readonly ExtraDocument[];
}

/** What a rendering put on page 1, for the dispute's record (the ids are never printed). */
export interface LetterRecord {
	points: LetterPoint[];
	exhibits: Exhibit[];
}

interface SectionArgs {
	c: EvidenceCase;
	n: Narrative;
	limits: Limits;
	ctx: WriteContext;
	clip: (v: unknown) => string;
	/** Fact ids the letter stated: tables leave these rows out. */
	given: ReadonlySet<string>;
	kinds: ActivityKinds;
}

interface Section {
	key: ExhibitKey;
	title: string;
	/** True when the section has something to print that the letter did not already say. */
	has(a: SectionArgs): boolean;
	/** Height to keep on one page with the heading (thumbnails). */
	keep?(w: Writer, a: SectionArgs): number;
	write(w: Writer, a: SectionArgs): void;
}

const keep = (rows: readonly Row[], given: ReadonlySet<string>): Row[] =>
	rows.filter(([, , id]) => !id || !given.has(id));

const SECTIONS: readonly Section[] = [
	{ key: "case", title: "The case in full", has: (a) => caseParagraphs(a.n).length > 0, write: writtenCase },
	{ key: "account", title: "The customer and the account", has: (a) => identityRows(a).length > 0, write: identity },
	{ key: "transaction", title: "The payment", has: () => true, write: transaction },
	{ key: "usage", title: "Use of the service", has: hasUsage, write: usage },
	{ key: "access", title: "Access history", has: hasAccess, write: access },
	{ key: "made", title: "Things the customer made", has: hasThingsMade, keep: thumbnailsKeep, write: thingsMade },
	{ key: "policies", title: "Terms and policies", has: hasPolicies, write: policies },
	{ key: "payments", title: "Earlier payments", has: (a) => priorRows(a).length > 0, write: priorPayments },
	{ key: "communications", title: "Messages from the customer", has: hasCommunications, write: communications },
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

function hasUsage({ c }: SectionArgs): boolean {
	const u = c.usage;
	return !!u && (u.total > 0 || u.weekly.length > 0 || u.byKind.length > 0 || u.recent.length > 0);
}

function usage(w: Writer, { c, limits, given, kinds: labels }: SectionArgs): void {
	const u = c.usage;
	if (!u) return;
	const rows: Row[] = [["Events recorded", formatCount(u.total), "usage.total"]];
	if (present(u.firstAt)) rows.push(["First activity", formatStamp(u.firstAt), "usage.first_at"]);
	if (present(u.lastAt)) rows.push(["Last activity", formatStamp(u.lastAt), "usage.last_at"]);
	rows.push(["Events after the disputed charge", formatCount(u.afterCharge), "usage.after_charge"]);
	if (present(u.lastAfterChargeAt))
		rows.push(["Last activity after the charge", formatStamp(u.lastAfterChargeAt), "usage.last_after_charge_at"]);
	w.keyValues(keep(rows, given), 190);

	if (u.weekly.length > 0) {
		const series = weeklySeries(u.weekly, c.charge.createdAt, limits.bars);
		if (series.bars.length > 0) {
			w.subheading("Weekly activity", CHART_HEIGHT);
			drawWeeklyChart(w, series);
		}
	}

	if (u.byKind.length > 0) {
		w.subheading("Activity by kind");
		const kinds = [...u.byKind].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
		const shown = kinds.slice(0, limits.kinds);
		// The letter gave the counts after the charge: the table does not repeat them.
		const afterColumn = !given.has("use.after_charge");
		w.table(
			[
				{ header: "Activity", width: 34, wrap: true },
				{ header: "Count", width: 11, align: "right" },
				{ header: "First (UTC)", width: 20 },
				{ header: "Last (UTC)", width: 20 },
				...(afterColumn ? [{ header: "After charge", width: 15, align: "right" as const }] : []),
				{ header: "Use", width: 8 },
			],
			shown.map((k) => [
				labels.title(k.kind),
				formatCount(k.count),
				formatShortDateTime(k.firstAt),
				formatShortDateTime(k.lastAt),
				...(afterColumn ? [formatCount(k.afterCharge)] : []),
				labels.countsAsUse(k.kind) ? "yes" : "no",
			]),
		);
		const rest = kinds.slice(limits.kinds).reduce((s, k) => s + (Number.isFinite(k.count) ? k.count : 0), 0);
		moreLine(w, shown.length, kinds.length, "kinds", ` (${plural(rest, "event")})`);
		w.note("Use: whether the activity is use of the service; logins and messages to support are not counted as use.");
	}

	if (limits.recent > 0 && u.recent.length > 0) {
		w.subheading("Recent activity");
		const shown = u.recent.slice(0, limits.recent);
		w.table(
			[
				{ header: "Time (UTC)", width: 22 },
				{ header: "Activity", width: 30 },
				{ header: "IP address", width: 22 },
				{ header: "Device", width: 26 },
			],
			shown.map((r) => [formatShortDateTime(r.occurredAt), labels.title(r.kind), r.ip ?? "—", r.deviceId ?? "—"]),
		);
		moreLine(w, shown.length, u.recent.length, "events in the sample");
	}
}

function factById(c: EvidenceCase, id: string): Fact | undefined {
	return c.facts.find((f) => f?.id === id);
}

/** The purchase IP from the `purchase.ip` fact, else from the writer's `customer_purchase_ip` field. */
function purchaseIp(c: EvidenceCase, n: Narrative): string | null {
	const fact = factById(c, "purchase.ip")?.value;
	const value = (typeof fact === "string" ? fact : n.fields?.customer_purchase_ip)?.trim();
	return value && IP_LIKE.test(value) ? value : null;
}

/** How the account had used the purchase IP before; null when it had not (never volunteered to the issuer). */
function purchaseIpSeen(c: EvidenceCase, purchase: string, signupIp: string | null): string | null {
	const u = c.usage;
	const before = factById(c, "purchase.ip_seen_before");
	if (before && typeof before.value === "boolean") {
		if (!before.value) return null;
		const prior = factById(c, "purchase.ip_prior_count");
		const first = factById(c, "purchase.ip_first_seen_at");
		const count = typeof prior?.value === "number" ? plural(prior.value, "earlier event") : "Yes";
		return `${count}${first?.display ? `, first seen ${first.display}` : ""}`;
	}
	const top = u?.topIps.find((p) => p.value === purchase);
	if (top) return `Yes: ${plural(top.count, "event")} from ${formatDate(top.firstAt)} to ${formatDate(top.lastAt)}`;
	if (purchase === signupIp) return "Yes: it is the signup IP address";
	if (u?.recent.some((r) => r.ip === purchase)) return "Yes: in the recent activity";
	return null;
}

function hasAccess({ c, n }: SectionArgs): boolean {
	const u = c.usage;
	return (
		purchaseIp(c, n) !== null ||
		(!!u && (u.distinctIps > 0 || u.distinctDevices > 0 || u.topIps.length > 0 || u.topDevices.length > 0))
	);
}

function access(w: Writer, { c, n, limits, given }: SectionArgs): void {
	const u = c.usage;
	const purchase = purchaseIp(c, n);
	const signupIp = c.account?.signupIp ?? null;
	const rows: Row[] = [];
	if (u) {
		rows.push(["Distinct IP addresses", formatCount(u.distinctIps), "access.distinct_ips"]);
		rows.push(["Distinct devices", formatCount(u.distinctDevices), "access.distinct_devices"]);
	}
	if (purchase) {
		rows.push(["IP address of the purchase", purchase]);
		const source = factById(c, "purchase.ip_source");
		if (source?.display) rows.push(["Purchase IP taken from", source.display]);
		const seen = purchaseIpSeen(c, purchase, signupIp);
		if (seen) rows.push(["Purchase IP seen before", seen, "purchase.ip_prior_count"]);
		if (signupIp && purchase === signupIp)
			rows.push(["Purchase IP is the signup IP", "Yes", "purchase.ip_matches_signup"]);
	}
	w.keyValues(keep(rows, given), 190);
	const mark = (p: AccessPoint): string => {
		const notes: string[] = [];
		if (signupIp && p.value === signupIp) notes.push("signup");
		if (purchase && p.value === purchase) notes.push("purchase");
		return notes.join(", ");
	};
	const list = (title: string, points: AccessPoint[], total: number, noun: string): void => {
		if (limits.topAccess === 0 || points.length === 0) return;
		w.subheading(title);
		const shown = points.slice(0, limits.topAccess);
		w.table(
			[
				{ header: noun === "IP addresses" ? "IP address" : "Device", width: 32 },
				{ header: "Events", width: 10, align: "right" },
				{ header: "First seen (UTC)", width: 20 },
				{ header: "Last seen (UTC)", width: 20 },
				{ header: "Used for", width: 18 },
			],
			shown.map((p) => [
				p.value,
				formatCount(p.count),
				formatShortDateTime(p.firstAt),
				formatShortDateTime(p.lastAt),
				mark(p),
			]),
		);
		moreLine(w, shown.length, Math.max(total, points.length), noun);
	};
	if (!u) return;
	list("Most used IP addresses", u.topIps, u.distinctIps, "IP addresses");
	list("Most used devices", u.topDevices, u.distinctDevices, "devices");
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

const THUMB_COLUMNS = 3;
const THUMB_GAP = 14;
const THUMB_HEIGHT = 118;

function artifactTitle(a: ArtifactSummary): string {
	return present(a.title) ? a.title : a.id;
}

function hasThingsMade({ c, ctx, limits }: SectionArgs): boolean {
	const countFact = factById(c, "artifacts.count")?.value;
	const total = Math.max(c.artifacts.length, typeof countFact === "number" ? countFact : 0);
	return total > 0 || (ctx.images ?? []).slice(0, limits.thumbnails).length > 0;
}

/** The heading, its rows and the first row of thumbnails stay on one page. */
function thumbnailsKeep(w: Writer, { ctx, limits }: SectionArgs): number {
	return (ctx.images ?? []).slice(0, limits.thumbnails).length > 0
		? 50 + 3 * w.lineHeight(BODY) + THUMB_HEIGHT + 2 * w.lineHeight(SMALL) + 12
		: 0;
}

function thingsMade(w: Writer, { c, limits, ctx, clip }: SectionArgs): void {
	const images = (ctx.images ?? []).slice(0, limits.thumbnails);
	const countFact = factById(c, "artifacts.count")?.value;
	const total = Math.max(c.artifacts.length, typeof countFact === "number" ? countFact : 0);
	if (total === 0 && images.length === 0) return;
	const rows: Row[] = [["Things made with the product", formatCount(total)]];
	const latest = c.artifacts.find((a) => present(a.createdAt))?.createdAt;
	if (latest) rows.push(["Latest made", formatStamp(latest)]);
	if (images.length > 0)
		rows.push([
			"Shown below",
			images.length === 1 ? "the latest image" : `the latest ${formatCount(images.length)} images`,
		]);
	w.keyValues(rows, 190);
	w.space(6);
	const byId = new Map(c.artifacts.map((a) => [a.id, a]));
	const cellWidth = (w.width - (THUMB_COLUMNS - 1) * THUMB_GAP) / THUMB_COLUMNS;
	const captionHeight = w.lineHeight(SMALL) * 2 + 4;
	for (let row = 0; row * THUMB_COLUMNS < images.length; row++) {
		w.ensure(THUMB_HEIGHT + captionHeight + 8);
		const top = w.y;
		images.slice(row * THUMB_COLUMNS, (row + 1) * THUMB_COLUMNS).forEach((img, col) => {
			const index = row * THUMB_COLUMNS + col;
			const x = w.left + col * (cellWidth + THUMB_GAP);
			const scale = Math.min(cellWidth / img.width, THUMB_HEIGHT / img.height, 1e6);
			const width = Math.max(1, img.width * scale);
			const height = Math.max(1, img.height * scale);
			w.push({ kind: "rect", x, y: top - THUMB_HEIGHT, width: cellWidth, height: THUMB_HEIGHT, fill: COLORS.fill });
			w.push({
				kind: "image",
				image: index,
				x: x + (cellWidth - width) / 2,
				y: top - THUMB_HEIGHT + (THUMB_HEIGHT - height) / 2,
				width,
				height,
			});
			const a = byId.get(img.artifactId);
			const title = w.shaper.fit(w.shaper.clean(a ? artifactTitle(a) : img.artifactId), "bold", SMALL, cellWidth);
			const when = w.shaper.fit(
				`${a?.createdAt ? formatShortDateTime(a.createdAt) : "time not recorded"} UTC · ${img.width}×${img.height}`,
				"regular",
				SMALL - 0.5,
				cellWidth,
			);
			w.drawLine(title, x, { font: "bold", size: SMALL, color: COLORS.text }, top - THUMB_HEIGHT - 3);
			w.drawLine(
				when,
				x,
				{ font: "regular", size: SMALL - 0.5, color: COLORS.muted },
				top - THUMB_HEIGHT - 3 - w.lineHeight(SMALL),
			);
		});
		w.y = top - THUMB_HEIGHT - captionHeight - 8;
	}
	const shownIds = new Set(images.map((i) => i.artifactId));
	const notes = ctx.imageNotes ?? new Map<string, string>();
	if (limits.artifacts > 0 && c.artifacts.length > 0) {
		const shown = c.artifacts.slice(0, limits.artifacts);
		w.table(
			[
				{ header: "Thing made", width: 34, wrap: true },
				{ header: "Type", width: 14 },
				{ header: "Created (UTC)", width: 19 },
				{ header: "Image", width: 33, wrap: true },
			],
			shown.map((a) => [
				clip(artifactTitle(a)),
				a.contentType,
				formatShortDateTime(a.createdAt),
				shownIds.has(a.id) ? "Shown above" : (notes.get(a.id) ?? "Not shown"),
			]),
		);
		moreLine(w, shown.length, total, "things made");
	} else {
		const missing = c.artifacts.filter((a) => notes.has(a.id) && !shownIds.has(a.id)).length;
		if (missing > 0) w.note(`${formatCount(missing)} images could not be shown.`);
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
