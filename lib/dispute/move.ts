import type { Stage } from "../../schema";
import type { Db } from "../db/client";
import { PermanentError } from "../errors";
import type { Notices, NotifyKind } from "./notices";
import { reasonNotice, type StageReason } from "./reasons";
import { isOpenStatus } from "./statuses";
import { type DisputeChanges, type DisputeRow, getDispute, PLACEHOLDER_STATUS, setStageIf } from "./store";
import {
	arrivalNotices,
	type Destination,
	destinationsOf,
	noticesOfMove,
	type ReasonOf,
	sourcesOf,
	type TRANSITIONS,
	type TransitionName,
} from "./transitions";

/** What a move needs: the database, and the notification port when notices are wired (functions/wiring.ts). */
export interface MoveDeps {
	db: Db;
	notices?: Notices;
}

/**
 * The columns a move may set besides the stage: `reason` (a code of the transition's own list, or null to clear
 * it) and, for a transition with several destinations, `to`.
 */
export type MoveFields<T extends TransitionName> = Omit<DisputeChanges, "stageReason" | "stageReasonCode"> & {
	reason?: StageReason<ReasonOf<T>> | null;
} & ((typeof TRANSITIONS)[T]["to"] extends readonly Stage[] ? { to: Destination<T> } : { to?: Destination<T> });

/**
 * Moves a dispute by one transition of the table: atomically and only from a stage the transition may leave, so
 * of two concurrent moves exactly one wins and the other is refused. Then sends the notices the move owes. Returns
 * whether this call moved the dispute.
 */
export async function move<T extends TransitionName>(
	deps: MoveDeps,
	disputeId: string,
	transition: T,
	fields: MoveFields<T>,
): Promise<boolean> {
	const { to: chosen, reason, ...changes } = fields as MoveFields<TransitionName> & { to?: Stage };
	const destinations = destinationsOf(transition);
	const to = chosen ?? destinations[0];
	if (!to || !destinations.includes(to)) {
		throw new PermanentError("illegal_move", `transition ${transition} does not lead to ${String(to)}`);
	}
	const moved = await setStageIf(deps.db, disputeId, sourcesOf(transition, to), to, {
		...changes,
		...(reason === undefined ? {} : { stageReason: reason?.message ?? null, stageReasonCode: reason?.code ?? null }),
	});
	if (moved) await announce(deps, disputeId, noticesOfMove(transition, to, reason?.code));
	return moved;
}

/** Sends notices for a dispute as its row now reads; a placeholder (Stripe never answered) has nothing to tell. */
export async function announce(deps: MoveDeps, disputeId: string, kinds: readonly NotifyKind[]): Promise<void> {
	if (!deps.notices || kinds.length === 0) return;
	const row = await getDispute(deps.db, disputeId).catch(() => undefined);
	if (!row || row.status === PLACEHOLDER_STATUS) return;
	for (const kind of kinds) await deps.notices.send(kind, row);
}

/**
 * The notices a dispute's row says are due, for the deadline sweep to send what a step could not (a failed
 * enqueue, a failure recorded by the dead-letter queue): `new_dispute` while Stripe reports it open, the notice
 * of arriving at its stage, and its reason's. Each goes out once ever, so asking again costs nothing.
 */
export function noticesOwed(row: DisputeRow): NotifyKind[] {
	if (row.status === PLACEHOLDER_STATUS) return [];
	const owed: NotifyKind[] = isOpenStatus(row.status) ? ["new_dispute"] : [];
	owed.push(...arrivalNotices(row.stage));
	const byReason = reasonNotice(row.stageReasonCode);
	if (byReason) owed.push(byReason);
	return owed;
}
