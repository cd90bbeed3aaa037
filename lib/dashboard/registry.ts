import type Stripe from "stripe";
import type { Stage } from "../../schema";
import { appealFeeText, fileAppealByPerson } from "../appeals/by-person";
import { acceptByOperator } from "../decide/actions";
import type { FeeTable } from "../decide/fees";
import { canLeave } from "../dispute/transitions";
import {
	type ActionDeps,
	approveDispute,
	backfillNow,
	RETRY_ALL_LIMIT,
	retryAllFailed,
	retryDispute,
	skipDispute,
} from "./actions";

/** What an action on one dispute may use: the pipeline's queues and database, Stripe, and the appeal fees. */
export interface DisputeActionDeps extends ActionDeps {
	stripe: Stripe;
	appealFees: FeeTable;
}

/** What a button and its confirmation may say of the dispute (the appeal names its filing fee). */
export interface ActionContext {
	dispute: { stage: Stage; currency: string };
	appealFees: FeeTable;
}

/**
 * Every operator action the dashboard offers, in one place. A page lists an action where `available` says so;
 * choosing it opens a confirmation page; the confirmed form posts to the action, which runs `run` with the actor
 * "dashboard". Adding an action is adding an entry here (the routes and pages are generic).
 */
export interface DisputeAction {
	label: string;
	/** What the confirmation page says will happen. */
	confirm: string | ((context: ActionContext) => string);
	/** Said beside the button's label (e.g. the appeal's filing fee). */
	hint?: (context: ActionContext) => string;
	/** The operator must give a reason (recorded in the attempts log). */
	needsReason?: boolean;
	/** Styled as a destructive choice. */
	danger?: boolean;
	available(dispute: { stage: Stage }, mode: "auto" | "review"): boolean;
	run(deps: DisputeActionDeps, disputeId: string, input: { reason?: string }, actor: string): Promise<unknown>;
}

/** The confirmation text of an action for this dispute. */
export function confirmText(action: DisputeAction, context: ActionContext): string {
	return typeof action.confirm === "string" ? action.confirm : action.confirm(context);
}

export type DisputeActionName = "retry" | "approve" | "accept" | "skip" | "appeal";

export const disputeActions: Record<DisputeActionName, DisputeAction> = {
	retry: {
		label: "Retry",
		confirm: "Re-enqueue the stage that failed. The dispute leaves `failed` at once, so a second click does nothing.",
		available: (d) => canLeave("retry", d.stage),
		run: (deps, id, _input, actor) => retryDispute(deps, id, actor),
	},
	approve: {
		label: "Approve and submit",
		confirm: "Submit the staged evidence to Stripe. Submission is final: Stripe accepts one per dispute.",
		available: (d) => d.stage === "awaiting_review",
		run: (deps, id, _input, actor) => approveDispute(deps, id, actor),
	},
	accept: {
		label: "Accept (close)",
		confirm:
			"Accept the dispute in Stripe instead of answering it: the amount stays with the customer and no countered fee can be charged. Accepting is final.",
		danger: true,
		available: (d) => d.stage === "awaiting_review",
		run: (deps, id, _input, actor) => acceptByOperator(deps, id, actor),
	},
	skip: {
		label: "Skip (accept)",
		confirm:
			"Do not answer this dispute: rebuttal stops working on it and it will not be submitted. Give the reason for the record.",
		needsReason: true,
		danger: true,
		available: (d) => canLeave("skip", d.stage),
		run: (deps, id, input, actor) => skipDispute(deps, id, input.reason ?? "", actor),
	},
	appeal: {
		label: "File appeal",
		hint: (c) => `filing fee ${appealFeeText(c.appealFees, c.dispute.currency)}`,
		confirm: (c) =>
			`File the appeal in Stripe with rebuttal's submitted evidence report, once. The arbitration filing fee is ${appealFeeText(c.appealFees, c.dispute.currency)} (APPEAL_FEES). Filing is final: Stripe accepts one appeal per dispute.`,
		danger: true,
		available: (d) => d.stage === "appealing",
		run: (deps, id, _input, actor) => fileAppealByPerson(deps, id, actor),
	},
};

export function disputeAction(name: string): DisputeAction | undefined {
	return Object.hasOwn(disputeActions, name) ? disputeActions[name as DisputeActionName] : undefined;
}

/** What an action on the whole pipeline may use besides the database and queues. */
export interface GlobalActionDeps extends ActionDeps {
	stripe: Stripe;
	/** Connected accounts configured in STRIPE_ACCOUNTS. */
	accounts: readonly string[];
}

/** Actions on the whole pipeline rather than one dispute. */
export interface GlobalAction {
	label: string;
	confirm: string;
	/** The page the operator returns to. */
	back: string;
	run(deps: GlobalActionDeps, actor: string): Promise<{ summary: string }>;
}

export type GlobalActionName = "retry-failed" | "backfill";

export const globalActions: Record<GlobalActionName, GlobalAction> = {
	"retry-failed": {
		label: "Retry all failed",
		confirm: `Re-enqueue every failed dispute, oldest failure first, at most ${RETRY_ALL_LIMIT} at a time. Each one is retried once even if two operators click.`,
		back: "/dashboard/failed",
		run: async (deps, actor) => {
			const result = await retryAllFailed(deps, actor);
			const summary = `${result.retried.length} retried${result.skipped.length ? `, ${result.skipped.length} already in progress` : ""}${result.more ? "; more remain, run it again" : ""}`;
			return { summary };
		},
	},
	backfill: {
		label: "Check Stripe for missed disputes",
		confirm:
			"List the open disputes Stripe reports (for the platform and every account in STRIPE_ACCOUNTS) and queue each one rebuttal does not know yet. The cron does this every 15 minutes; running it twice queues nothing twice.",
		back: "/dashboard",
		run: async (deps, actor) => {
			const result = await backfillNow(deps, actor);
			const failed = result.accounts.filter((a) => a.error);
			const later = result.accounts.some((a) => a.resumesLater);
			const summary = `${result.enqueued} missed dispute${result.enqueued === 1 ? "" : "s"} queued from ${result.accounts.length} account${result.accounts.length === 1 ? "" : "s"}${result.imported ? `; ${result.imported} closed dispute${result.imported === 1 ? "" : "s"} of the last 12 months imported` : ""}${later ? "; more pages remain for the next run" : ""}${failed.length ? `; failed for ${failed.map((a) => `${a.account ?? "the platform"} (${a.error})`).join(", ")}` : ""}`;
			return { summary };
		},
	},
};

export function globalAction(name: string): GlobalAction | undefined {
	return Object.hasOwn(globalActions, name) ? globalActions[name as GlobalActionName] : undefined;
}
