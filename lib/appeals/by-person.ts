import type Stripe from "stripe";
import type { FeeTable } from "../decide/fees";
import { type MoveDeps, move } from "../dispute/move";
import { reason } from "../dispute/reasons";
import { APPEAL_NEEDS_RESPONSE } from "../dispute/statuses";
import { getDispute, getEvidence, recordAttempt } from "../dispute/store";
import { ConflictError, NotFoundError } from "../errors";
import { formatAmount } from "../format";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";
import { appealFee, fileAppeal } from "./appeal";

/** What a person's "File appeal" needs: the database, Stripe, and the filing fees (APPEAL_FEES). */
export interface AppealActionDeps extends MoveDeps {
	stripe: Stripe;
	appealFees: FeeTable;
}

/** The filing fee of the dispute's appeal in words, as the button, the confirmation and the record name it. */
export function appealFeeText(fees: FeeTable, currency: string): string {
	const fee = appealFee(fees, currency);
	return fee === null ? "unknown (not in APPEAL_FEES)" : formatAmount(fee, currency);
}

/**
 * A person files the appeal of a dispute rebuttal left waiting in `appealing` (its filing fee unknown or above
 * APPEAL_AUTO_MAX_FEE, which a person may choose to pay). The appeal goes through the same filing as rebuttal's own
 * (the same `evidence[appeal][card]`, the same idempotency key), once: refused unless the dispute is in `appealing`
 * and Stripe still reports `appeal_needs_response`.
 */
export async function fileAppealByPerson(deps: AppealActionDeps, disputeId: string, actor: string) {
	const row = await getDispute(deps.db, disputeId);
	if (!row) throw new NotFoundError(`no dispute ${disputeId}`);
	if (row.stage !== "appealing") {
		throw new ConflictError(`dispute ${disputeId} is ${row.stage}, not appealing: there is no appeal to file`);
	}
	const dispute = await stripeCall("retrieve dispute", () =>
		deps.stripe.disputes.retrieve(disputeId, {}, onBehalfOf(row.stripeAccount)),
	);
	if (dispute.status !== APPEAL_NEEDS_RESPONSE) {
		throw new ConflictError(
			`Stripe reports dispute ${disputeId} as ${dispute.status}, not ${APPEAL_NEEDS_RESPONSE}: the appeal can no longer be filed`,
		);
	}
	const evidence = await getEvidence(deps.db, disputeId);
	if (!evidence) {
		throw new ConflictError(`dispute ${disputeId} has no evidence of rebuttal's to appeal with`);
	}
	const fee = appealFee(deps.appealFees, dispute.currency);
	const feeText = appealFeeText(deps.appealFees, dispute.currency);
	const card = await fileAppeal(deps, dispute, evidence, row.stripeAccount);
	const moved = await move(deps, disputeId, "submit_appeal", {
		reason: reason("appeal_filed_by_person", actor, feeText),
	});
	if (moved) {
		await recordAttempt(deps.db, {
			disputeId,
			stage: "appeal",
			outcome: "ok",
			actor,
			detail: { filed: true, by: actor, fee, supportingFiles: card.supporting_files },
		});
	}
	return { id: disputeId, stage: "appeal_submitted" as const, fee, changed: moved };
}
