import type Stripe from "stripe";
import { counteredFee, type FeeTable } from "../decide/fees";
import { move } from "../dispute/move";
import { reason } from "../dispute/reasons";
import { APPEAL_UNDER_REVIEW } from "../dispute/statuses";
import { type DisputeRow, type EvidenceRow, getEvidence, recordAttempt } from "../dispute/store";
import type { PipelineDeps } from "../pipeline/deps";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";

/**
 * Appeals (Stripe API 2026-10-28): after the issuer decides against the merchant, Stripe may offer one appeal
 * (`appeal_needs_response`), answered once with `evidence[appeal][card]` — `reason_for_filing` and
 * `supporting_files` — and then reviewed (`appeal_under_review`) until `won` or `lost`. An appeal can cost an
 * arbitration filing fee: rebuttal files one by itself only when that fee is known (APPEAL_FEES) and at most
 * APPEAL_AUTO_MAX_FEE; otherwise the dispute waits in `appealing` for a person, with the fee shown.
 */

export type AppealFeeDecision = { file: true; fee: number } | { file: false; fee: number | null; reason: string };

/** Whether rebuttal may file the appeal itself, from the filing fee and the configured maximum. */
export function appealFeeDecision(fee: number | null, maxAuto: number | undefined): AppealFeeDecision {
	if (fee === null) {
		return { file: false, fee, reason: "the arbitration filing fee is unknown (APPEAL_FEES): a person decides" };
	}
	if (maxAuto === undefined || fee > maxAuto) {
		return {
			file: false,
			fee,
			reason: `the arbitration filing fee ${fee} is above APPEAL_AUTO_MAX_FEE ${maxAuto ?? "(unset)"}: a person decides`,
		};
	}
	return { file: true, fee };
}

/** `reason_for_filing`, from the issuer's decision and the facts of the evidence already submitted. */
export function reasonForFiling(
	dispute: Pick<Stripe.Dispute, "id" | "reason" | "network_reason_code">,
	evidence: EvidenceRow,
) {
	const facts = (Array.isArray(evidence.facts) ? (evidence.facts as Record<string, unknown>[]) : [])
		.map((f) => [String(f.label ?? ""), String(f.display ?? f.value ?? "")])
		.filter(([label, display]) => label && display)
		.slice(0, 6)
		.map(([label, display]) => `${label}: ${display}`);
	const code = dispute.network_reason_code ? ` (network reason code ${dispute.network_reason_code})` : "";
	return [
		`The issuer decided dispute ${dispute.id}${code}, filed as ${dispute.reason.replace(/_/g, " ")}, for the cardholder. The merchant asks for that decision to be reviewed against the evidence it submitted, which the attached report sets out in full.`,
		facts.length ? `The facts that evidence shows: ${facts.join("; ")}.` : null,
	]
		.filter(Boolean)
		.join("\n\n")
		.slice(0, 20_000);
}

/** The filing fee of an appeal of a dispute in this currency (APPEAL_FEES), or null when it is not known. */
export function appealFee(fees: FeeTable | undefined, currency: string): number | null {
	return counteredFee(fees ?? {}, null, currency);
}

/**
 * Sends the appeal to Stripe: `evidence[appeal][card]` from the evidence rebuttal submitted, with `submit`. The
 * idempotency key is the dispute's, so the automatic filing and a person's, or two clicks, file it once.
 */
export async function fileAppeal(
	deps: { stripe: Stripe },
	dispute: Pick<Stripe.Dispute, "id" | "reason" | "network_reason_code">,
	evidence: EvidenceRow,
	stripeAccount: string | null,
) {
	const card = { reason_for_filing: reasonForFiling(dispute, evidence), supporting_files: [evidence.fileId] };
	await stripeCall("file appeal", () =>
		deps.stripe.disputes.update(
			dispute.id,
			{ evidence: { appeal: { card } }, submit: true },
			{ ...onBehalfOf(stripeAccount), idempotencyKey: `rebuttal-appeal-${dispute.id}` },
		),
	);
	return card;
}

type Attempt = { disputeId: string; eventId: string | null; deliveryAttempt: number; actor: string };

/** One pass over a dispute in an appeal status, as Stripe reports it now. */
export async function handleAppeal(
	deps: PipelineDeps,
	dispute: Stripe.Dispute,
	row: DisputeRow,
	stripeAccount: string | null,
	attempt: Attempt,
) {
	const { db } = deps;
	if (dispute.status === APPEAL_UNDER_REVIEW) {
		if (row.stage !== "appeal_submitted") {
			await move(deps, dispute.id, "submit_appeal", { reason: reason("appeal_under_review") });
		}
		await recordAttempt(db, { ...attempt, stage: "appeal", outcome: "ok", detail: { status: dispute.status } });
		return;
	}
	if (row.stage === "appeal_submitted") return;
	const fee = appealFee(deps.config.APPEAL_FEES, dispute.currency);
	const decision = appealFeeDecision(fee, deps.config.APPEAL_AUTO_MAX_FEE);
	const evidence = await getEvidence(db, dispute.id);
	const wait = !decision.file
		? decision.reason
		: !evidence
			? "no evidence of rebuttal's to appeal with: a person decides"
			: null;
	if (wait) {
		await move(deps, dispute.id, "appeal", { reason: reason("appeal_waiting", wait) });
		await recordAttempt(db, { ...attempt, stage: "appeal", outcome: "skipped", detail: { reason: wait, fee } });
		return;
	}
	await move(deps, dispute.id, "appeal", { reason: reason("appeal_filing") });
	const card = await fileAppeal(deps, dispute, evidence!, stripeAccount);
	await move(deps, dispute.id, "submit_appeal", {
		reason: reason("appeal_filed", decision.file ? decision.fee : null),
	});
	await recordAttempt(db, {
		...attempt,
		stage: "appeal",
		outcome: "ok",
		detail: { filed: true, fee, supportingFiles: card.supporting_files },
	});
}
