import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { assessments } from "../../schema";
import type { Db } from "../db/client";
import type { StrengthAssessment } from "./case-strength";
import { assessCe3, type Ce3Result } from "./ce3";
import { complianceProgram, skipReasonOf } from "./dispute-reasons";
import { keyFactCoverage, playbookFor } from "./playbooks";
import { lowerForRedFlags, type RedFlag } from "./red-flags";
import type { ChargeListing } from "./stripe-facts";
import type { CollectedCase } from "./types";

/** How rebuttal judges one dispute: playbook, strength, CE 3.0, compliance program and whether to answer at all. */
export interface DisputeAssessment {
	playbook: string;
	inquiry: boolean;
	strength: StrengthAssessment;
	keyFacts: { present: string[]; missing: string[] };
	ce3: Ce3Result;
	/** Facts that argue for the cardholder: withheld from the evidence, shown to the operator. */
	redFlags: RedFlag[];
	/** Evidence that was not on record (or did not fit) and would have helped, one line each. */
	wouldHelp: string[];
	compliance: "visa_compliance" | "mastercard_compliance" | null;
	skipReason: string | null;
}

/** `chargeListing`: the customer's earlier charges the case file already read, which CE 3.0 reuses when it can. */
export async function assessDispute(
	deps: { db: Db; stripe: Stripe; requestOptions?: Stripe.RequestOptions },
	dispute: Stripe.Dispute,
	charge: Stripe.Charge,
	evidenceCase: CollectedCase,
	chargeListing: ChargeListing | null = null,
): Promise<{ assessment: DisputeAssessment; rowsFetched: number }> {
	const playbook = playbookFor(dispute.reason, evidenceCase.dispute.networkReasonCode);
	const { result: ce3, rowsFetched } = await assessCe3(deps, dispute, charge, {
		accountId: evidenceCase.account?.id ?? null,
		email: evidenceCase.account?.email ?? evidenceCase.customer?.email ?? null,
		productDescription: evidenceCase.charge.description,
		purchaseIp: evidenceCase.purchaseIp?.ip ?? null,
		chargeListing,
	});
	return {
		assessment: {
			playbook: playbook.reason,
			inquiry: evidenceCase.dispute.isInquiry,
			strength: lowerForRedFlags(playbook.strength(evidenceCase), evidenceCase.redFlags ?? []),
			keyFacts: keyFactCoverage(playbook, evidenceCase),
			ce3,
			redFlags: evidenceCase.redFlags ?? [],
			wouldHelp: [],
			compliance: complianceProgram(dispute),
			skipReason: skipReasonOf(dispute),
		},
		rowsFetched,
	};
}

/** The enhanced evidence to send with the dispute's evidence: CE 3.0 when qualified, else none. */
export function enhancedEvidenceOf(ce3: unknown): Record<string, unknown> | null {
	const result = ce3 as Ce3Result | null;
	return result?.status === "qualified" ? { visa_compelling_evidence_3: result.evidence } : null;
}

export async function saveAssessment(db: Db, disputeId: string, a: DisputeAssessment): Promise<void> {
	const row = {
		disputeId,
		playbook: a.inquiry ? `${a.playbook} (inquiry)` : a.playbook,
		strength: a.strength.strength,
		tooWeak: a.strength.tooWeak,
		weakReason: a.strength.reason,
		keyFacts: a.keyFacts,
		ce3: a.ce3,
		redFlags: a.redFlags,
		wouldHelp: a.wouldHelp,
		compliance: a.compliance,
		skipReason: a.skipReason,
	};
	await db
		.insert(assessments)
		.values(row)
		.onConflictDoUpdate({ target: assessments.disputeId, set: { ...row, updatedAt: sql`now()` } });
}

export type AssessmentRow = typeof assessments.$inferSelect;

export async function getAssessment(db: Db, disputeId: string): Promise<AssessmentRow | undefined> {
	const [row] = await db.select().from(assessments).where(eq(assessments.disputeId, disputeId));
	return row;
}

/** The assessment as the operator API shows it. */
export function presentAssessment(row: AssessmentRow | undefined) {
	if (!row) return null;
	const ce3 = row.ce3 as Ce3Result | null;
	return {
		playbook: row.playbook,
		strength: row.strength,
		tooWeak: row.tooWeak,
		weakReason: row.weakReason,
		keyFacts: row.keyFacts,
		redFlags: (row.redFlags as RedFlag[] | null) ?? [],
		wouldHelp: row.wouldHelp ?? [],
		compliance: row.compliance,
		skipReason: row.skipReason,
		ce3: ce3
			? ce3.status === "qualified"
				? { status: ce3.status, matched: ce3.matched, priorCharges: ce3.priorCharges }
				: { status: ce3.status, failed: ce3.failed, detail: ce3.detail }
			: null,
	};
}

export type SubmissionPolicy =
	| { action: "skip"; reason: string }
	| { action: "accept"; reason: string }
	| {
			action: "answer";
			/** `evidence[enhanced_evidence]` to send, or null. */
			enhanced: Record<string, unknown> | null;
			/** Why an operator must approve even in auto mode, or null. */
			reviewReason: string | null;
	  };

/** The actor the deadline sweep approves with when REVIEW_AUTOSUBMIT_HOURS is set: a program, not a person. */
export const AUTO_SUBMIT_ACTOR = "auto-submit";

/** Whether an approval came from a person (an operator through the dashboard or the API), not from rebuttal itself. */
export function isPersonApproval(approvedBy: string | undefined): boolean {
	return approvedBy !== undefined && approvedBy !== "system" && approvedBy !== AUTO_SUBMIT_ACTOR;
}

/**
 * What submit does with a staged dispute, from its assessment: skip it (Klarna), accept it (too weak, only when
 * DISPUTE_ACCEPT_WEAK is on, in auto mode, and never a compliance case), or answer it — with CE 3.0 when
 * qualified. A compliance case always waits for an operator, and only an operator's approval acknowledges its
 * network fee.
 */
export function submissionPolicy(
	row: AssessmentRow | undefined,
	options: { acceptWeak: boolean; autoMode: boolean; approvedBy: string | undefined },
): SubmissionPolicy {
	if (!row) return { action: "answer", enhanced: null, reviewReason: null };
	if (row.skipReason) return { action: "skip", reason: row.skipReason };
	const compliance = row.compliance as "visa_compliance" | "mastercard_compliance" | null;
	if (row.tooWeak && options.acceptWeak && options.autoMode && !options.approvedBy && !compliance) {
		return { action: "accept", reason: `accepted as too weak to fight (DISPUTE_ACCEPT_WEAK): ${row.weakReason}` };
	}
	const enhanced: Record<string, unknown> = { ...enhancedEvidenceOf(row.ce3) };
	if (compliance && isPersonApproval(options.approvedBy)) enhanced[compliance] = { fee_acknowledged: true };
	return {
		action: "answer",
		enhanced: Object.keys(enhanced).length > 0 ? enhanced : null,
		reviewReason: compliance
			? `${compliance} dispute: countering it costs a network fee that only an operator may acknowledge`
			: null,
	};
}
