import type Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../lib/config";
import { fundsOf, recordFunds } from "../../lib/dispute/funds";
import type { EventMessage } from "../../lib/messages";
import { handleAssembleMessage } from "../../lib/pipeline/assemble";
import type { PipelineDeps } from "../../lib/pipeline/deps";
import type { StripeObject } from "../../local/stripe-emulator/client";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

// charge.dispute.funds_withdrawn / funds_reinstated: each balance transaction of a dispute is recorded once in
// rebuttal.funds_movements, whatever the order of the events, read from the dispute as the emulator reports it.

let h: EmulatorHarness;
let t: TestDatabase;
useEmulatorAndDatabase((harness, database) => {
	[h, t] = [harness, database];
});
beforeEach(async () => {
	await h.controls.reset();
	await t.exec("truncate rebuttal.funds_movements, rebuttal.disputes, rebuttal.events, rebuttal.attempts cascade");
});

const AMOUNT = 4900;
const FEE = 1500;

function withdrawal(dispute: StripeObject): StripeObject {
	return {
		id: `txn_w_${dispute.id}`,
		object: "balance_transaction",
		amount: -AMOUNT,
		fee: FEE,
		net: -AMOUNT - FEE,
		currency: "usd",
		created: dispute.created + 3600,
		reporting_category: "dispute",
		type: "adjustment",
	};
}

function reinstatement(dispute: StripeObject): StripeObject {
	return {
		id: `txn_r_${dispute.id}`,
		object: "balance_transaction",
		amount: AMOUNT,
		fee: 0,
		net: AMOUNT,
		currency: "usd",
		created: dispute.created + 30 * 86_400,
		reporting_category: "dispute_reversal",
		type: "adjustment",
	};
}

/** A dispute on a seeded charge, created 40 days ago: Stripe has withdrawn its amount and fee. */
async function withdrawnDispute(account?: string): Promise<StripeObject> {
	const { charges } = await h.controls.seed({ charges: [{ amount: AMOUNT, ...(account ? { account } : {}) }] });
	const created = Math.floor(Date.now() / 1000) - 40 * 86_400;
	const { disputes } = await h.controls.seed({
		disputes: [{ charge: charges[0]!.id, created, status: "under_review", ...(account ? { account } : {}) }],
	});
	const dispute = disputes[0]!;
	return await update(dispute, { balance_transactions: [withdrawal(dispute)] }, account);
}

/** Replaces the stored dispute with `patch` applied (the emulator keeps its place in lists). */
async function update(dispute: StripeObject, patch: StripeObject, account?: string): Promise<StripeObject> {
	const { disputes } = await h.controls.seed({
		disputes: [{ ...dispute, ...patch, ...(account ? { account } : {}) }],
	});
	return disputes[0]!;
}

async function retrieve(id: string, account?: string): Promise<Stripe.Dispute> {
	return h.stripe().disputes.retrieve(id, {}, account ? { stripeAccount: account } : {});
}

async function movements(disputeId: string) {
	const { rows } = await t.exec(
		"select id, amount, fee, net, category, stripe_account from rebuttal.funds_movements where dispute_id = $1",
		[disputeId],
	);
	return rows.map((r) => ({ ...r, amount: Number(r.amount), fee: Number(r.fee), net: Number(r.net) }));
}

describe("recordFunds", () => {
	it("records the withdrawal, then the reinstatement after a win, each balance transaction once", async () => {
		const open = await withdrawnDispute();
		const id = open.id as string;
		const whileOpen = await retrieve(id);
		expect(await recordFunds(t.db, whileOpen, null)).toBe(1);

		await update(open, { status: "won", balance_transactions: [withdrawal(open), reinstatement(open)] });
		const won = await retrieve(id);
		expect(await recordFunds(t.db, won, null)).toBe(1);
		// Again, and the stale copy of the dispute from before the win: nothing new.
		expect(await recordFunds(t.db, won, null)).toBe(0);
		expect(await recordFunds(t.db, whileOpen, null)).toBe(0);

		const funds = await fundsOf(t.db, id);
		expect(funds.movements.map((m) => [m.id, m.amount, m.fee, m.net, m.category])).toEqual([
			[`txn_r_${id}`, AMOUNT, 0, AMOUNT, "dispute_reversal"],
			[`txn_w_${id}`, -AMOUNT, FEE, -AMOUNT - FEE, "dispute"],
		]);
		expect(funds.movements[0]!.occurredAt.getTime()).toBe((open.created + 30 * 86_400) * 1000);
		// The amount came back; the fee did not.
		expect(funds.totals).toEqual({ amount: 0, fee: FEE, net: -FEE });
	});

	it("records withdrawal and reinstatement from the first read of a won dispute, and nothing on the next", async () => {
		const open = await withdrawnDispute();
		const id = open.id as string;
		await update(open, { status: "won", balance_transactions: [withdrawal(open), reinstatement(open)] });
		expect(await recordFunds(t.db, await retrieve(id), null)).toBe(2);
		expect(await recordFunds(t.db, await retrieve(id), null)).toBe(0);
		expect((await fundsOf(t.db, id)).totals).toEqual({ amount: 0, fee: FEE, net: -FEE });
	});

	it("records a connected account's movements with the account, and nothing for a dispute without any", async () => {
		const open = await withdrawnDispute("acct_funds1");
		expect(await recordFunds(t.db, await retrieve(open.id, "acct_funds1"), "acct_funds1")).toBe(1);
		expect(await movements(open.id)).toEqual([
			{
				id: `txn_w_${open.id}`,
				amount: -AMOUNT,
				fee: FEE,
				net: -AMOUNT - FEE,
				category: "dispute",
				stripe_account: "acct_funds1",
			},
		]);

		const { charges } = await h.controls.seed({ charges: [{ amount: AMOUNT }] });
		const { disputes } = await h.controls.seed({ disputes: [{ charge: charges[0]!.id }] });
		expect(await recordFunds(t.db, await retrieve(disputes[0]!.id), null)).toBe(0);
		expect(await fundsOf(t.db, disputes[0]!.id)).toEqual({
			movements: [],
			totals: { amount: 0, fee: 0, net: 0 },
		});
	});
});

describe("charge.dispute.funds_reinstated through the pipeline", () => {
	function deps(): PipelineDeps {
		return {
			db: t.db,
			stripe: h.stripe(),
			config: {} as PipelineConfig,
			now: () => new Date(),
		} as unknown as PipelineDeps;
	}

	function message(event: StripeObject): EventMessage {
		return {
			kind: "event",
			eventId: event.id,
			type: event.type,
			objectId: event.data.object.id,
			stripeAccount: event.account ?? null,
			created: event.created,
		};
	}

	it("ends won with the withdrawal and the reinstatement recorded once, whatever the order of the events", async () => {
		const open = await withdrawnDispute();
		const id = open.id as string;
		// rebuttal submitted the evidence; Stripe has the dispute under review.
		await t.exec(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, submitted_at)
			 values ($1, $2, 'usd', 'general', 'under_review', 'submitted', now())`,
			[id, AMOUNT],
		);
		const withdrawn = await h.controls.event("charge.dispute.funds_withdrawn", id);
		await update(open, { status: "won", balance_transactions: [withdrawal(open), reinstatement(open)] });
		const closed = await h.controls.event("charge.dispute.closed", id);
		const reinstated = await h.controls.event("charge.dispute.funds_reinstated", id);
		// Stripe may send a second, distinct event for the same reinstatement.
		const reinstatedAgain = await h.controls.event("charge.dispute.funds_reinstated", id);

		// The reinstatement first, the withdrawal last, a redelivery of an event already processed in between.
		for (const [i, event] of [reinstated, closed, reinstated, reinstatedAgain, withdrawn].entries()) {
			await handleAssembleMessage(deps(), message(event), i + 1);
		}

		expect(await movements(id)).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: `txn_w_${id}`, net: -AMOUNT - FEE }),
				expect.objectContaining({ id: `txn_r_${id}`, net: AMOUNT }),
			]),
		);
		expect(await movements(id)).toHaveLength(2);
		const { rows } = await t.exec("select stage, outcome, status, closed_at from rebuttal.disputes where id = $1", [
			id,
		]);
		expect(rows[0]).toMatchObject({ stage: "won", outcome: "won", status: "won" });
		expect(rows[0]!.closed_at).not.toBeNull();
		const { rows: duplicates } = await t.exec(
			"select event_id from rebuttal.attempts where dispute_id = $1 and outcome = 'duplicate'",
			[id],
		);
		expect(duplicates).toEqual([{ event_id: reinstated.id }]);
		// Nothing was submitted to Stripe for a dispute that was already decided.
		expect(await h.controls.updates(id)).toEqual([]);
	});
});
