/**
 * The content of the evidence PDF, section by section, in the order a bank reviewer reads it. Every section is
 * written only when it has data, and every list is bounded by `Limits`, so the document stays within its page
 * budget whatever the volume of activity; a cut list says how much it left out.
 */
import type { ArtifactImage } from "../evidence/artifact-images";
import type { SupportMessage } from "../evidence/support-messages";
import type { AccessPoint, ArtifactSummary, EvidenceCase, Fact, Narrative } from "../evidence/types";
import { formatCount, formatDate, formatMoney, formatShortDateTime, formatStamp, humanize, yesNo } from "../format";
import type { Limits } from "./budget";
import { omissions } from "./budget";
import { CHART_HEIGHT, drawWeeklyChart, weeklySeries } from "./chart";
import { formatCheck, formatMatch } from "./labels";
import { BODY, COLORS, SMALL, type Writer } from "./layout";
import { truncateText } from "./text";

type Row = readonly [string, unknown];

function present<T>(value: T | null | undefined | ""): value is T {
	return value !== null && value !== undefined && value !== "";
}

function moreLine(w: Writer, shown: number, total: number, noun: string, extra = ""): void {
	if (total > shown) w.note(`… and ${formatCount(total - shown)} more ${noun}${extra}.`);
}

const IP_LIKE = /^[0-9A-Fa-f:.]{3,45}$/;
const SMALL_CAPS = 8.5;

export interface WriteContext {
	maxPages: number;
	/** Thumbnails that may be shown, in order; an image op refers to one by its index here. */
	images?: readonly ArtifactImage[];
	/** Why an artifact's image is not shown, by artifact id. */
	imageNotes?: ReadonlyMap<string, string>;
	/** The latest support messages, newest first. */
	messages?: readonly SupportMessage[];
}

export function writeEvidence(w: Writer, c: EvidenceCase, n: Narrative, limits: Limits, ctx: WriteContext): void {
	const clip = (v: unknown) => truncateText(w.shaper.clean(v, true), limits.valueChars);
	cover(w, c, n, limits, ctx, clip);
	writtenCase(w, n, limits);
	identity(w, c, clip);
	transaction(w, c, clip);
	usage(w, c, limits);
	access(w, c, n, limits);
	thingsMade(w, c, limits, ctx, clip);
	policies(w, c, n, limits, clip);
	priorPayments(w, c);
	communications(w, c, limits, ctx);
	factIndex(w, c, n, limits);
}

function cover(
	w: Writer,
	c: EvidenceCase,
	n: Narrative,
	limits: Limits,
	ctx: WriteContext,
	clip: (v: unknown) => string,
): void {
	const d = c.dispute;
	w.paragraph(d.isInquiry ? "INQUIRY RESPONSE" : "DISPUTE EVIDENCE", {
		font: "bold",
		size: SMALL_CAPS,
		color: COLORS.accent,
	});
	w.space(2);
	w.paragraph(truncateText(w.shaper.clean(c.merchantName), 120), { font: "bold", size: 22, color: COLORS.heading });
	w.space(2);
	w.paragraph(`Response to ${d.isInquiry ? "inquiry" : "dispute"} ${d.id}`, { size: 11, color: COLORS.muted });
	w.space(12);
	const card = [c.charge.cardBrand ?? d.cardBrand, c.charge.cardLast4 ? `•••• ${c.charge.cardLast4}` : null]
		.filter(present)
		.map((s) => humanize(String(s)));
	const rows: Row[] = [
		["Dispute", d.id],
		["Amount disputed", formatMoney(d.amount, d.currency)],
		["Reason", humanize(d.reason)],
	];
	if (present(d.networkReasonCode)) rows.push(["Network reason code", d.networkReasonCode]);
	rows.push(["Disputed charge", `${c.charge.id}, ${formatStamp(c.charge.createdAt)}`]);
	if (card.length > 0) rows.push(["Card", card.join(" ")]);
	if (present(d.dueBy)) rows.push(["Respond by", formatStamp(d.dueBy)]);
	rows.push(["Dispute opened", formatStamp(d.createdAt)]);
	w.keyValues(rows.map(([k, v]) => [k, clip(v)] as const));
	if (present(n.summary?.trim())) {
		w.subheading("Summary");
		w.callout(truncateText(w.shaper.clean(n.summary, true), limits.summaryChars));
	}
	const left = omissions(c, limits, ctx.images?.length ?? 0);
	if (left.length > 0) {
		w.space(6);
		w.note(
			`To stay within ${formatCount(ctx.maxPages)} pages, this document leaves out ${left.join(", ")}. ` +
				"Long lists are cut and marked where they are cut; the full records are available on request.",
		);
	}
}

function writtenCase(w: Writer, n: Narrative, limits: Limits): void {
	const paragraphs = (n.paragraphs ?? []).filter((p) => present(p?.text?.trim()));
	if (paragraphs.length === 0) return;
	w.heading("The case");
	let budget = limits.narrativeChars;
	let shown = 0;
	for (const p of paragraphs) {
		if (shown >= limits.paragraphs || budget < 80) break;
		const text = truncateText(w.shaper.clean(p.text, true), Math.min(limits.paragraphChars, budget));
		budget -= Math.min(Array.from(p.text).length, limits.paragraphChars);
		w.paragraph(text, { size: BODY + 0.5 });
		const ids = (p.factIds ?? []).filter((id) => typeof id === "string" && id.length > 0);
		if (ids.length > 0) {
			w.paragraph(truncateText(`Facts cited: ${ids.join(", ")}`, 600), { size: SMALL - 0.5, color: COLORS.muted });
		}
		w.space(7);
		shown++;
	}
	moreLine(w, shown, paragraphs.length, "paragraphs", " left out to respect the page limit");
}

function identity(w: Writer, c: EvidenceCase, clip: (v: unknown) => string): void {
	const cust = c.customer;
	const acct = c.account;
	if (!cust && !acct) return;
	w.heading("Customer and account identity");
	if (acct) {
		w.subheading("Account in the merchant's records");
		const rows: Row[] = [["Account id", acct.id]];
		if (present(acct.name)) rows.push(["Name", acct.name]);
		if (present(acct.email)) rows.push(["Email", acct.email]);
		if (present(acct.createdAt)) rows.push(["Signed up", formatStamp(acct.createdAt)]);
		if (present(acct.signupIp)) rows.push(["Signup IP address", acct.signupIp]);
		if (present(acct.signupUserAgent)) rows.push(["Signup browser", acct.signupUserAgent]);
		if (present(acct.country)) rows.push(["Country", acct.country]);
		rows.push([
			"Email verified",
			present(acct.emailVerifiedAt) ? `Yes, ${formatStamp(acct.emailVerifiedAt)}` : "Not verified",
		]);
		rows.push(["Matched to the payment by", formatMatch(acct.matchedBy)]);
		w.keyValues(rows.map(([k, v]) => [k, clip(v)] as const));
	}
	if (cust) {
		w.subheading("Customer in Stripe");
		const rows: Row[] = [["Customer id", cust.id]];
		if (present(cust.name)) rows.push(["Name", cust.name]);
		if (present(cust.email)) rows.push(["Email", cust.email]);
		if (present(cust.createdAt)) rows.push(["Customer since", formatStamp(cust.createdAt)]);
		w.keyValues(rows.map(([k, v]) => [k, clip(v)] as const));
	}
}

function transaction(w: Writer, c: EvidenceCase, clip: (v: unknown) => string): void {
	const ch = c.charge;
	w.heading("The transaction");
	const rows: Row[] = [
		["Charge id", ch.id],
		["Amount", formatMoney(ch.amount, ch.currency)],
		["Date", formatStamp(ch.createdAt)],
	];
	if (present(ch.description)) rows.push(["Description", ch.description]);
	if (present(ch.statementDescriptor)) rows.push(["Statement descriptor", ch.statementDescriptor]);
	if (present(ch.cardBrand) || present(ch.cardLast4)) {
		rows.push([
			"Card",
			[humanize(ch.cardBrand), ch.cardLast4 ? `•••• ${ch.cardLast4}` : null].filter(present).join(" "),
		]);
	}
	if (present(ch.cardCountry)) rows.push(["Card issued in", ch.cardCountry]);
	rows.push(["Address check (AVS), line 1", formatCheck(ch.checks?.addressLine1)]);
	rows.push(["Address check (AVS), postal code", formatCheck(ch.checks?.addressPostalCode)]);
	rows.push(["Security code (CVC) check", formatCheck(ch.checks?.cvc)]);
	rows.push(["3-D Secure", present(ch.threeDSecure) ? humanize(ch.threeDSecure) : "Not used"]);
	if (present(ch.wallet)) rows.push(["Wallet", humanize(ch.wallet)]);
	if (present(ch.billingName)) rows.push(["Billing name", ch.billingName]);
	if (present(ch.billingEmail)) rows.push(["Billing email", ch.billingEmail]);
	if (present(ch.receiptEmail)) rows.push(["Receipt sent to", ch.receiptEmail]);
	const place = [ch.billingPostalCode, ch.billingCountry].filter(present).join(", ");
	if (place) rows.push(["Billing postal code, country", place]);
	rows.push([
		"Refunded",
		ch.refunded || ch.amountRefunded > 0 ? `Yes, ${formatMoney(ch.amountRefunded, ch.currency)}` : "No",
	]);
	w.keyValues(
		rows.map(([k, v]) => [k, clip(v)] as const),
		170,
	);
}

function usage(w: Writer, c: EvidenceCase, limits: Limits): void {
	const u = c.usage;
	if (!u) return;
	const has = u.total > 0 || u.weekly.length > 0 || u.byKind.length > 0 || u.recent.length > 0;
	if (!has) return;
	w.heading("Product usage");
	const rows: Row[] = [["Events recorded", formatCount(u.total)]];
	if (present(u.firstAt)) rows.push(["First activity", formatStamp(u.firstAt)]);
	if (present(u.lastAt)) rows.push(["Last activity", formatStamp(u.lastAt)]);
	rows.push(["Events after the disputed charge", formatCount(u.afterCharge)]);
	if (present(u.lastAfterChargeAt)) rows.push(["Last activity after the charge", formatStamp(u.lastAfterChargeAt)]);
	w.keyValues(rows, 190);

	if (u.weekly.length > 0) {
		const series = weeklySeries(u.weekly, c.charge.createdAt, limits.bars);
		if (series.bars.length > 0) {
			w.subheading("Weekly activity", CHART_HEIGHT);
			drawWeeklyChart(w, series);
		}
	}

	if (u.byKind.length > 0) {
		w.subheading("Usage by kind");
		const kinds = [...u.byKind].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
		const shown = kinds.slice(0, limits.kinds);
		w.table(
			[
				{ header: "Kind", width: 34, wrap: true },
				{ header: "Count", width: 11, align: "right" },
				{ header: "First (UTC)", width: 20 },
				{ header: "Last (UTC)", width: 20 },
				{ header: "After charge", width: 15, align: "right" },
			],
			shown.map((k) => [
				k.kind,
				formatCount(k.count),
				formatShortDateTime(k.firstAt),
				formatShortDateTime(k.lastAt),
				formatCount(k.afterCharge),
			]),
		);
		const rest = kinds.slice(limits.kinds).reduce((s, k) => s + (Number.isFinite(k.count) ? k.count : 0), 0);
		moreLine(w, shown.length, kinds.length, "kinds", ` (${formatCount(rest)} events)`);
	}

	if (limits.recent > 0 && u.recent.length > 0) {
		w.subheading("Recent activity");
		const shown = u.recent.slice(0, limits.recent);
		w.table(
			[
				{ header: "Time (UTC)", width: 22 },
				{ header: "Kind", width: 30 },
				{ header: "IP address", width: 22 },
				{ header: "Device", width: 26 },
			],
			shown.map((r) => [formatShortDateTime(r.occurredAt), r.kind, r.ip ?? "—", r.deviceId ?? "—"]),
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

function purchaseIpSeen(c: EvidenceCase, purchase: string, signupIp: string | null): string {
	const u = c.usage;
	const before = factById(c, "purchase.ip_seen_before");
	if (before && typeof before.value === "boolean") {
		if (!before.value) return "No earlier account activity from this address";
		const prior = factById(c, "purchase.ip_prior_count");
		const first = factById(c, "purchase.ip_first_seen_at");
		const count = typeof prior?.value === "number" ? `${formatCount(prior.value)} earlier events` : "Yes";
		return `${count}${first?.display ? `, first seen ${first.display}` : ""}`;
	}
	const top = u?.topIps.find((p) => p.value === purchase);
	if (top) return `Yes: ${formatCount(top.count)} events from ${formatDate(top.firstAt)} to ${formatDate(top.lastAt)}`;
	if (purchase === signupIp) return "Yes: it is the signup IP address";
	if (u?.recent.some((r) => r.ip === purchase)) return "Yes: in the recent activity";
	return `Not among the ${formatCount(u?.topIps.length ?? 0)} most used addresses listed`;
}

function access(w: Writer, c: EvidenceCase, n: Narrative, limits: Limits): void {
	const u = c.usage;
	const purchase = purchaseIp(c, n);
	const has =
		purchase !== null ||
		(u !== null && (u.distinctIps > 0 || u.distinctDevices > 0 || u.topIps.length > 0 || u.topDevices.length > 0));
	if (!has) return;
	w.heading("Access history");
	const signupIp = c.account?.signupIp ?? null;
	const rows: Row[] = [];
	if (u) {
		rows.push(["Distinct IP addresses", formatCount(u.distinctIps)]);
		rows.push(["Distinct devices", formatCount(u.distinctDevices)]);
	}
	if (purchase) {
		rows.push(["IP address of the purchase", purchase]);
		const source = factById(c, "purchase.ip_source");
		if (source?.display) rows.push(["Purchase IP taken from", source.display]);
		rows.push(["Purchase IP seen before", purchaseIpSeen(c, purchase, signupIp)]);
		if (signupIp) rows.push(["Purchase IP is the signup IP", yesNo(purchase === signupIp)]);
	}
	w.keyValues(rows, 190);
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

function priorPayments(w: Writer, c: EvidenceCase): void {
	const p = c.priorPayments;
	if (!p || !(p.count > 0)) return;
	w.heading("Prior payments");
	const rows: Row[] = [
		["Payments before the disputed charge", formatCount(p.count)],
		["Total paid", formatMoney(p.total, p.currency)],
		["Disputed", formatCount(p.disputed)],
		["Refunded", formatCount(p.refunded)],
	];
	if (present(p.firstAt)) rows.push(["First payment", formatStamp(p.firstAt)]);
	if (present(p.lastAt)) rows.push(["Most recent payment", formatStamp(p.lastAt)]);
	w.keyValues(rows, 190);
}

const THUMB_COLUMNS = 3;
const THUMB_GAP = 14;
const THUMB_HEIGHT = 118;

function artifactTitle(a: ArtifactSummary): string {
	return present(a.title) ? a.title : a.id;
}

function thingsMade(w: Writer, c: EvidenceCase, limits: Limits, ctx: WriteContext, clip: (v: unknown) => string): void {
	const images = (ctx.images ?? []).slice(0, limits.thumbnails);
	const countFact = factById(c, "artifacts.count")?.value;
	const total = Math.max(c.artifacts.length, typeof countFact === "number" ? countFact : 0);
	if (total === 0 && images.length === 0) return;
	// Keep the heading and its rows on the page of the first row of thumbnails.
	if (images.length > 0) w.ensure(50 + 3 * w.lineHeight(BODY) + THUMB_HEIGHT + 2 * w.lineHeight(SMALL) + 12);
	w.heading("Things the customer made");
	const rows: Row[] = [["Things made with the product", formatCount(total)]];
	const latest = c.artifacts.find((a) => present(a.createdAt))?.createdAt;
	if (latest) rows.push(["Latest made", formatStamp(latest)]);
	if (images.length > 0) rows.push(["Shown below", `the latest ${formatCount(images.length)} images`]);
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

function policies(w: Writer, c: EvidenceCase, n: Narrative, limits: Limits, clip: (v: unknown) => string): void {
	const acct = c.account;
	const accepted = present(acct?.termsAcceptedAt) || present(acct?.termsVersion);
	const texts = (
		[
			["Cancellation policy", n.fields?.cancellation_policy_disclosure],
			["Refund policy", n.fields?.refund_policy_disclosure],
		] as const
	).filter(([, text]) => present(text?.trim()));
	if (!accepted && texts.length === 0) return;
	w.heading("Policies and their acceptance");
	if (acct && accepted) {
		const rows: Row[] = [];
		const when = present(acct.termsAcceptedAt) ? formatStamp(acct.termsAcceptedAt) : "time not recorded";
		rows.push(["Terms accepted", `${when}${present(acct.termsVersion) ? `, version ${acct.termsVersion}` : ""}`]);
		const at = parseIso(acct.termsAcceptedAt);
		const charge = parseIso(c.charge.createdAt);
		if (at !== null && charge !== null) rows.push(["Accepted before the disputed charge", yesNo(at <= charge)]);
		if (present(acct.signupIp)) rows.push(["Accepted from (signup IP address)", acct.signupIp]);
		w.keyValues(
			rows.map(([k, v]) => [k, clip(v)] as const),
			190,
		);
	}
	for (const [label, text] of texts) {
		w.subheading(label);
		w.paragraph(truncateText(w.shaper.clean(text, true), limits.valueChars * 3));
	}
}

function parseIso(iso: string | null | undefined): number | null {
	if (!present(iso)) return null;
	const t = Date.parse(iso);
	return Number.isNaN(t) ? null : t;
}

function communications(w: Writer, c: EvidenceCase, limits: Limits, ctx: WriteContext): void {
	const kind = c.usage?.byKind.find((k) => k.kind.toLowerCase() === "support_message");
	const messages = ctx.messages ?? [];
	if (!kind && messages.length === 0) return;
	w.heading("Communications");
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

/** Facts the narrative cites come first, in citation order, then the others. */
function orderedFacts(c: EvidenceCase, n: Narrative): Fact[] {
	const byId = new Map<string, Fact>();
	for (const f of c.facts) if (f && !byId.has(f.id)) byId.set(f.id, f);
	const out: Fact[] = [];
	const seen = new Set<string>();
	for (const p of n.paragraphs ?? []) {
		for (const id of p?.factIds ?? []) {
			const f = byId.get(id);
			if (f && !seen.has(id)) {
				seen.add(id);
				out.push(f);
			}
		}
	}
	for (const f of byId.values()) if (!seen.has(f.id)) out.push(f);
	return out;
}

function factIndex(w: Writer, c: EvidenceCase, n: Narrative, limits: Limits): void {
	if (limits.facts === 0 || c.facts.length === 0) return;
	w.heading("Fact index");
	w.paragraph(
		"Every statement in this document rests on these facts, collected by software from Stripe and from the " +
			"merchant's records. The written case cites them by id.",
		{ color: COLORS.muted },
	);
	w.space(4);
	const facts = orderedFacts(c, n);
	const shown = facts.slice(0, limits.facts);
	w.table(
		[
			{ header: "Fact id", width: 30, wrap: true },
			{ header: "Label", width: 27, wrap: true },
			{ header: "Value", width: 33, wrap: true },
			{ header: "Source", width: 10 },
		],
		shown.map((f) => [f.id, f.label, f.display, f.source === "stripe" ? "Stripe" : "Merchant"]),
	);
	moreLine(w, shown.length, facts.length, "facts", " (those cited by the written case are listed first)");
}
