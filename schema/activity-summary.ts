import { bigint, date, text, timestamp, unique } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * The merchant's activity counted per account, UTC day and one dimension at a time: each row of
 * `rebuttal.activity` is counted once under its kind, once under its IP and once under its device (null values
 * included). Kept by triggers on `rebuttal.activity` in the same transaction as every insert, update, delete or
 * truncate (migration 0011), so its counts are exact, never an estimate. Dimensions apart, a day costs as many
 * rows as kinds, IPs and devices together, not their product.
 *
 * Evidence reads whole days here and only the partial days at a range's edges from the activity itself, so the
 * facts of an account with a million rows cost what a few thousand do. When `rebuttal.activity` is a merchant's
 * view there are no triggers, this stays empty, and the facts come from the rows (lib/evidence/activity-span.ts).
 */
export const activityDaily = rebuttal.table(
	"activity_daily",
	{
		accountId: text("account_id").notNull(),
		/** `kind`, `ip` or `device`: which column of the activity `value` holds. */
		dimension: text("dimension").notNull(),
		/** UTC day of `occurred_at`; null for rows without one. */
		day: date("day"),
		value: text("value"),
		events: bigint("events", { mode: "number" }).notNull(),
		firstAt: timestamp("first_at", { withTimezone: true }),
		lastAt: timestamp("last_at", { withTimezone: true }),
	},
	(t) => [
		// NULLS NOT DISTINCT (Postgres 15+): rows without a time or a value share one bucket. Its index also serves
		// every read, which is by account, dimension and a range of days.
		unique("activity_daily_bucket").on(t.accountId, t.dimension, t.day, t.value).nullsNotDistinct(),
	],
);
