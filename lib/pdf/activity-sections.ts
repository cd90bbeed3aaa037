/** Exhibits about what the customer did: use of the service, access history, things made. */
import type { AccessPoint, ArtifactSummary, EvidenceCase, Narrative } from "../evidence/types";
import { formatCount, formatDate, formatShortDateTime, formatStamp, noun, plural } from "../format";
import { CHART_HEIGHT, drawWeeklyChart, weeklySeries } from "./chart";
import { BODY, COLORS, SMALL, type Writer } from "./layout";
import { factById, IP_LIKE, keep, moreLine, present, type Row, type SectionArgs } from "./section-kit";

export function hasUsage({ c }: SectionArgs): boolean {
	const u = c.usage;
	return !!u && (u.total > 0 || u.weekly.length > 0 || u.byKind.length > 0 || u.recent.length > 0);
}

export function usage(w: Writer, { c, limits, given, kinds: labels }: SectionArgs): void {
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

export function hasAccess({ c, n }: SectionArgs): boolean {
	const u = c.usage;
	return (
		purchaseIp(c, n) !== null ||
		(!!u && (u.distinctIps > 0 || u.distinctDevices > 0 || u.topIps.length > 0 || u.topDevices.length > 0))
	);
}

export function access(w: Writer, { c, n, limits, given }: SectionArgs): void {
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

const THUMB_COLUMNS = 3;
const THUMB_GAP = 14;
const THUMB_HEIGHT = 118;

function artifactTitle(a: ArtifactSummary): string {
	return present(a.title) ? a.title : a.id;
}

export function hasThingsMade({ c, ctx, limits }: SectionArgs): boolean {
	const countFact = factById(c, "artifacts.count")?.value;
	const total = Math.max(c.artifacts.length, typeof countFact === "number" ? countFact : 0);
	return total > 0 || (ctx.images ?? []).slice(0, limits.thumbnails).length > 0;
}

/** The heading, its rows and the first row of thumbnails stay on one page. */
export function thumbnailsKeep(w: Writer, { ctx, limits }: SectionArgs): number {
	return (ctx.images ?? []).slice(0, limits.thumbnails).length > 0
		? 50 + 3 * w.lineHeight(BODY) + THUMB_HEIGHT + 2 * w.lineHeight(SMALL) + 12
		: 0;
}

export function thingsMade(w: Writer, { c, limits, ctx, clip }: SectionArgs): void {
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
			// "the latest image" for one, "the latest 3 images" for more: never "the latest 1 images".
			images.length === 1 ? `the latest ${noun(1, "image")}` : `the latest ${plural(images.length, "image")}`,
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
		if (missing > 0) w.note(`${plural(missing, "image")} could not be shown.`);
	}
}
