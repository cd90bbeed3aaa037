/**
 * The weekly activity chart: vector bars, one per week (or per group of weeks when the history is long), with
 * the week of the disputed charge marked. Works in O(entries + bars) whatever the date range.
 */
import type { WeeklyActivity } from "../evidence/types";
import { formatCount, formatDate, formatMonth, parseTime, plural } from "../format";
import { COLORS, SMALL, type Writer } from "./layout";

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday; Monday-based week numbers are offset by 3 days. */
const MONDAY_OFFSET = 3 * DAY;

export interface Bar {
	start: Date;
	count: number;
	charge: boolean;
}

export interface WeeklySeries {
	bars: Bar[];
	weeksPerBar: number;
	/** Entries with an unparseable week or count. */
	skipped: number;
	total: number;
}

function weekIndex(time: number): number {
	return Math.floor((time + MONDAY_OFFSET) / WEEK);
}

function weekStart(index: number): Date {
	return new Date(index * WEEK - MONDAY_OFFSET);
}

export function weeklySeries(
	weekly: readonly WeeklyActivity[],
	chargeAt: string | null,
	maxBars: number,
): WeeklySeries {
	const points: { index: number; count: number }[] = [];
	let skipped = 0;
	for (const entry of weekly) {
		const d = parseTime(entry?.weekStart);
		const count = Number(entry?.count);
		if (!d || !Number.isFinite(count) || count < 0) {
			skipped++;
			continue;
		}
		points.push({ index: weekIndex(d.getTime()), count });
	}
	const charge = parseTime(chargeAt);
	const chargeIndex = charge ? weekIndex(charge.getTime()) : null;
	if (points.length === 0) return { bars: [], weeksPerBar: 1, skipped, total: 0 };
	let min = Number.POSITIVE_INFINITY;
	let max = Number.NEGATIVE_INFINITY;
	for (const p of points) {
		min = Math.min(min, p.index);
		max = Math.max(max, p.index);
	}
	if (chargeIndex !== null) {
		min = Math.min(min, chargeIndex);
		max = Math.max(max, chargeIndex);
	}
	const span = max - min + 1;
	const weeksPerBar = Math.max(1, Math.ceil(span / Math.max(1, maxBars)));
	const barCount = Math.ceil(span / weeksPerBar);
	const bars: Bar[] = Array.from({ length: barCount }, (_, i) => ({
		start: weekStart(min + i * weeksPerBar),
		count: 0,
		charge: false,
	}));
	let total = 0;
	for (const p of points) {
		bars[Math.floor((p.index - min) / weeksPerBar)]!.count += p.count;
		total += p.count;
	}
	if (chargeIndex !== null) bars[Math.floor((chargeIndex - min) / weeksPerBar)]!.charge = true;
	return { bars, weeksPerBar, skipped, total };
}

/** A "nice" axis maximum (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`. */
function niceMax(value: number): number {
	if (value <= 0) return 1;
	const exp = 10 ** Math.floor(Math.log10(value));
	for (const step of [1, 2, 2.5, 5, 10]) {
		if (step * exp >= value) return step * exp;
	}
	return 10 * exp;
}

export const CHART_HEIGHT = 150 + 30 + 18;

export function drawWeeklyChart(w: Writer, series: WeeklySeries): void {
	const height = 150;
	w.ensure(CHART_HEIGHT);
	const axisLeft = w.left + 40;
	const chartWidth = w.width - 44;
	const top = w.y - 14;
	const bottom = top - height;
	const peak = series.bars.reduce((m, b) => Math.max(m, b.count), 0);
	const yMax = niceMax(peak);
	const muted = COLORS.muted;

	// Grid lines and y labels.
	for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
		const y = bottom + height * fraction;
		w.push({
			kind: "line",
			x1: axisLeft,
			y1: y,
			x2: axisLeft + chartWidth,
			y2: y,
			color: fraction === 0 ? COLORS.muted : COLORS.rule,
			width: fraction === 0 ? 0.8 : 0.4,
		});
		const label = formatCount(yMax * fraction);
		const lw = w.shaper.width(label, "regular", SMALL - 1);
		w.push({
			kind: "text",
			x: axisLeft - 5 - lw,
			y: y - 2.5,
			text: label,
			font: "regular",
			size: SMALL - 1,
			color: muted,
		});
	}

	const n = series.bars.length;
	const slot = chartWidth / Math.max(1, n);
	const gap = slot > 4 ? Math.min(slot * 0.25, 3) : 0;
	series.bars.forEach((bar, i) => {
		const x = axisLeft + i * slot + gap / 2;
		const h = (bar.count / yMax) * height;
		if (bar.charge) {
			w.push({
				kind: "rect",
				x: axisLeft + i * slot,
				y: bottom,
				width: Math.max(slot, 1),
				height: height,
				fill: [0.99, 0.93, 0.9],
			});
		}
		if (h > 0) {
			w.push({
				kind: "rect",
				x,
				y: bottom,
				width: Math.max(slot - gap, 0.6),
				height: Math.max(h, 0.8),
				fill: bar.charge ? COLORS.accent : COLORS.bar,
			});
		}
	});

	// Marker and label for the disputed charge.
	const chargeAt = series.bars.findIndex((b) => b.charge);
	if (chargeAt >= 0) {
		const cx = axisLeft + (chargeAt + 0.5) * slot;
		w.push({ kind: "line", x1: cx, y1: bottom, x2: cx, y2: top + 2, color: COLORS.accent, width: 0.8 });
		const label = "Disputed charge";
		const lw = w.shaper.width(label, "bold", SMALL - 0.5);
		const lx = Math.min(Math.max(cx - lw / 2, axisLeft), axisLeft + chartWidth - lw);
		w.push({ kind: "text", x: lx, y: top + 5, text: label, font: "bold", size: SMALL - 0.5, color: COLORS.accent });
	}

	// X labels: first, middle and last bar.
	const picks = n <= 1 ? [0] : n === 2 ? [0, 1] : [0, Math.floor((n - 1) / 2), n - 1];
	for (const i of picks) {
		const bar = series.bars[i];
		if (!bar) continue;
		const label = series.weeksPerBar >= 8 ? formatMonth(bar.start) : formatDate(bar.start.toISOString());
		const lw = w.shaper.width(label, "regular", SMALL - 1);
		const cx = axisLeft + (i + 0.5) * slot;
		const lx = Math.min(Math.max(cx - lw / 2, axisLeft), axisLeft + chartWidth - lw);
		w.push({ kind: "text", x: lx, y: bottom - 11, text: label, font: "regular", size: SMALL - 1, color: muted });
	}
	w.y = bottom - 18;
	const per = series.weeksPerBar === 1 ? "Events per week" : `Events per ${series.weeksPerBar}-week period`;
	const skipped =
		series.skipped > 0
			? ` ${plural(series.skipped, "malformed week entry", "malformed week entries")} ${series.skipped === 1 ? "was" : "were"} left out.`
			: "";
	const marked = chargeAt >= 0 ? " The highlighted bar contains the disputed charge." : "";
	w.note(`${per} (weeks start on Monday, UTC); ${plural(series.total, "event")} in total.${marked}${skipped}`);
}
