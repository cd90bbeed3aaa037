import { eq, sql } from "drizzle-orm";
import { fightDecisions } from "../../schema";
import type { Db } from "../db/client";
import { winRecord } from "../outcomes/record";
import { type EconomicVerdict, economicVerdict, MIN_DECIDED } from "./economics";
import { counteredFee, type FeeTable } from "./fees";

export type FightPolicy = "always" | "economic";

export interface FightInput {
	disputeId: string;
	reason: string;
	amount: number;
	currency: string;
	/** The assessed strength of the case (`strong`, `moderate`, `weak`), when assembled. */
	strength: string | null;
}

export interface FightDeps {
	db: Db;
	policy: FightPolicy;
	fees: FeeTable;
	reviewMode: boolean;
	/** The Stripe account's country (ISO 3166-1 alpha-2), or null when it cannot be read. */
	accountCountry(): Promise<string | null>;
}

export interface FightDecision extends EconomicVerdict {
	policy: FightPolicy;
	action: "answer" | "accept" | "ask";
	country: string | null;
}

/**
 * Decides whether to answer a dispute and records the decision with its numbers. `always` answers without
 * pricing. `economic` accepts early when fighting does not pay — or, in review mode, asks a person instead of
 * acting — and answers, saying why, whenever there is no economic verdict (too little history, unknown fee).
 */
export async function decideFight(deps: FightDeps, input: FightInput): Promise<FightDecision> {
	const decision = await priced(deps, input);
	await saveDecision(deps.db, input.disputeId, decision);
	return decision;
}

async function priced(deps: FightDeps, input: FightInput): Promise<FightDecision> {
	if (deps.policy === "always") {
		const verdict = economicVerdict({ amount: input.amount, currency: input.currency, fee: null, record: null });
		return {
			...verdict,
			policy: "always",
			action: "answer",
			country: null,
			reason: "FIGHT_POLICY=always: every dispute worth answering is answered",
		};
	}
	const country = await deps.accountCountry().catch(() => null);
	const fee = counteredFee(deps.fees, country, input.currency);
	const record = await winRecord(deps.db, input.reason, input.strength, MIN_DECIDED);
	const verdict = economicVerdict({ amount: input.amount, currency: input.currency, fee, record });
	if (verdict.verdict !== "accept") return { ...verdict, policy: "economic", action: "answer", country };
	if (deps.reviewMode) {
		return {
			...verdict,
			policy: "economic",
			action: "ask",
			country,
			reason: `rebuttal recommends accepting: ${verdict.reason}. Approve to fight anyway, or accept it`,
		};
	}
	return { ...verdict, policy: "economic", action: "accept", country, reason: `accepted early: ${verdict.reason}` };
}

export async function saveDecision(db: Db, disputeId: string, d: FightDecision): Promise<void> {
	const row = {
		disputeId,
		policy: d.policy,
		verdict: d.verdict,
		action: d.action,
		reason: d.reason,
		amount: d.amount,
		currency: d.currency,
		country: d.country,
		fee: d.fee,
		wins: d.wins,
		decided: d.decided,
		basis: d.basis,
		probability: d.probability,
		breakEven: d.breakEven,
		expectedGain: d.expectedGain,
	};
	const { disputeId: _id, ...changes } = row;
	await db
		.insert(fightDecisions)
		.values(row)
		.onConflictDoUpdate({ target: fightDecisions.disputeId, set: { ...changes, decidedAt: sql`now()` } });
}

export type FightDecisionRow = typeof fightDecisions.$inferSelect;

export async function getDecision(db: Db, disputeId: string): Promise<FightDecisionRow | undefined> {
	const [row] = await db.select().from(fightDecisions).where(eq(fightDecisions.disputeId, disputeId));
	return row;
}

/** The decision as the API and the dispute page show it: counts as `3/7`, never a bare percentage. */
export function presentDecision(row: FightDecisionRow | undefined) {
	if (!row) return null;
	return {
		policy: row.policy,
		verdict: row.verdict,
		action: row.action,
		reason: row.reason,
		amount: row.amount,
		currency: row.currency,
		country: row.country,
		fee: row.fee,
		record: row.decided !== null ? `${row.wins}/${row.decided}` : null,
		basis: row.basis,
		breakEven: row.breakEven,
		expectedGain: row.expectedGain,
		decidedAt: row.decidedAt.toISOString(),
	};
}
