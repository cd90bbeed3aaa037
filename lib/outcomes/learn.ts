import { and, desc, eq, sql } from "drizzle-orm";
import { assessments, disputeOutcomes, evidence } from "../../schema";
import type { Db } from "../db/client";
import { queryRows } from "../evidence/sql";

/**
 * What wins, learned from the merchant's own fought disputes: won and lost as counts (`3/7`, never a percentage of
 * a small sample), per reason, network, issuer country and amount band; which evidence fields and which facts (by
 * family) were present in won and in lost cases; and, for a lost dispute, what could have helped. Every figure is aggregated by Postgres.
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
 * A fact's family: its id's first two segments, so `access.device.1` and `access.device.2` count as one
 * `access.device`, and `usage.kind.api_call.count` as `usage.kind`. The dispute's and the merchant's own facts are
 * in every case and say nothing about what wins, so they are left out.
 */
const factFamily = sql`split_part(f.fact ->> 'id', '.', 1) || '.' || split_part(f.fact ->> 'id', '.', 2)`;
const UNTELLING_FAMILIES = ["dispute", "merchant"];
/** The assessment's Visa CE 3.0 verdict, counted as a fact of its own when it qualified. */
export const CE3_QUALIFIED = "ce3.qualified";

/**
 * Per reason and fact family: in how many won and how many lost fought disputes rebuttal's evidence held a fact
 * of that family, out of the won and lost disputes of the reason whose evidence rebuttal recorded (a dispute
 * answered outside rebuttal has no facts, so it counts in neither figure). One query; Postgres does the counting.
 */
export async function factsByOutcome(db: Db, limit = 200) {
	const rows = await queryRows<{
		reason: string;
		family: string;
		won: number;
		lost: number;
		won_of: number;
		lost_of: number;
	}>(
		db,
		sql`with cases as (
			select o.dispute_id, o.reason, o.outcome, e.facts, a.ce3
			from ${disputeOutcomes} o
			join ${evidence} e on e.dispute_id = o.dispute_id
			left join ${assessments} a on a.dispute_id = o.dispute_id
			where o.fought
		), totals as (
			select reason,
				count(*) filter (where outcome = 'won')::int as won_of,
				count(*) filter (where outcome = 'lost')::int as lost_of
			from cases group by reason
		), present as (
			select c.dispute_id, c.reason, c.outcome, ${factFamily} as family
			from cases c
			cross join lateral jsonb_array_elements(
				case when jsonb_typeof(c.facts) = 'array' then c.facts else '[]'::jsonb end
			) as f(fact)
			where f.fact ->> 'id' like '%.%'
				and split_part(f.fact ->> 'id', '.', 1) not in (${sql.join(
					UNTELLING_FAMILIES.map((f) => sql`${f}`),
					sql`, `,
				)})
			union
			select dispute_id, reason, outcome, ${CE3_QUALIFIED} from cases where ce3 ->> 'status' = 'qualified'
		)
		select p.reason, p.family,
			count(*) filter (where p.outcome = 'won')::int as won,
			count(*) filter (where p.outcome = 'lost')::int as lost,
			t.won_of, t.lost_of
		from present p join totals t on t.reason = p.reason
		group by p.reason, p.family, t.won_of, t.lost_of
		order by p.reason, count(*) desc, p.family
		limit ${limit}`,
	);
	return rows.map((r) => {
		const [won, lost, wonOf, lostOf] = [r.won, r.lost, r.won_of, r.lost_of].map(Number) as [
			number,
			number,
			number,
			number,
		];
		return { reason: r.reason, family: r.family, won, lost, inWon: `${won}/${wonOf}`, inLost: `${lost}/${lostOf}` };
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
	const [byReason, byNetwork, byIssuerCountry, byAmountBand, evidenceFields, facts] = await Promise.all([
		winsBy(db, "reason"),
		winsBy(db, "network"),
		winsBy(db, "issuer_country"),
		winsBy(db, "amount_band"),
		evidenceFieldsByOutcome(db),
		factsByOutcome(db),
	]);
	return { byReason, byNetwork, byIssuerCountry, byAmountBand, evidenceFields, facts };
}
