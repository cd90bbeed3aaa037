import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoText, queryRows } from "./sql";

/** Activity kinds (as slugs) that record a reactivation after a cancellation. */
export const REACTIVATION_KINDS: readonly string[] = [
	"reactivation",
	"reactivate",
	"reactivated",
	"resubscribe",
	"resubscribed",
	"subscription_reactivated",
	"subscription_resumed",
	"resume",
	"resumed",
];

/** The latest cancellation before the charge in the account's activity, and any reactivation after it. */
export interface CancellationState {
	latestBeforeCharge: string | null;
	/** The latest reactivation after that cancellation and before the charge, or null. */
	reactivatedAt: string | null;
}

const slug = sql`regexp_replace(lower(kind), '[^a-z0-9]+', '_', 'g')`;

/**
 * One aggregate over the account's activity before the charge (through the `(account_id, occurred_at)` index):
 * the latest cancellation, and the latest reactivation after it. It is the latest cancellation that counts
 * against a charge, and a reactivation after it undoes it — not the first cancellation ever.
 */
export async function loadCancellationState(
	db: Db,
	accountId: string,
	chargeAt: Date,
	cancelKinds: readonly string[],
): Promise<CancellationState> {
	const at = chargeAt.toISOString();
	const cancels = sql.join(
		cancelKinds.map((k) => sql`${k}`),
		sql`, `,
	);
	const reactivations = sql.join(
		REACTIVATION_KINDS.map((k) => sql`${k}`),
		sql`, `,
	);
	const [row] = await queryRows<{ cancelled: string | null; reactivated: string | null }>(
		db,
		sql`with c as (
			select max(occurred_at) as at from rebuttal.activity
			where account_id = ${accountId} and occurred_at < ${at}::timestamptz and ${slug} in (${cancels})
		)
		select ${isoText(sql`c.at`)} as cancelled,
			(select ${isoText(sql`max(occurred_at)`)} from rebuttal.activity
			 where account_id = ${accountId} and c.at is not null and occurred_at > c.at
				and occurred_at < ${at}::timestamptz and ${slug} in (${reactivations})) as reactivated
		from c`,
	);
	return { latestBeforeCharge: row?.cancelled ?? null, reactivatedAt: row?.reactivated ?? null };
}
