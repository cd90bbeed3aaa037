import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { queryRows } from "./sql";

/**
 * Where the usage facts read an account's activity from: `summary` when rebuttal's own triggers keep
 * `rebuttal.activity_daily` (schema/activity-summary.ts), else `rows`, straight from `rebuttal.activity` (a
 * merchant's view, or triggers someone removed or disabled). Both give the same figures; the summary reads whole
 * days as a few bucket rows and only the partial days at a range's edges as activity rows.
 */
export type ActivitySource = "summary" | "rows";

/** The triggers migration 0011 creates; the summary counts only while all of them fire, replicas included. */
export const SUMMARY_TRIGGERS = [
	"activity_daily_insert",
	"activity_daily_delete",
	"activity_daily_update",
	"activity_daily_truncate",
] as const;

/** Asked once per assembly: a merchant may replace the table with a view at any time, dropping the triggers. */
export async function activitySource(db: Db): Promise<ActivitySource> {
	const names = sql.join(
		SUMMARY_TRIGGERS.map((n) => sql`${n}`),
		sql`, `,
	);
	const [row] = await queryRows<{ n: number }>(
		db,
		sql`select count(*)::int as n from pg_trigger
		where tgrelid = to_regclass('rebuttal.activity') and tgname in (${names}) and tgenabled = 'A'`,
	);
	return Number(row?.n ?? 0) === SUMMARY_TRIGGERS.length ? "summary" : "rows";
}

/** Which of the activity's columns a span is counted by (`activity_daily.dimension`). */
export type Dimension = "kind" | "ip" | "device";
const COLUMN: Record<Dimension, SQL> = { kind: sql.raw("kind"), ip: sql.raw("ip"), device: sql.raw("device_id") };

/** One end of a time range: the instant, and whether activity exactly at it belongs to the range. */
export interface Bound {
	/** A Date, or an ISO text with the database's microseconds when a bound comes from a row's own time. */
	at: Date | string;
	inclusive: boolean;
}

export interface SpanRange {
	from?: Bound;
	to?: Bound;
}

const DAY_MS = 86_400_000;
const dayOf = (at: Date | string) => {
	const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
	if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${String(at)}`);
	return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
};
const iso = (at: Date | string) => (typeof at === "string" ? at : at.toISOString());
const dateText = (d: Date) => d.toISOString().slice(0, 10);

function rowCondition(range: SpanRange): SQL[] {
	const out: SQL[] = [];
	if (range.from) {
		out.push(
			range.from.inclusive
				? sql`occurred_at >= ${iso(range.from.at)}::timestamptz`
				: sql`occurred_at > ${iso(range.from.at)}::timestamptz`,
		);
	}
	if (range.to) {
		out.push(
			range.to.inclusive
				? sql`occurred_at <= ${iso(range.to.at)}::timestamptz`
				: sql`occurred_at < ${iso(range.to.at)}::timestamptz`,
		);
	}
	return out;
}

/** Activity rows of the account in the range, each as a bucket of one. */
function rowsIn(accountId: string, by: Dimension, range: SpanRange): SQL {
	const where = [sql`account_id = ${accountId}`, ...rowCondition(range)];
	return sql`select ${COLUMN[by]} as value, 1::bigint as events, occurred_at as first_at, occurred_at as last_at
		from rebuttal.activity where ${sql.join(where, sql` and `)}`;
}

/**
 * The account's activity in `range` (no bounds: all of it, rows without a time included) counted by one
 * dimension, as bucket rows of `(value, events, first_at, last_at)` (`value` the row's kind, IP or device, null
 * included): every aggregate over it is `sum(events)`, `min(first_at)`, `max(last_at)`, filtered or grouped by
 * `value`, and is exact with either source. Every row lies in exactly one bucket of each dimension, so totals can
 * be taken over any of them.
 */
export function activitySpan(source: ActivitySource, accountId: string, by: Dimension, range: SpanRange = {}): SQL {
	if (source === "rows") return rowsIn(accountId, by, range);
	const { from, to } = range;
	const fromDay = from && dayOf(from.at);
	const toDay = to && dayOf(to.at);
	if (fromDay && toDay && fromDay.getTime() > toDay.getTime()) return rowsIn(accountId, by, range);
	const days = [sql`account_id = ${accountId}`, sql`dimension = ${by}`];
	if (fromDay) days.push(sql`day > ${dateText(fromDay)}::date`);
	if (toDay) days.push(sql`day < ${dateText(toDay)}::date`);
	const whole = sql`select value, events, first_at, last_at from rebuttal.activity_daily
		where ${sql.join(days, sql` and `)}`;
	// The partial days at the edges, read as rows: from the lower bound to the end of its day, and from the start
	// of the upper bound's day to it (one stretch when both fall on the same day).
	const edges: SQL[] = [];
	if (fromDay && toDay && fromDay.getTime() === toDay.getTime()) {
		edges.push(rowsIn(accountId, by, range));
	} else {
		if (from && fromDay) {
			const endOfDay = new Date(fromDay.getTime() + DAY_MS);
			edges.push(rowsIn(accountId, by, { from, to: { at: endOfDay, inclusive: false } }));
		}
		if (to && toDay) edges.push(rowsIn(accountId, by, { from: { at: toDay, inclusive: true }, to }));
	}
	return sql.join(
		[whole, ...edges].map((part) => sql`(${part})`),
		sql` union all `,
	);
}
