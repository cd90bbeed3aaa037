import { and, desc, eq, sql } from "drizzle-orm";
import { assessments, disputeOutcomes } from "../../schema";
import type { Db } from "../db/client";

/**
 * What wins, learned from the merchant's own fought disputes: won and lost as counts (`3/7`, never a percentage of
 * a small sample), per reason, network, issuer country and amount band; which evidence fields were present in won
 * and in lost cases; and, for a lost dispute, what could have helped. Every figure is aggregated by Postgres.
 */

export type Dimension = "reason" | "network" | "issuer_country" | "amount_band";

/** Amount bands in minor units of the dispute's currency (the same bands for every currency). */
const amountBand = sql<string>`case
	when ${disputeOutcomes.amount} < 2000 then 'under 20'
	when ${disputeOutcomes.amount} < 10000 then '20 to 100'
	when ${disputeOutcomes.amount} < 50000 then '100 to 500'
	else '500 and more' end`;

const COLUMNS = {
	reason: sql<string>`${disputeOutcomes.reason}`,
	network: sql<string>`coalesce(${disputeOutcomes.network}, 'unknown')`,
	issuer_country: sql<string>`coalesce(${disputeOutcomes.issuerCountry}, 'unknown')`,
	amount_band: amountBand,
} as const;

const wins = sql<number>`count(*) filter (where ${disputeOutcomes.outcome} = 'won')::int`.mapWith(Number);
const decided = sql<number>`count(*)::int`.mapWith(Number);

const counts = (r: { wins: number; decided: number }) => ({ ...r, record: `${r.wins}/${r.decided}` });

export async function winsBy(db: Db, dimension: Dimension, limit = 50) {
	const key = COLUMNS[dimension];
	const rows = await db
		.select({ key, wins, decided })
		.from(disputeOutcomes)
		.where(eq(disputeOutcomes.fought, true))
		.groupBy(key)
		.orderBy(desc(decided), key)
		.limit(limit);
	return rows.map((r) => ({ key: r.key, ...counts(r) }));
}

/** Per reason and evidence field: in how many won and how many lost fought disputes the field was present. */
export async function evidenceFieldsByOutcome(db: Db, limit = 200) {
	const field = sql<string>`f.field`;
	const rows = await db
		.select({
			reason: sql<string>`${disputeOutcomes.reason}`,
			field,
			won: sql<number>`count(*) filter (where ${disputeOutcomes.outcome} = 'won')::int`.mapWith(Number),
			lost: sql<number>`count(*) filter (where ${disputeOutcomes.outcome} = 'lost')::int`.mapWith(Number),
		})
		.from(
			sql`${disputeOutcomes} cross join lateral jsonb_array_elements_text(${disputeOutcomes.evidenceFields}) as f(field)`,
		)
		.where(eq(disputeOutcomes.fought, true))
		.groupBy(disputeOutcomes.reason, field)
		.orderBy(disputeOutcomes.reason, desc(sql`count(*)`), field)
		.limit(limit);
	const totals = await winsBy(db, "reason", 50);
	return rows.map((r) => {
		const total = totals.find((t) => t.key === r.reason);
		const wonOf = total?.wins ?? 0;
		const lostOf = (total?.decided ?? 0) - wonOf;
		return { ...r, inWon: `${r.won}/${wonOf}`, inLost: `${r.lost}/${lostOf}` };
	});
}

/**
 * For a lost dispute: the key facts its playbook missed, and the evidence fields present in most of the won
 * disputes of the same reason but absent from this one; Klarna's loss reason when Stripe gave one. Null when the
 * dispute is not a recorded loss.
 */
export async function couldHaveHelped(db: Db, disputeId: string) {
	const [row] = await db
		.select({ outcome: disputeOutcomes, keyFacts: assessments.keyFacts })
		.from(disputeOutcomes)
		.leftJoin(assessments, eq(assessments.disputeId, disputeOutcomes.disputeId))
		.where(eq(disputeOutcomes.disputeId, disputeId));
	if (row?.outcome.outcome !== "lost") return null;
	const present = new Set(row.outcome.evidenceFields);
	const field = sql<string>`f.field`;
	const common = await db
		.select({ field, won: sql<number>`count(*)::int`.mapWith(Number) })
		.from(
			sql`${disputeOutcomes} cross join lateral jsonb_array_elements_text(${disputeOutcomes.evidenceFields}) as f(field)`,
		)
		.where(
			and(
				eq(disputeOutcomes.reason, row.outcome.reason),
				eq(disputeOutcomes.fought, true),
				eq(disputeOutcomes.outcome, "won"),
			),
		)
		.groupBy(field)
		.orderBy(desc(sql`count(*)`), field)
		.limit(50);
	const [wonTotal] = await db
		.select({ n: decided })
		.from(disputeOutcomes)
		.where(
			and(
				eq(disputeOutcomes.reason, row.outcome.reason),
				eq(disputeOutcomes.fought, true),
				eq(disputeOutcomes.outcome, "won"),
			),
		);
	const won = wonTotal?.n ?? 0;
	return {
		fought: row.outcome.fought,
		missingKeyFacts: row.keyFacts?.missing ?? [],
		fieldsInWonCases: common
			.filter((c) => !present.has(c.field) && c.won * 2 > won)
			.map((c) => ({ field: c.field, presentIn: `${c.won}/${won} won` })),
		lossReason: row.outcome.lossReason,
	};
}

/** Everything the outcomes API and page show of what wins. */
export async function whatWins(db: Db) {
	const [byReason, byNetwork, byIssuerCountry, byAmountBand, evidenceFields] = await Promise.all([
		winsBy(db, "reason"),
		winsBy(db, "network"),
		winsBy(db, "issuer_country"),
		winsBy(db, "amount_band"),
		evidenceFieldsByOutcome(db),
	]);
	return { byReason, byNetwork, byIssuerCountry, byAmountBand, evidenceFields };
}
