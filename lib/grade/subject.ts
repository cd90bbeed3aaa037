import type { EvidenceCase } from "../evidence/types";
import type { GradeSubject } from "./checklist";

/** Facts whose values are amounts of the dispute's currency that a text may name. */
const AMOUNT_FACTS = ["dispute.amount", "charge.amount", "prior.total", "charge.amount_refunded"];

/** What the grader checks a dispute's submission against, from its case (kept in the dispute's record). */
export function gradeSubjectOf(
	c: EvidenceCase,
	extras: { ce3Qualified?: boolean; hasMessages?: boolean } = {},
): GradeSubject {
	const knownAmounts = c.facts
		.filter((f) => AMOUNT_FACTS.includes(f.id) && typeof f.value === "number")
		.map((f) => f.value as number);
	return {
		reason: c.dispute.reason,
		networkReasonCode: c.dispute.networkReasonCode,
		amount: c.dispute.amount,
		currency: c.dispute.currency,
		chargeCreatedAt: c.charge.createdAt,
		cardLast4: c.charge.cardLast4,
		statementDescriptor: c.charge.statementDescriptor,
		knownAmounts,
		hasMessages: extras.hasMessages ?? false,
		ce3Qualified: extras.ce3Qualified ?? false,
	};
}
