import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { disputes, type Stage } from "../../schema";
import type { Db } from "../db/client";
import { NotFoundError } from "../errors";
import { getEvidence, listAttempts, NO_ACCOUNT_MATCH } from "../pipeline/store";

export interface DisputeListQuery {
	stage?: Stage;
	/** Only disputes of this Stripe Connect account (`acct_…`). */
	account?: string;
	limit: number;
	/** The `updatedAt|id` of the last row of the previous page. */
	cursor?: { updatedAt: Date; id: string };
}

/** A page of disputes, most recently changed first. */
export async function listDisputes(db: Db, query: DisputeListQuery) {
	const filters: SQL[] = [];
	if (query.stage) filters.push(eq(disputes.stage, query.stage));
	if (query.account) filters.push(eq(disputes.stripeAccount, query.account));
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
	const [attempts, evidence] = await Promise.all([listAttempts(db, disputeId), getEvidence(db, disputeId)]);
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
		evidence: evidence
			? {
					writer: evidence.writer,
					writerFallbackReason: evidence.writerFallbackReason,
					writerModel: evidence.writerModel,
					writerUsage: evidence.writerUsage,
					playbook: evidence.playbook,
					fileId: evidence.fileId,
					pdf: { key: evidence.pdfKey, bytes: evidence.pdfBytes, pages: evidence.pdfPages, sha256: evidence.pdfSha256 },
					fields: evidence.fields,
					narrative: evidence.narrative,
					factCount: Array.isArray(evidence.facts) ? evidence.facts.length : 0,
					stagedAt: evidence.updatedAt.toISOString(),
				}
			: null,
	};
}

function presentDispute(row: typeof disputes.$inferSelect) {
	return {
		id: row.id,
		stage: row.stage,
		stageReason: row.stageReason,
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
