import { and, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { assessments, attempts, disputes } from "../../schema";
import type { Db } from "../db/client";
import { noticesOwed } from "../dispute/move";
import type { Notices } from "../dispute/notices";
import { recordAttempt } from "../dispute/store";
import { NOTICE_STAGES, stagesAdvancedBy, UNSUBMITTED_STAGES } from "../dispute/transitions";
import { describeError } from "../errors";
import { AUTO_SUBMIT_ACTOR } from "../evidence/assess";
import type { AssembleMessage, QueueSender, SubmitMessage } from "../messages";

export interface SweepDeps {
	db: Db;
	assembleQueue: QueueSender<AssembleMessage>;
	submitQueue: QueueSender<SubmitMessage>;
	/** The notification port; without it, a review close to its deadline is flagged in the attempts log instead. */
	notices?: Notices;
	config: {
		SUBMIT_MODE: "auto" | "review";
		REVIEW_AUTOSUBMIT_HOURS?: number;
	};
	now(): Date;
}

export interface SweepOptions {
	/** A stage unchanged this long means a lost or stuck message (default 30 minutes). */
	stuckMinutes?: number;
	/** Most disputes handled per kind and run (default 200). */
	limit?: number;
}

export interface SweepReport {
	requeuedAssemble: string[];
	requeuedSubmit: string[];
	autoSubmitted: string[];
	reviewFlagged: string[];
	deadlineWarned: string[];
	errors: string[];
}

const ASSEMBLE_STAGES = stagesAdvancedBy("assemble");
const SUBMIT_STAGES = stagesAdvancedBy("submit");
const HOUR = 3_600_000;

/**
 * The deadline sweep, run by the cron: re-enqueues disputes whose stage has not moved in too long (a lost or
 * stuck message), submits or flags review-mode disputes close to due_by, warns of deadlines within 24 hours
 * without a submission, and sends the notices a step could not (after a failed enqueue). It never
 * enqueues anything for a dispute whose due_by has passed; the submit step refuses one anyway.
 */
export async function sweepDeadlines(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
	const { db } = deps;
	const now = deps.now();
	const limit = options.limit ?? 200;
	const stuckBefore = new Date(now.getTime() - (options.stuckMinutes ?? 30) * 60_000);
	const report: SweepReport = {
		requeuedAssemble: [],
		requeuedSubmit: [],
		autoSubmitted: [],
		reviewFlagged: [],
		deadlineWarned: [],
		errors: [],
	};
	const stillOpen = or(isNull(disputes.dueBy), gt(disputes.dueBy, now));
	const attempt = (disputeId: string, detail: Record<string, unknown>, error: string | null = null) =>
		recordAttempt(db, {
			disputeId,
			stage: "sweep",
			outcome: error ? "failed" : "ok",
			error,
			detail,
			actor: "sweep",
		});
	const step = async (id: string, work: () => Promise<void>) => {
		try {
			await work();
		} catch (error) {
			report.errors.push(`${id}: ${describeError(error)}`);
		}
	};

	const stuck = await db
		.select()
		.from(disputes)
		.where(
			and(
				inArray(disputes.stage, [...ASSEMBLE_STAGES, ...SUBMIT_STAGES]),
				lt(disputes.updatedAt, stuckBefore),
				stillOpen,
			),
		)
		.orderBy(disputes.dueBy)
		.limit(limit);
	for (const row of stuck) {
		await step(row.id, async () => {
			if (ASSEMBLE_STAGES.includes(row.stage)) {
				await deps.assembleQueue.send({
					kind: "reassemble",
					disputeId: row.id,
					stripeAccount: row.stripeAccount,
					requestedBy: "sweep",
				});
				report.requeuedAssemble.push(row.id);
			} else {
				await deps.submitQueue.send({ disputeId: row.id, stripeAccount: row.stripeAccount });
				report.requeuedSubmit.push(row.id);
			}
			await attempt(row.id, {
				requeued: ASSEMBLE_STAGES.includes(row.stage) ? "assemble" : "submit",
				stage: row.stage,
			});
		});
	}

	if (deps.config.SUBMIT_MODE === "review") {
		const hours = deps.config.REVIEW_AUTOSUBMIT_HOURS;
		const horizon = new Date(now.getTime() + (hours ?? 24) * HOUR);
		const waiting = await db
			.select({ dispute: disputes, compliance: assessments.compliance })
			.from(disputes)
			.leftJoin(assessments, eq(assessments.disputeId, disputes.id))
			.where(and(inArray(disputes.stage, ["awaiting_review"]), gt(disputes.dueBy, now), lte(disputes.dueBy, horizon)))
			.orderBy(disputes.dueBy)
			.limit(limit);
		for (const { dispute: row, compliance } of waiting) {
			await step(row.id, async () => {
				// A compliance case's network fee is a person's decision: it is flagged, never submitted by the sweep.
				if (hours !== undefined && !compliance) {
					await deps.submitQueue.send({
						disputeId: row.id,
						stripeAccount: row.stripeAccount,
						approvedBy: AUTO_SUBMIT_ACTOR,
					});
					await attempt(row.id, { autoSubmit: true, dueBy: row.dueBy?.toISOString(), hours });
					report.autoSubmitted.push(row.id);
					return;
				}
				const why = compliance
					? `it is a ${compliance} case, whose network fee only a person may acknowledge`
					: "REVIEW_AUTOSUBMIT_HOURS is not set";
				const message = `awaiting review with due_by ${row.dueBy?.toISOString()}: approve it before then (${why}, so rebuttal will not submit it by itself)`;
				console.warn(`dispute ${row.id} ${message}`);
				if (!deps.notices) await flagOnce(db, row.id, message);
				else if (await deps.notices.send("review_overdue", row))
					await attempt(row.id, { reviewOverdue: true }, message);
				report.reviewFlagged.push(row.id);
			});
		}
	}

	const closing = await db
		.select()
		.from(disputes)
		.where(
			and(
				inArray(disputes.stage, UNSUBMITTED_STAGES),
				isNull(disputes.submittedAt),
				gt(disputes.dueBy, now),
				lte(disputes.dueBy, new Date(now.getTime() + 24 * HOUR)),
			),
		)
		.orderBy(disputes.dueBy)
		.limit(limit);
	for (const row of closing) {
		await step(row.id, async () => {
			if (await deps.notices?.send("deadline", row)) report.deadlineWarned.push(row.id);
		});
	}

	// Notices a step could not send itself (a failed enqueue): each goes out once ever, so asking again is harmless.
	const { notices } = deps;
	if (notices) {
		const recent = await db
			.select()
			.from(disputes)
			.where(and(inArray(disputes.stage, NOTICE_STAGES), gt(disputes.updatedAt, new Date(now.getTime() - 48 * HOUR))))
			.limit(limit);
		for (const row of recent) for (const kind of noticesOwed(row)) await notices.send(kind, row);
	}

	return report;
}

/** Without a notification URL, the review flag goes into the attempts log once a day at most. */
async function flagOnce(db: Db, disputeId: string, message: string) {
	const [recent] = await db
		.select({ n: sql<number>`count(*)::int`.mapWith(Number) })
		.from(attempts)
		.where(
			and(
				eq(attempts.disputeId, disputeId),
				eq(attempts.stage, "sweep"),
				sql`${attempts.detail} ->> 'reviewOverdue' = 'true'`,
				gt(attempts.createdAt, sql`now() - interval '1 day'`),
			),
		);
	if ((recent?.n ?? 0) > 0) return;
	await recordAttempt(db, {
		disputeId,
		stage: "sweep",
		outcome: "failed",
		error: message,
		detail: { reviewOverdue: true },
		actor: "sweep",
	});
}
