import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type ActivitySource, activitySource, activitySpan, type SpanRange } from "./activity-span";
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

const slug = sql`regexp_replace(lower(value), '[^a-z0-9]+', '_', 'g')`;

/**
 * The latest cancellation before the charge, and the latest reactivation after it, over the account's activity
 * counted by kind (lib/evidence/activity-span.ts). It is the latest cancellation that counts against a charge, and
 * a reactivation after it undoes it — not the first cancellation ever.
 */
export async function loadCancellationState(
	db: Db,
	accountId: string,
	chargeAt: Date,
	cancelKinds: readonly string[],
	source?: ActivitySource,
): Promise<CancellationState> {
	const from = source ?? (await activitySource(db));
	const beforeCharge = { at: chargeAt, inclusive: false };
	const latestOf = async (kinds: readonly string[], range: SpanRange) => {
		const [row] = await queryRows<{ at: string | null; exact: string | null }>(
			db,
			sql`select ${isoText(sql`max(last_at)`)} as at,
				to_char(max(last_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as exact from (${activitySpan(from, accountId, "kind", range)}) s
			where ${slug} in (${sql.join(
				kinds.map((k) => sql`${k}`),
				sql`, `,
			)})`,
		);
		return { at: row?.at ?? null, exact: row?.exact ?? null };
	};
	const cancelled = await latestOf(cancelKinds, { to: beforeCharge });
	// Reactivations strictly after the cancellation, to the microsecond.
	const reactivated = cancelled.exact
		? (await latestOf(REACTIVATION_KINDS, { from: { at: cancelled.exact, inclusive: false }, to: beforeCharge })).at
		: null;
	return { latestBeforeCharge: cancelled.at, reactivatedAt: reactivated };
}
