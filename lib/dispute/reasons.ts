import type { NotifyKind } from "./notices";

interface ReasonEntry {
	/** The reason in words, as the API, the dashboard and notifications show it. */
	says: (...details: never[]) => string;
	/** The notice a move for this reason sends besides its transition's own. */
	notice?: NotifyKind;
}

/**
 * Why a dispute is at its stage, as codes: programs compare the code, people read the words. Stored on the
 * dispute as `stage_reason_code` beside `stage_reason` (the words), so the API keeps showing a readable reason.
 * Each transition of lib/dispute/transitions.ts lists the codes it may carry.
 */
export const STAGE_REASONS = {
	inquiry_closed: { says: () => "the inquiry was closed without becoming a chargeback" },
	status_not_open: { says: (status: string) => `dispute status is ${status}` },
	submitted_elsewhere: { says: () => "evidence was submitted outside rebuttal" },
	stripe_reports_submitted: { says: () => "Stripe reports the evidence as submitted" },
	smart_disputes_submitted: {
		says: () => "Stripe Smart Disputes submitted this dispute's evidence; rebuttal did not",
		notice: "stripe_handles",
	},
	smart_disputes_intended: {
		says: (intended: string) =>
			`Stripe Smart Disputes is handling this dispute's evidence (intended_submission_method ${intended}); rebuttal will not submit over it`,
		notice: "stripe_handles",
	},
	no_due_by: { says: () => "no response window: Stripe gives no due_by for this dispute" },
	past_due: { says: (dueBy: Date) => `no response window: due_by ${dueBy.toISOString()} has passed` },
	already_submitted: { says: () => "evidence was already submitted" },
	/** The assessment says evidence would be ignored (a Klarna inquiry or dispute); its words say why. */
	evidence_ignored: { says: (why: string) => why },
	/** Accepted as too weak to fight (DISPUTE_ACCEPT_WEAK); the policy's words say why. */
	accepted_weak: { says: (why: string) => why },
	/** Accepted early as not worth fighting (FIGHT_POLICY=economic); the decision's words give its numbers. */
	accepted_uneconomic: { says: (why: string) => why },
	/** A person chose to accept instead of answering (the dashboard's or the API's accept). */
	accepted_by_person: { says: (actor: string) => `accepted by ${actor}` },
	/** Review mode under FIGHT_POLICY=economic: rebuttal recommends accepting, a person decides; its words say why. */
	accept_recommended: { says: (why: string) => why },
	/** A compliance case: only an operator may acknowledge its network fee; the policy's words say which. */
	compliance_review: { says: (why: string) => why },
	awaiting_approval: { says: () => "waiting for an operator's approval" },
	retry_requested: { says: (actor: string) => `retry requested by ${actor}` },
	operator_skip: { says: (actor: string, text: string) => `skipped by ${actor}: ${text}` },
	/** A closed dispute recorded by the history import (lib/outcomes/history.ts), as it ended. */
	imported_history: { says: () => "imported from Stripe's dispute history" },
	/** Stripe offers an appeal and rebuttal does not file it itself (the fee, or no evidence); a person decides. */
	appeal_waiting: { says: (why: string) => `appeal offered; not filed automatically: ${why}` },
	/** rebuttal is filing the appeal (its filing fee is known and within APPEAL_AUTO_MAX_FEE). */
	appeal_filing: { says: () => "filing the appeal" },
	appeal_filed: {
		says: (fee: number | null) => `appeal filed (filing fee ${fee ?? "?"} at most APPEAL_AUTO_MAX_FEE)`,
	},
	/** A person filed the appeal rebuttal waited with (the dashboard's or the API's "File appeal"). */
	appeal_filed_by_person: {
		says: (actor: string, fee: string) => `appeal filed by ${actor} (filing fee ${fee})`,
	},
	appeal_under_review: { says: () => "Stripe reports the appeal under review" },
} as const satisfies Record<string, ReasonEntry>;

export type ReasonCode = keyof typeof STAGE_REASONS;

export interface StageReason<C extends ReasonCode = ReasonCode> {
	code: C;
	message: string;
}

/** A reason with its words: `reason("past_due", dueBy)`. */
export function reason<C extends ReasonCode>(
	code: C,
	...details: Parameters<(typeof STAGE_REASONS)[C]["says"]>
): StageReason<C> {
	const says = STAGE_REASONS[code].says as (...args: typeof details) => string;
	return { code, message: says(...details) };
}

export function isReasonCode(code: string | null | undefined): code is ReasonCode {
	return typeof code === "string" && Object.hasOwn(STAGE_REASONS, code);
}

/** The notice a reason sends, if any. */
export function reasonNotice(code: string | null | undefined): NotifyKind | null {
	if (!isReasonCode(code)) return null;
	const entry: ReasonEntry = STAGE_REASONS[code];
	return entry.notice ?? null;
}
