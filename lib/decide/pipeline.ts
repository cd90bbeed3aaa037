import type Stripe from "stripe";
import type { Stage } from "../../schema";
import { move } from "../dispute/move";
import { reason } from "../dispute/reasons";
import { recordAttempt } from "../dispute/store";
import { canLeave } from "../dispute/transitions";
import type { PipelineDeps } from "../pipeline/deps";
import { stripeCall } from "../stripe/errors";
import { decideFight, type FightDecision } from "./decide";
import { DEFAULT_COUNTERED_FEES } from "./fees";

/**
 * The pipeline's one call into the fight-or-accept decision: wires the configuration, the case's strength and the
 * Stripe account's country (asked for only under FIGHT_POLICY=economic; the isolate's read of the account, see
 * lib/stripe/accounts.ts) into `decideFight`.
 */
export function fightOrAccept(
	deps: Pick<PipelineDeps, "db" | "account" | "config">,
	dispute: { id: string; reason: string; amount: number; currency: string; stripeAccount: string | null },
	strength: string | null,
): Promise<FightDecision> {
	return decideFight(
		{
			db: deps.db,
			policy: deps.config.FIGHT_POLICY ?? "always",
			fees: deps.config.FIGHT_FEES ?? DEFAULT_COUNTERED_FEES,
			reviewMode: deps.config.SUBMIT_MODE === "review",
			accountCountry: async () => (await deps.account(dispute.stripeAccount)).country ?? null,
		},
		{ disputeId: dispute.id, reason: dispute.reason, amount: dispute.amount, currency: dispute.currency, strength },
	);
}

/** Accepts (closes) a dispute in Stripe, once: Visa charges nothing for an acceptance within 10 days. */
export async function acceptDispute(stripe: Stripe, disputeId: string, options: Stripe.RequestOptions) {
	await stripeCall("accept dispute", () =>
		stripe.disputes.close(disputeId, {}, { ...options, idempotencyKey: `rebuttal-accept-${disputeId}` }),
	);
}

/** An operator accepted the dispute (review mode, or against rebuttal's advice): close it, once, and record who. */
export async function acceptByPerson(
	deps: Pick<PipelineDeps, "db" | "stripe" | "notices">,
	row: { id: string; stage: Stage },
	options: Stripe.RequestOptions,
	attempt: { disputeId: string; stage: string; deliveryAttempt: number; actor: string },
) {
	const accepted = reason("accepted_by_person", attempt.actor);
	if (!canLeave("accept", row.stage)) {
		await recordAttempt(deps.db, { ...attempt, outcome: "duplicate", detail: { stage: row.stage } });
		return;
	}
	// Stripe first (one idempotency key per dispute), so a failed close is retried rather than recorded as done.
	await acceptDispute(deps.stripe, row.id, options);
	await move(deps, row.id, "accept", { reason: accepted });
	await recordAttempt(deps.db, {
		...attempt,
		outcome: "skipped",
		detail: { accepted: true, reason: accepted.message },
	});
}
