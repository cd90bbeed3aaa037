import type { Stage } from "../../schema";
import {
	type ActionDeps,
	approveDispute,
	RETRY_ALL_LIMIT,
	retryAllFailed,
	retryDispute,
	SKIPPABLE_BY_OPERATOR,
	skipDispute,
} from "./actions";

/**
 * Every operator action the dashboard offers, in one place. A page lists an action where `available` says so;
 * choosing it opens a confirmation page; the confirmed form posts to the action, which runs `run` with the actor
 * "dashboard". Adding an action is adding an entry here (the routes and pages are generic).
 */
export interface DisputeAction {
	label: string;
	/** What the confirmation page says will happen. */
	confirm: string;
	/** The operator must give a reason (recorded in the attempts log). */
	needsReason?: boolean;
	/** Styled as a destructive choice. */
	danger?: boolean;
	available(dispute: { stage: Stage }, mode: "auto" | "review"): boolean;
	run(deps: ActionDeps, disputeId: string, input: { reason?: string }, actor: string): Promise<unknown>;
}

export type DisputeActionName = "retry" | "approve" | "skip";

export const disputeActions: Record<DisputeActionName, DisputeAction> = {
	retry: {
		label: "Retry",
		confirm: "Re-enqueue the stage that failed. The dispute leaves `failed` at once, so a second click does nothing.",
		available: (d) => d.stage === "failed",
		run: (deps, id, _input, actor) => retryDispute(deps, id, actor),
	},
	approve: {
		label: "Approve and submit",
		confirm: "Submit the staged evidence to Stripe. Submission is final: Stripe accepts one per dispute.",
		available: (d) => d.stage === "awaiting_review",
		run: (deps, id, _input, actor) => approveDispute(deps, id, actor),
	},
	skip: {
		label: "Skip (accept)",
		confirm:
			"Do not answer this dispute: rebuttal stops working on it and it will not be submitted. Give the reason for the record.",
		needsReason: true,
		danger: true,
		available: (d) => SKIPPABLE_BY_OPERATOR.includes(d.stage),
		run: (deps, id, input, actor) => skipDispute(deps, id, input.reason ?? "", actor),
	},
};

export function disputeAction(name: string): DisputeAction | undefined {
	return Object.hasOwn(disputeActions, name) ? disputeActions[name as DisputeActionName] : undefined;
}

/** Actions on the whole pipeline rather than one dispute (e.g. a future "backfill now"). */
export interface GlobalAction {
	label: string;
	confirm: string;
	run(deps: ActionDeps, actor: string): Promise<{ summary: string }>;
}

export const globalActions: Record<"retry-failed", GlobalAction> = {
	"retry-failed": {
		label: "Retry all failed",
		confirm: `Re-enqueue every failed dispute, oldest failure first, at most ${RETRY_ALL_LIMIT} at a time. Each one is retried once even if two operators click.`,
		run: async (deps, actor) => {
			const result = await retryAllFailed(deps, actor);
			const summary = `${result.retried.length} retried${result.skipped.length ? `, ${result.skipped.length} already in progress` : ""}${result.more ? "; more remain, run it again" : ""}`;
			return { summary };
		},
	},
};

export function globalAction(name: string): GlobalAction | undefined {
	return Object.hasOwn(globalActions, name) ? globalActions[name as keyof typeof globalActions] : undefined;
}
