import { bigint, index, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * One row per notification ever enqueued: the key `(dispute_id, kind)` makes each kind of notice go out at most
 * once per dispute, however many events, sweeps or redeliveries ask for it.
 */
export const notifications = rebuttal.table(
	"notifications",
	{
		disputeId: text("dispute_id").notNull(),
		kind: text("kind").notNull(),
		enqueuedAt: timestamp("enqueued_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [primaryKey({ columns: [t.disputeId, t.kind] })],
);

/**
 * Disputes the backfill found in Stripe but not in the database, and when it enqueued them: two overlapping
 * backfills enqueue a dispute once, and a claim older than an hour (its message lost) may be taken again.
 */
export const backfillClaims = rebuttal.table("backfill_claims", {
	disputeId: text("dispute_id").primaryKey(),
	stripeAccount: text("stripe_account"),
	enqueuedAt: timestamp("enqueued_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Where a backfill that ran out of pages stopped, per Stripe account ('' = the platform), to resume there. */
export const backfillCursors = rebuttal.table("backfill_cursors", {
	stripeAccount: text("stripe_account").primaryKey(),
	startingAfter: text("starting_after"),
	updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Money moved by a dispute, one row per Stripe balance transaction (withdrawal of the amount and fee, or their
 * reinstatement), read from the dispute itself so the order of events does not matter.
 */
export const fundsMovements = rebuttal.table(
	"funds_movements",
	{
		id: text("id").primaryKey(),
		disputeId: text("dispute_id").notNull(),
		stripeAccount: text("stripe_account"),
		/** Positive when money comes back to the merchant, negative when it is withdrawn (minor units). */
		amount: bigint("amount", { mode: "number" }).notNull(),
		fee: bigint("fee", { mode: "number" }).notNull(),
		net: bigint("net", { mode: "number" }).notNull(),
		currency: text("currency").notNull(),
		category: text("category"),
		/** Stripe's `created` of the balance transaction. */
		occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
		recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [index("funds_movements_dispute_idx").on(t.disputeId)],
);
