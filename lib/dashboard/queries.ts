import { and, desc, eq, gte, inArray, isNotNull, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import { charges, disputes, earlyFraudWarnings, evidence, type Stage } from "../../schema";
import type { Db } from "../db/client";
import { getDecision, presentDecision } from "../decide/decide";
import { getEvidence, listAttempts, NO_ACCOUNT_MATCH } from "../dispute/store";
import { IN_FLIGHT_STAGES, OPEN_STAGES } from "../dispute/transitions";
import { NotFoundError } from "../errors";
import { getAssessment, presentAssessment } from "../evidence/assess";
import type { EvidenceTrace } from "../narrative/trace";
import { couldHaveHelped } from "../outcomes/learn";
import { programmesFor } from "../outcomes/monitoring";

export interface DisputeListQuery {
	stage?: Stage;
	/** Only disputes of this Stripe Connect account (`acct_…`). */
	account?: string;
	/** Stripe's dispute reason, e.g. `fraudulent`. */
	reason?: string;
	/** Deadline filter: overdue, or due within the next N hours (open disputes only). */
	due?: "overdue" | "48h" | "7d";
	limit: number;
	/** The `updatedAt|id` of the last row of the previous page. */
	cursor?: { updatedAt: Date; id: string };
}

/** A page of disputes, most recently changed first. */
export async function listDisputes(db: Db, query: DisputeListQuery) {
	const filters: SQL[] = [];
	if (query.stage) filters.push(eq(disputes.stage, query.stage));
	if (query.account) filters.push(eq(disputes.stripeAccount, query.account));
	if (query.reason) filters.push(eq(disputes.reason, query.reason));
	if (query.due) {
		filters.push(isNotNull(disputes.dueBy), inArray(disputes.stage, [...OPEN_STAGES]));
		if (query.due === "overdue") filters.push(lt(disputes.dueBy, sql`now()`));
		else {
			const hours = query.due === "48h" ? 48 : 168;
			filters.push(gte(disputes.dueBy, sql`now()`), lt(disputes.dueBy, sql`now() + make_interval(hours => ${hours})`));
		}
	}
	if (query.cursor) {
		const { updatedAt, id } = query.cursor;
		filters.push(or(lt(disputes.updatedAt, updatedAt), and(eq(disputes.updatedAt, updatedAt), lt(disputes.id, id)))!);
	}
	const rows = await db
		.select()
		.from(disputes)
		.where(filters.length ? and(...filters) : undefined)
		.orderBy(desc(disputes.updatedAt), desc(disputes.id))
		.limit(query.limit + 1);
	const page = rows.slice(0, query.limit);
	const last = page.at(-1);
	return {
		disputes: page.map(presentDispute),
		nextCursor: rows.length > query.limit && last ? `${last.updatedAt.toISOString()}|${last.id}` : null,
	};
}

export async function disputeDetail(db: Db, disputeId: string) {
	const [row] = await db.select().from(disputes).where(eq(disputes.id, disputeId));
	if (!row) throw new NotFoundError(`no dispute ${disputeId}`);
	const [attempts, evidence, assessment, decision, helped] = await Promise.all([
		listAttempts(db, disputeId),
		getEvidence(db, disputeId),
		getAssessment(db, disputeId),
		getDecision(db, disputeId),
		couldHaveHelped(db, disputeId),
	]);
	return {
		...presentDispute(row),
		attempts: attempts.map((a) => ({
			id: a.id,
			at: a.createdAt.toISOString(),
			stage: a.stage,
			outcome: a.outcome,
			retryable: a.retryable,
			error: a.error,
			detail: a.detail,
			deliveryAttempt: a.deliveryAttempt,
			actor: a.actor,
		})),
		/** The playbook's judgement: strength, why it is too weak, CE 3.0 result, compliance and skip reasons. */
		assessment: presentAssessment(assessment),
		/** Fight or accept (FIGHT_POLICY), with the fee, record and break-even it rested on. */
		decision: presentDecision(decision),
		/** On a lost dispute: the key facts and evidence fields (present in won cases) it lacked; Klarna's loss reason. */
		couldHaveHelped: helped,
		evidence: evidence
			? {
					writer: evidence.writer,
					writerFallbackReason: evidence.writerFallbackReason,
					writerModel: evidence.writerModel,
					writerUsage: evidence.writerUsage,
					playbook: evidence.playbook,
					fileId: evidence.fileId,
					pdf: {
						key: evidence.pdfKey,
						bytes: evidence.pdfBytes,
						pages: evidence.pdfPages,
						sha256: evidence.pdfSha256,
						download: `/api/disputes/${encodeURIComponent(disputeId)}/evidence.pdf`,
					},
					fields: evidence.fields,
					narrative: evidence.narrative,
					factCount: Array.isArray(evidence.facts) ? evidence.facts.length : 0,
					/** Each letter point and paragraph with its fact ids, the exhibits, the verifier's findings. */
					trace: (evidence.trace as EvidenceTrace | null) ?? null,
					stagedAt: evidence.updatedAt.toISOString(),
				}
			: null,
	};
}

export function presentDispute(row: typeof disputes.$inferSelect) {
	return {
		id: row.id,
		stage: row.stage,
		stageReason: row.stageReason,
		stageReasonCode: row.stageReasonCode,
		status: row.status,
		reason: row.reason,
		networkReasonCode: row.networkReasonCode,
		amount: row.amount,
		currency: row.currency,
		chargeId: row.chargeId,
		stripeAccount: row.stripeAccount,
		accountId: row.accountId,
		accountMatched: row.accountId !== null,
		accountMatch: row.accountMatch,
		accountNote:
			row.accountMatch === NO_ACCOUNT_MATCH ? "no matching account: evidence built from Stripe data alone" : null,
		dueBy: row.dueBy?.toISOString() ?? null,
		failedStage: row.failedStage,
		lastError: row.lastError,
		submittedAt: row.submittedAt?.toISOString() ?? null,
		outcome: row.outcome,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
	};
}

const count = sql<number>`count(*)::int`;
const money = (column: SQL | typeof disputes.amount) =>
	sql<number>`coalesce(sum(${column}), 0)::bigint`.mapWith(Number);

/** The overview: every figure is an aggregate computed by Postgres. */
export async function overview(db: Db) {
	const [byStage, atStake, dueSoon, [outcomes], inFlight] = await Promise.all([
		db
			.select({ stage: disputes.stage, count, amount: money(disputes.amount) })
			.from(disputes)
			.groupBy(disputes.stage),
		db
			.select({ currency: disputes.currency, count, amount: money(disputes.amount) })
			.from(disputes)
			.where(inArray(disputes.stage, [...OPEN_STAGES]))
			.groupBy(disputes.currency)
			.orderBy(desc(sql`sum(${disputes.amount})`)),
		db
			.select()
			.from(disputes)
			.where(
				and(
					inArray(disputes.stage, [...OPEN_STAGES]),
					gte(disputes.dueBy, sql`now()`),
					lt(disputes.dueBy, sql`now() + interval '48 hours'`),
				),
			)
			.orderBy(disputes.dueBy)
			.limit(20),
		db
			.select({
				won: sql<number>`count(*) filter (where ${disputes.stage} = 'won')::int`,
				lost: sql<number>`count(*) filter (where ${disputes.stage} = 'lost')::int`,
				failed: sql<number>`count(*) filter (where ${disputes.stage} = 'failed')::int`,
				awaitingReview: sql<number>`count(*) filter (where ${disputes.stage} = 'awaiting_review')::int`,
			})
			.from(disputes),
		inFlightCount(db),
	]);
	const stages = Object.fromEntries(byStage.map((r) => [r.stage, { count: r.count, amount: r.amount }]));
	return {
		stages: stages as Partial<Record<Stage, { count: number; amount: number }>>,
		atStake: atStake.filter((r) => r.currency !== ""),
		dueSoon: dueSoon.map(presentDispute),
		outcomes: outcomes ?? { won: 0, lost: 0, failed: 0, awaitingReview: 0 },
		inFlight,
	};
}

/** How many disputes are being worked on right now. */
export async function inFlightCount(db: Db): Promise<number> {
	const [row] = await db
		.select({ count })
		.from(disputes)
		.where(inArray(disputes.stage, [...IN_FLIGHT_STAGES]));
	return row?.count ?? 0;
}

/** The reasons seen so far, for the list's filter. */
export async function knownReasons(db: Db): Promise<string[]> {
	const rows = await db.selectDistinct({ reason: disputes.reason }).from(disputes).orderBy(disputes.reason).limit(50);
	return rows.map((r) => r.reason);
}

/** The dead-letter view: failed disputes with the error that stopped them, most recent first. */
export async function failedDisputes(db: Db, query: { limit: number; cursor?: { updatedAt: Date; id: string } }) {
	return listDisputes(db, { stage: "failed", limit: query.limit, cursor: query.cursor });
}

/** Ids of failed disputes, oldest failure first, at most `limit`: the batch a "retry all" works through. */
export async function failedDisputeIds(db: Db, limit: number): Promise<string[]> {
	const rows = await db
		.select({ id: disputes.id })
		.from(disputes)
		.where(eq(disputes.stage, "failed"))
		.orderBy(disputes.updatedAt, disputes.id)
		.limit(limit);
	return rows.map((r) => r.id);
}

export interface OutcomeRow {
	won: number;
	lost: number;
	/** Amount won back, in the smallest currency unit. */
	recovered: number;
	/** Amount of every decided dispute. */
	decided: number;
}

const outcomeColumns = {
	won: sql<number>`count(*) filter (where ${disputes.stage} = 'won')::int`,
	lost: sql<number>`count(*) filter (where ${disputes.stage} = 'lost')::int`,
	recovered: sql<number>`coalesce(sum(${disputes.amount}) filter (where ${disputes.stage} = 'won'), 0)::bigint`.mapWith(
		Number,
	),
	decided: money(disputes.amount),
};

/**
 * Win rate and amount recovered among decided disputes (won or lost): overall and per reason per currency, and
 * per month of closing over the last `months` months.
 */
export async function outcomeStats(db: Db, months = 12) {
	const decided = inArray(disputes.stage, ["won", "lost"]);
	const month = sql<string>`to_char(date_trunc('month', coalesce(${disputes.closedAt}, ${disputes.updatedAt})), 'YYYY-MM')`;
	const [overall, perReason, perMonth] = await Promise.all([
		db
			.select({ currency: disputes.currency, ...outcomeColumns })
			.from(disputes)
			.where(decided)
			.groupBy(disputes.currency),
		db
			.select({ reason: disputes.reason, currency: disputes.currency, ...outcomeColumns })
			.from(disputes)
			.where(decided)
			.groupBy(disputes.reason, disputes.currency)
			.orderBy(desc(count), disputes.reason)
			.limit(50),
		db
			.select({ month, currency: disputes.currency, ...outcomeColumns })
			.from(disputes)
			.where(
				and(
					decided,
					gte(
						sql`coalesce(${disputes.closedAt}, ${disputes.updatedAt})`,
						sql`date_trunc('month', now()) - make_interval(months => ${months - 1})`,
					),
				),
			)
			.groupBy(month, disputes.currency)
			.orderBy(month),
	]);
	return { overall, perReason, perMonth };
}

/** The card networks' monitoring thresholds in force now, from the one table in lib/outcomes/monitoring.ts. */
export function ratioThresholds(now = new Date()) {
	return programmesFor(now.toISOString().slice(0, 7)).map((p) => ({ id: p.id, label: p.label, ratio: p.ratio }));
}

/**
 * Disputes created over charges recorded (from `charge.succeeded`) in the last `days` days. The ratio is null
 * when no charge was recorded: rebuttal cannot know the denominator without those events.
 */
export async function disputeRatio(db: Db, days = 30) {
	const since = sql`now() - make_interval(days => ${days})`;
	const [[d], [c]] = await Promise.all([
		db
			.select({ count })
			.from(disputes)
			.where(and(gte(disputes.createdAt, since), notInArray(disputes.reason, ["unknown"]))),
		db.select({ count }).from(charges).where(gte(charges.createdAt, since)),
	]);
	const disputesCount = d?.count ?? 0;
	const chargesCount = c?.count ?? 0;
	return {
		days,
		disputes: disputesCount,
		charges: chargesCount,
		ratio: chargesCount > 0 ? disputesCount / chargesCount : null,
		thresholds: ratioThresholds(),
	};
}

/** The facts behind a dispute's staged evidence (at most `limit`), for the dispute page. */
export async function disputeFacts(db: Db, disputeId: string, limit = 300) {
	const [row] = await db.select({ facts: evidence.facts }).from(evidence).where(eq(evidence.disputeId, disputeId));
	const facts = Array.isArray(row?.facts) ? (row.facts as Record<string, unknown>[]) : [];
	return facts.slice(0, limit).map((f) => ({
		id: String(f.id ?? ""),
		label: String(f.label ?? ""),
		display: String(f.display ?? f.value ?? ""),
	}));
}

/** Radar early fraud warnings, newest first, with what rebuttal did about each and totals per action. */
export async function listEarlyFraudWarnings(db: Db, query: { limit: number }) {
	const [rows, totals] = await Promise.all([
		db
			.select()
			.from(earlyFraudWarnings)
			.orderBy(desc(earlyFraudWarnings.recordedAt), desc(earlyFraudWarnings.id))
			.limit(query.limit),
		db
			.select({
				action: earlyFraudWarnings.action,
				count: sql<number>`count(*)::int`.mapWith(Number),
				amount: sql<number>`coalesce(sum(${earlyFraudWarnings.amount}), 0)::bigint`.mapWith(Number),
			})
			.from(earlyFraudWarnings)
			.groupBy(earlyFraudWarnings.action),
	]);
	return {
		totals: Object.fromEntries(totals.map((t) => [t.action, { count: t.count, amount: t.amount }])) as Partial<
			Record<"recorded" | "refunded" | "not_refunded", { count: number; amount: number }>
		>,
		warnings: rows.map((w) => ({
			id: w.id,
			chargeId: w.chargeId,
			stripeAccount: w.stripeAccount,
			actionable: w.actionable,
			fraudType: w.fraudType,
			amount: w.amount,
			currency: w.currency,
			action: w.action,
			actionReason: w.actionReason,
			refundId: w.refundId,
			warningCreatedAt: w.warningCreatedAt?.toISOString() ?? null,
			recordedAt: w.recordedAt.toISOString(),
		})),
	};
}
