import { and, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { assessments, disputeOutcomes } from "../../schema";
import type { Db } from "../db/client";
import type { WinRecord } from "../decide/economics";

/** `won` or `lost` from Stripe's `dispute.status` alone; anything else is not (yet) an outcome. */
export function outcomeOfStatus(status: string): "won" | "lost" | null {
	return status === "won" || status === "lost" ? status : null;
}

/** The evidence fields of a dispute that hold something (text, a file id, a non-empty appeal). */
export function presentEvidenceFields(evidence: Stripe.Dispute.Evidence | null | undefined): string[] {
	if (!evidence) return [];
	return Object.entries(evidence)
		.filter(([, value]) => value !== null && value !== undefined && value !== "" && typeof value !== "object")
		.map(([name]) => name)
		.sort();
}

/**
 * Records how a closed dispute ended, once per dispute (a later pass refreshes it). Returns false when Stripe
 * does not report it as won or lost. `fought` is whether evidence was submitted: a dispute accepted or left to
 * expire is lost without a fight and must not count against the merchant's win record.
 */
export async function recordOutcome(
	db: Db,
	dispute: Stripe.Dispute,
	stripeAccount: string | null,
	source: "pipeline" | "history",
): Promise<boolean> {
	const outcome = outcomeOfStatus(dispute.status);
	if (!outcome) return false;
	const card = dispute.payment_method_details?.card;
	const charge = typeof dispute.charge === "object" ? dispute.charge : null;
	const row = {
		disputeId: dispute.id,
		stripeAccount,
		outcome,
		fought: (dispute.evidence_details?.submission_count ?? 0) > 0,
		source,
		reason: dispute.reason,
		network: card?.network ?? card?.brand ?? null,
		issuerCountry: charge?.payment_method_details?.card?.country ?? null,
		amount: dispute.amount,
		currency: dispute.currency,
		evidenceFields: presentEvidenceFields(dispute.evidence),
		lossReason:
			outcome === "lost" ? (dispute.payment_method_details?.klarna?.chargeback_loss_reason_code ?? null) : null,
		disputeCreatedAt: new Date(dispute.created * 1000),
	};
	const { disputeId: _id, source: _source, ...changes } = row;
	await db
		.insert(disputeOutcomes)
		.values(row)
		.onConflictDoUpdate({ target: disputeOutcomes.disputeId, set: { ...changes, recordedAt: sql`now()` } });
	return true;
}

const wins = sql<number>`count(*) filter (where ${disputeOutcomes.outcome} = 'won')::int`.mapWith(Number);
const decided = sql<number>`count(*)::int`.mapWith(Number);

/**
 * The merchant's own record of fought disputes of a reason: for the case's strength when that alone has enough
 * decided disputes, else for the reason as a whole (the caller decides what is enough).
 */
export async function winRecord(db: Db, reason: string, strength: string | null, enough: number): Promise<WinRecord> {
	const fought = and(eq(disputeOutcomes.reason, reason), eq(disputeOutcomes.fought, true));
	if (strength) {
		const [byStrength] = await db
			.select({ wins, decided })
			.from(disputeOutcomes)
			.innerJoin(assessments, eq(assessments.disputeId, disputeOutcomes.disputeId))
			.where(and(fought, eq(assessments.strength, strength as "strong" | "moderate" | "weak")));
		if (byStrength && byStrength.decided >= enough) {
			return { ...byStrength, basis: `reason ${reason}, ${strength} cases` };
		}
	}
	const [all] = await db.select({ wins, decided }).from(disputeOutcomes).where(fought);
	return { wins: all?.wins ?? 0, decided: all?.decided ?? 0, basis: `reason ${reason}` };
}
