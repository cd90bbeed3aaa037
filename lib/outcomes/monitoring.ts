import { and, desc, gte, lt, notInArray, notLike, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { charges, disputes, earlyFraudWarnings } from "../../schema";
import type { Db } from "../db/client";

/**
 * The card networks' monitoring programmes, as the networks count them — the one table every ratio figure,
 * gauge and warning of rebuttal reads. Figures as reported by the networks' published programme guides; change
 * them here (and in the README's table) when a network changes its rules.
 *
 * - Visa VAMP: (fraud reports + disputes) / settled card-not-present sales of the same month. rebuttal uses Radar
 *   early fraud warnings as the proxy for fraud reports (TC40), so a fraud dispute that had a warning counts twice,
 *   as it does for Visa. A merchant is "excessive" at the ratio only with at least `minCount` counts in the month.
 * - Mastercard ECP: this month's chargebacks over last month's transactions; ECM at 100–299 chargebacks and
 *   1.5 %–2.99 %, HECM at 300 or more and 3 % or more.
 */
export interface MonitoringProgramme {
	id: "visa-vamp" | "mastercard-ecm" | "mastercard-hecm";
	label: string;
	network: "visa" | "mastercard";
	/** The ratio at which the programme applies. */
	ratio: number;
	/** The programme applies only from this many counts in the month. */
	minCount: number;
	/** What is counted over what. */
	counts: "fraud warnings + disputes over the month's sales" | "disputes over the previous month's sales";
	/** First month (`YYYY-MM`) this row applies to; a later row of the same id replaces it. */
	from: string;
}

export const MONITORING_PROGRAMMES: readonly MonitoringProgramme[] = [
	{
		id: "visa-vamp",
		label: "Visa VAMP excessive",
		network: "visa",
		ratio: 0.022,
		minCount: 1500,
		counts: "fraud warnings + disputes over the month's sales",
		from: "2025-04",
	},
	{
		id: "visa-vamp",
		label: "Visa VAMP excessive",
		network: "visa",
		ratio: 0.015,
		minCount: 1500,
		counts: "fraud warnings + disputes over the month's sales",
		from: "2026-04",
	},
	{
		id: "mastercard-ecm",
		label: "Mastercard ECM",
		network: "mastercard",
		ratio: 0.015,
		minCount: 100,
		counts: "disputes over the previous month's sales",
		from: "2000-01",
	},
	{
		id: "mastercard-hecm",
		label: "Mastercard HECM",
		network: "mastercard",
		ratio: 0.03,
		minCount: 300,
		counts: "disputes over the previous month's sales",
		from: "2000-01",
	},
];

/** A warning goes out once both the count and the ratio reach this share of a programme's threshold. */
export const APPROACH_SHARE = 0.8;

/** The programmes in force in a month: the latest row of each id whose `from` is not after it. */
export function programmesFor(month: string): MonitoringProgramme[] {
	const current = new Map<string, MonitoringProgramme>();
	for (const p of MONITORING_PROGRAMMES) if (p.from <= month) current.set(p.id, p);
	return [...current.values()];
}

export interface MonthFigures {
	month: string;
	disputes: number;
	fraudWarnings: number;
	charges: number;
	previousCharges: number;
}

export interface ProgrammeStatus {
	programme: MonitoringProgramme;
	count: number;
	denominator: number;
	/** null when rebuttal has recorded no sales for the denominator. */
	ratio: number | null;
	status: "over" | "approaching" | "clear" | "unknown";
	/** How many more counts (at this month's sales) would reach the programme, or 0 when over. */
	headroom: number | null;
}

/** Where a month stands against each programme in force, from its counts alone. */
export function evaluateMonth(m: MonthFigures): ProgrammeStatus[] {
	return programmesFor(m.month).map((programme) => {
		const vamp = programme.id === "visa-vamp";
		const count = vamp ? m.disputes + m.fraudWarnings : m.disputes;
		const denominator = vamp ? m.charges : m.previousCharges;
		if (denominator === 0) return { programme, count, denominator, ratio: null, status: "unknown", headroom: null };
		const ratio = count / denominator;
		const needed = Math.max(programme.minCount, Math.ceil(programme.ratio * denominator - 1e-9));
		const status =
			count >= programme.minCount && ratio >= programme.ratio
				? "over"
				: count >= APPROACH_SHARE * programme.minCount && ratio >= APPROACH_SHARE * programme.ratio
					? "approaching"
					: "clear";
		return { programme, count, denominator, ratio, status, headroom: Math.max(0, needed - count) };
	});
}

const monthOf = (column: SQL | AnyPgColumn) =>
	sql<string>`to_char(date_trunc('month', ${column} at time zone 'UTC'), 'YYYY-MM')`;
const count = sql<number>`count(*)::int`.mapWith(Number);

/** The disputes that count for the networks: chargebacks, not inquiries, and not placeholder rows. */
const countedDispute = and(notLike(disputes.status, "warning_%"), notInArray(disputes.reason, ["unknown"]));

/** `YYYY-MM` of `date` and `back` months before it. */
export function monthsBack(date: Date, back: number): string {
	const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back, 1));
	return d.toISOString().slice(0, 7);
}

/**
 * The last `months` calendar months (oldest first, the current one last) with their counts, each aggregated by
 * Postgres, and where each stands against the programmes. Counted across all card networks together: rebuttal
 * does not split its recorded sales by network, so the figures are an upper bound for each network's own ratio.
 */
export async function monitoringTrend(db: Db, now: Date, months = 6) {
	const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
	const [d, w, c] = await Promise.all([
		db
			.select({ month: monthOf(disputes.createdAt), count })
			.from(disputes)
			.where(and(gte(disputes.createdAt, start), countedDispute))
			.groupBy(monthOf(disputes.createdAt)),
		db
			.select({ month: monthOf(earlyFraudWarnings.warningCreatedAt), count })
			.from(earlyFraudWarnings)
			.where(gte(earlyFraudWarnings.warningCreatedAt, start))
			.groupBy(monthOf(earlyFraudWarnings.warningCreatedAt)),
		db
			.select({ month: monthOf(charges.createdAt), count })
			.from(charges)
			.where(gte(charges.createdAt, start))
			.groupBy(monthOf(charges.createdAt)),
	]);
	const by = (rows: { month: string; count: number }[]) => new Map(rows.map((r) => [r.month, r.count]));
	const [dm, wm, cm] = [by(d), by(w), by(c)];
	return Array.from({ length: months }, (_, i) => {
		const month = monthsBack(now, months - 1 - i);
		const figures: MonthFigures = {
			month,
			disputes: dm.get(month) ?? 0,
			fraudWarnings: wm.get(month) ?? 0,
			charges: cm.get(month) ?? 0,
			previousCharges: cm.get(monthsBack(new Date(`${month}-01T00:00:00Z`), 1)) ?? 0,
		};
		return { ...figures, programmes: evaluateMonth(figures) };
	});
}

/** The disputes and warnings of a month that count, newest first (at most `limit` of each), to name in a notice. */
export async function countedThisMonth(db: Db, month: string, limit = 10) {
	const from = new Date(`${month}-01T00:00:00Z`);
	const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
	const [d, w] = await Promise.all([
		db
			.select({ id: disputes.id })
			.from(disputes)
			.where(and(gte(disputes.createdAt, from), lt(disputes.createdAt, to), countedDispute))
			.orderBy(desc(disputes.createdAt))
			.limit(limit),
		db
			.select({ id: earlyFraudWarnings.id })
			.from(earlyFraudWarnings)
			.where(and(gte(earlyFraudWarnings.warningCreatedAt, from), lt(earlyFraudWarnings.warningCreatedAt, to)))
			.orderBy(desc(earlyFraudWarnings.warningCreatedAt))
			.limit(limit),
	]);
	return { disputes: d.map((r) => r.id), warnings: w.map((r) => r.id) };
}
