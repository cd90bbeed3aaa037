import { STAGES, type Stage } from "../../schema";
import type { NotifyKind } from "./notices";
import { type ReasonCode, reasonNotice } from "./reasons";

interface TransitionRule {
	/** The stages it may leave; "any other" is every stage but the one it goes to. */
	from: readonly Stage[] | "any other";
	/** Where it goes; a transition with several destinations is told which by the caller. */
	to: Stage | readonly Stage[];
	/** The reason codes a move by it may carry (lib/dispute/reasons.ts). */
	reasons?: readonly ReasonCode[];
	/** The notice a move sends, per destination reached. */
	notices?: Partial<Record<Stage, NotifyKind>>;
	/**
	 * The queue whose own work moves the dispute on by this transition: a dispute in one of its `from` stages is
	 * in flight, and the deadline sweep sends it to that queue again when it sits still too long.
	 */
	advancedBy?: "assemble" | "submit";
}

/** Why Stripe's dispute can no longer take rebuttal's evidence: closed, answered by someone else, or past due. */
const NO_LONGER_ANSWERABLE = [
	"status_not_open",
	"submitted_elsewhere",
	"smart_disputes_submitted",
	"smart_disputes_intended",
	"no_due_by",
	"past_due",
	"already_submitted",
] as const satisfies readonly ReasonCode[];

/** Every stage before an appeal: Stripe may offer one whatever rebuttal last saw of the dispute. */
const BEFORE_APPEAL: readonly Stage[] = STAGES.filter((s) => s !== "appealing" && s !== "appeal_submitted");

/**
 * Every move of a dispute between stages, in one table. `move()` (lib/dispute/move.ts) is the only way a stage
 * changes, and it refuses a move from any stage not listed here; every set of stages the code asks about (which
 * may be skipped, which are open, which are in flight) is derived below from this table.
 */
export const TRANSITIONS = {
	/** An assembly pass starts, or a pass that was cut short starts again. */
	assemble: { from: ["received", "assembling"], to: "assembling", advancedBy: "assemble" },
	/** The evidence is built, uploaded and stored: it waits for the submit step. */
	stage: { from: ["assembling"], to: "staged", advancedBy: "assemble" },
	/** Staged in Stripe (`submit: false`) to wait for an operator: review mode, or a compliance case. */
	await_review: {
		from: ["staged"],
		to: "awaiting_review",
		reasons: ["awaiting_approval", "compliance_review", "accept_recommended"],
		advancedBy: "submit",
	},
	/** The submit step claims the dispute before `submit: true`; a delivery cut short after claiming claims again. */
	claim_submit: { from: ["staged", "submitting"], to: "submitting", advancedBy: "submit" },
	/** The same for an approval: only what waited for review (or an interrupted claim) may be approved. */
	claim_approved: { from: ["awaiting_review", "submitting"], to: "submitting" },
	/** Stripe has the evidence: from our own submission, or as Stripe reports it. */
	mark_submitted: {
		from: ["submitting"],
		to: "submitted",
		reasons: ["stripe_reports_submitted"],
		notices: { submitted: "submitted" },
		advancedBy: "submit",
	},
	/** Stripe decided the dispute. It may decide again, never the same twice (the first closing time stays). */
	close: { from: "any other", to: ["won", "lost"], notices: { won: "won", lost: "lost" } },
	/** rebuttal will not answer. Only where nothing has gone to Stripe yet: these are the stages a skip may leave. */
	skip: {
		from: ["received", "assembling", "staged", "awaiting_review", "failed"],
		to: "skipped",
		reasons: [...NO_LONGER_ANSWERABLE, "inquiry_closed", "evidence_ignored", "operator_skip"],
	},
	/**
	 * The submit step stands down after Stripe confirmed that no evidence went in: past due, closed, or Stripe
	 * answers it. Unlike a skip it may leave its own claim (`submitting`); it never meets a dispute still assembling.
	 */
	withdraw: {
		from: ["staged", "awaiting_review", "submitting", "failed"],
		to: "skipped",
		reasons: NO_LONGER_ANSWERABLE,
	},
	/**
	 * Accepted in Stripe (conceded) instead of answered: too weak (DISPUTE_ACCEPT_WEAK), not worth its fee
	 * (FIGHT_POLICY=economic), or by a person, who may also accept what waits for review or failed.
	 */
	accept: {
		from: ["staged", "awaiting_review", "failed"],
		to: "skipped",
		reasons: ["accepted_weak", "accepted_uneconomic", "accepted_by_person"],
	},
	/**
	 * A step failed and retrying cannot help, or the queue gave up: an operator retries it. Never once evidence
	 * went out or the dispute ended, which makes these the stages in which a dispute is open.
	 */
	fail: {
		from: ["received", "assembling", "staged", "awaiting_review", "submitting", "failed", "appealing"],
		to: "failed",
		notices: { failed: "failed" },
	},
	/** An operator retries a failed dispute: from its evidence when it failed at submit, else from the start. */
	retry: { from: ["failed"], to: ["staged", "received"], reasons: ["retry_requested"] },
	/**
	 * Stripe offers an appeal (`appeal_needs_response`): from wherever the dispute was, or again from `appealing` to
	 * say why it waits for a person. Never once the appeal went in.
	 */
	appeal: {
		from: [...BEFORE_APPEAL, "appealing"],
		to: "appealing",
		reasons: ["appeal_waiting", "appeal_filing"],
	},
	/** The appeal is in: filed by rebuttal or by a person, or Stripe reports it under review (`appeal_under_review`). */
	submit_appeal: {
		from: [...BEFORE_APPEAL, "appealing"],
		to: "appeal_submitted",
		reasons: ["appeal_filed", "appeal_filed_by_person", "appeal_under_review"],
	},
	/** The retry's message could not be sent: back to failed, where it can be retried again. */
	retry_unsent: { from: ["staged", "received"], to: "failed" },
} as const satisfies Record<string, TransitionRule>;

type Rules = typeof TRANSITIONS;
export type TransitionName = keyof Rules;
export type Destination<T extends TransitionName> = Rules[T]["to"] extends readonly (infer S)[] ? S : Rules[T]["to"];
export type ReasonOf<T extends TransitionName> = Rules[T] extends { reasons: readonly (infer R extends ReasonCode)[] }
	? R
	: never;
export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as TransitionName[];

function rule(name: TransitionName): TransitionRule {
	return TRANSITIONS[name];
}

/** Where a transition may go. */
export function destinationsOf(name: TransitionName): Stage[] {
	const to = rule(name).to;
	return typeof to === "string" ? [to] : [...to];
}

/** The stages a transition may leave (to `to`, for one with several destinations). */
export function sourcesOf(name: TransitionName, to?: Stage): Stage[] {
	const { from } = rule(name);
	if (from !== "any other") return [...from];
	const targets = to ? [to] : destinationsOf(name);
	return STAGES.filter((stage) => !(targets.length === 1 && targets[0] === stage));
}

/** Whether a dispute at `stage` may make this move (to some destination of it). */
export function canLeave(name: TransitionName, stage: Stage): boolean {
	return destinationsOf(name).some((to) => sourcesOf(name, to).includes(stage));
}

/** Stages in which nothing has gone to Stripe yet: the stages a skip may leave. */
export const UNSUBMITTED_STAGES: readonly Stage[] = sourcesOf("skip");
/** Stages in which a dispute still needs something from rebuttal or an operator: those a failure may interrupt. */
export const OPEN_STAGES: readonly Stage[] = sourcesOf("fail");
/** Stages in which the dispute is done: evidence went out, or it ended. */
export const FINAL_STAGES: readonly Stage[] = STAGES.filter((stage) => !OPEN_STAGES.includes(stage));

/** The stages a queue's own work moves on from: a dispute there waits for that queue. */
export function stagesAdvancedBy(queue: "assemble" | "submit"): Stage[] {
	const stages = TRANSITION_NAMES.filter((name) => rule(name).advancedBy === queue).flatMap((name) => sourcesOf(name));
	return STAGES.filter((stage) => stages.includes(stage));
}
/** Stages in which work is in flight, waiting for one of the queues. */
export const IN_FLIGHT_STAGES: readonly Stage[] = [...stagesAdvancedBy("assemble"), ...stagesAdvancedBy("submit")];

/** The notices a move sends: its transition's for the destination reached, then its reason's. */
export function noticesOfMove(name: TransitionName, to: Stage, reasonCode: string | null | undefined): NotifyKind[] {
	const kinds = [rule(name).notices?.[to], reasonNotice(reasonCode)];
	return kinds.filter((kind): kind is NotifyKind => kind !== undefined && kind !== null);
}

/** The notices arriving at a stage sends, by whichever transition. */
export function arrivalNotices(stage: Stage): NotifyKind[] {
	const kinds = TRANSITION_NAMES.map((name) => rule(name).notices?.[stage]);
	return [...new Set(kinds.filter((kind): kind is NotifyKind => kind !== undefined))];
}

/** Stages a move that sends a notice may reach: where the deadline sweep looks for notices still owed. */
export const NOTICE_STAGES: readonly Stage[] = STAGES.filter((stage) =>
	TRANSITION_NAMES.some(
		(name) =>
			destinationsOf(name).includes(stage) &&
			(rule(name).notices?.[stage] !== undefined || (rule(name).reasons ?? []).some((code) => reasonNotice(code))),
	),
);
