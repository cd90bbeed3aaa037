import { desc, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { fundsMovements } from "../../schema";
import type { Db } from "../db/client";

/**
 * Records the money a dispute moved — Stripe's balance transactions on the dispute (the withdrawal of amount and
 * fee, a reinstatement after a win) — one row per transaction id. Read from the dispute as Stripe reports it now,
 * so funds_withdrawn / funds_reinstated events may arrive in any order, twice, or not at all.
 */
export async function recordFunds(db: Db, dispute: Stripe.Dispute, stripeAccount: string | null): Promise<number> {
	const movements = (dispute.balance_transactions ?? []).filter(
		(t): t is Stripe.BalanceTransaction => typeof t === "object" && t !== null && typeof t.id === "string",
	);
	if (movements.length === 0) return 0;
	const inserted = await db
		.insert(fundsMovements)
		.values(
			movements.map((t) => ({
				id: t.id,
				disputeId: dispute.id,
				stripeAccount,
				amount: t.amount,
				fee: t.fee ?? 0,
				net: t.net ?? t.amount - (t.fee ?? 0),
				currency: t.currency,
				category: t.reporting_category ?? t.type ?? null,
				occurredAt: new Date((t.created ?? 0) * 1000),
			})),
		)
		.onConflictDoNothing()
		.returning({ id: fundsMovements.id });
	return inserted.length;
}

/** What a dispute has cost or returned so far: sums of its movements (minor units), newest first. */
export async function fundsOf(db: Db, disputeId: string) {
	const rows = await db
		.select()
		.from(fundsMovements)
		.where(eq(fundsMovements.disputeId, disputeId))
		.orderBy(desc(fundsMovements.occurredAt));
	const [totals] = await db
		.select({
			amount: sql<number>`coalesce(sum(${fundsMovements.amount}), 0)::bigint`.mapWith(Number),
			fee: sql<number>`coalesce(sum(${fundsMovements.fee}), 0)::bigint`.mapWith(Number),
			net: sql<number>`coalesce(sum(${fundsMovements.net}), 0)::bigint`.mapWith(Number),
		})
		.from(fundsMovements)
		.where(eq(fundsMovements.disputeId, disputeId));
	return { movements: rows, totals: totals ?? { amount: 0, fee: 0, net: 0 } };
}
