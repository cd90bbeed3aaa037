import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { attempts, disputes, events, evidence, type Stage } from "../../schema";
import type { Db } from "../db/client";
import type { EventMessage } from "../messages";

/** How long one delivery holds an event before a redelivery may take over a pass that was cut short. */
const EVENT_CLAIM_SECONDS = 120;

export type EventClaim = "claimed" | "processed" | "busy";

/**
 * Records the event under its unique id and claims it for this pass. A redelivery of a finished event is
 * `processed`; one that arrives while another delivery works on it is `busy`.
 */
export async function claimEvent(db: Db, message: EventMessage): Promise<EventClaim> {
	await db
		.insert(events)
		.values({
			id: message.eventId,
			type: message.type,
			objectId: message.objectId,
			stripeAccount: message.stripeAccount,
		})
		.onConflictDoNothing();
	const claimed = await db
		.update(events)
		.set({ claimedUntil: sql`now() + make_interval(secs => ${EVENT_CLAIM_SECONDS})` })
		.where(
			and(
				eq(events.id, message.eventId),
				isNull(events.processedAt),
				or(isNull(events.claimedUntil), lt(events.claimedUntil, sql`now()`)),
			),
		)
		.returning({ id: events.id });
	if (claimed.length > 0) return "claimed";
	const [row] = await db.select({ processedAt: events.processedAt }).from(events).where(eq(events.id, message.eventId));
	return row?.processedAt ? "processed" : "busy";
}

export async function finishEvent(db: Db, eventId: string): Promise<void> {
	await db.update(events).set({ processedAt: sql`now()`, claimedUntil: null }).where(eq(events.id, eventId));
}

/** Lets the next delivery take the event at once after this pass failed. */
export async function releaseEvent(db: Db, eventId: string): Promise<void> {
	await db.update(events).set({ claimedUntil: null }).where(eq(events.id, eventId));
}

export type DisputeRow = typeof disputes.$inferSelect;

/** `account_match` when assembly found no account: the evidence rests on Stripe data alone. */
export const NO_ACCOUNT_MATCH = "none";

/** Inserts the dispute or refreshes what Stripe says of it; the pipeline stage is left to transitions. */
export async function upsertDispute(
	db: Db,
	dispute: Stripe.Dispute,
	stripeAccount: string | null,
): Promise<DisputeRow> {
	const chargeId = typeof dispute.charge === "string" ? dispute.charge : dispute.charge.id;
	const paymentIntentId =
		typeof dispute.payment_intent === "string" ? dispute.payment_intent : (dispute.payment_intent?.id ?? null);
	const dueBy = dispute.evidence_details?.due_by ? new Date(dispute.evidence_details.due_by * 1000) : null;
	const networkReasonCode = dispute.network_reason_code ?? null;
	const values = {
		id: dispute.id,
		stripeAccount,
		chargeId,
		paymentIntentId,
		amount: dispute.amount,
		currency: dispute.currency,
		reason: dispute.reason,
		networkReasonCode,
		status: dispute.status,
		dueBy,
	};
	// A dispute keeps its id and the account it was first seen under; everything else follows Stripe.
	const { id: _id, stripeAccount: _account, ...changes } = values;
	const [row] = await db
		.insert(disputes)
		.values(values)
		.onConflictDoUpdate({ target: disputes.id, set: { ...changes, updatedAt: sql`now()` } })
		.returning();
	return row!;
}

export async function getDispute(db: Db, disputeId: string): Promise<DisputeRow | undefined> {
	const [row] = await db.select().from(disputes).where(eq(disputes.id, disputeId));
	return row;
}

/** The `status` of a dispute row written before Stripe ever answered for it (see `ensureDisputeRow`). */
export const PLACEHOLDER_STATUS = "unknown";

/**
 * Writes a placeholder row for a dispute that failed before its first row was written (Stripe unreachable, say),
 * so it can be marked failed and retried; the next pass that reads it from Stripe fills it in.
 */
export async function ensureDisputeRow(db: Db, disputeId: string): Promise<void> {
	await db
		.insert(disputes)
		.values({
			id: disputeId,
			amount: 0,
			currency: "",
			reason: "unknown",
			status: PLACEHOLDER_STATUS,
			stage: "received",
		})
		.onConflictDoNothing();
}

export type DisputeChanges = Partial<
	Pick<
		DisputeRow,
		| "stageReason"
		| "stageReasonCode"
		| "failedStage"
		| "lastError"
		| "submittedAt"
		| "outcome"
		| "closedAt"
		| "accountId"
		| "accountMatch"
	>
>;

/**
 * Moves a dispute to `to` only from one of the stages in `from`, atomically. Concurrent deliveries race on
 * this update and exactly one wins; the return value says whether this caller did. The primitive under
 * `move()` (lib/dispute/move.ts), which checks the move against the transition table: nothing else calls it.
 */
export async function setStageIf(
	db: Db,
	disputeId: string,
	from: readonly Stage[],
	to: Stage,
	changes: DisputeChanges = {},
): Promise<boolean> {
	const moved = await db
		.update(disputes)
		.set({ stage: to, updatedAt: sql`now()`, ...changes })
		.where(and(eq(disputes.id, disputeId), inArray(disputes.stage, [...from])))
		.returning({ id: disputes.id });
	return moved.length > 0;
}

export interface AttemptRecord {
	disputeId: string | null;
	eventId?: string | null;
	stage: string;
	outcome: "ok" | "retry" | "failed" | "skipped" | "duplicate";
	retryable?: boolean | null;
	error?: string | null;
	detail?: Record<string, unknown> | null;
	deliveryAttempt?: number | null;
	actor?: string;
}

/** Appends to the attempts log; nothing in it is ever updated or deleted. */
export async function recordAttempt(db: Db, attempt: AttemptRecord): Promise<void> {
	await db.insert(attempts).values({
		disputeId: attempt.disputeId,
		eventId: attempt.eventId ?? null,
		stage: attempt.stage,
		outcome: attempt.outcome,
		retryable: attempt.retryable ?? null,
		error: attempt.error ?? null,
		detail: attempt.detail ?? null,
		deliveryAttempt: attempt.deliveryAttempt ?? null,
		actor: attempt.actor ?? "system",
	});
}

export async function listAttempts(db: Db, disputeId: string, limit = 200) {
	return db.select().from(attempts).where(eq(attempts.disputeId, disputeId)).orderBy(desc(attempts.id)).limit(limit);
}

export type EvidenceRow = typeof evidence.$inferSelect;
export type NewEvidence = typeof evidence.$inferInsert;

export async function saveEvidence(db: Db, row: NewEvidence): Promise<void> {
	const { disputeId: _id, createdAt: _created, ...changes } = row;
	await db
		.insert(evidence)
		.values(row)
		.onConflictDoUpdate({ target: evidence.disputeId, set: { ...changes, updatedAt: sql`now()` } });
}

export async function getEvidence(db: Db, disputeId: string): Promise<EvidenceRow | undefined> {
	const [row] = await db.select().from(evidence).where(eq(evidence.disputeId, disputeId));
	return row;
}

/** Which of these dispute ids rebuttal already records. */
export async function knownDisputeIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const rows = await db
		.select({ id: disputes.id })
		.from(disputes)
		.where(inArray(disputes.id, [...ids]));
	return new Set(rows.map((r) => r.id));
}
