import { beforeEach, describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../lib/config";
import { parseFeeTable } from "../../lib/decide/fees";
import type { PipelineDeps } from "../../lib/pipeline/deps";
import { handleSubmitMessage } from "../../lib/pipeline/submit";
import { AccountCache } from "../../lib/stripe/accounts";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

// FIGHT_POLICY=economic through the real submit step and the Stripe emulator: a dispute that does not pay to fight
// is accepted early (`close`), in review mode it waits for a person with the recommendation, and otherwise the
// evidence goes out as before. The fee comes from a `*:usd` entry, whatever the account's country.

let h: EmulatorHarness;
let t: TestDatabase;
useEmulatorAndDatabase((harness, database) => {
	[h, t] = [harness, database];
});
beforeEach(async () => {
	await h.controls.reset();
	await t.exec(
		"truncate rebuttal.disputes, rebuttal.evidence, rebuttal.assessments, rebuttal.attempts, rebuttal.dispute_outcomes, rebuttal.fight_decisions cascade",
	);
});

function deps(config: Partial<PipelineConfig>): PipelineDeps {
	return {
		db: t.db,
		stripe: h.stripe(),
		account: new AccountCache().reader(h.stripe(), "test"),
		config: {
			SUBMIT_MODE: "auto",
			DISPUTE_ACCEPT_WEAK: false,
			FIGHT_POLICY: "economic",
			FIGHT_FEES: parseFeeTable("*:usd=1500"),
			...config,
		} as PipelineConfig,
		now: () => new Date(),
	} as unknown as PipelineDeps;
}

async function stagedDispute(amount: number): Promise<string> {
	const { charges } = await h.controls.seed({ charges: [{ amount }] });
	const dueBy = Math.floor(Date.now() / 1000) + 5 * 86_400;
	const { disputes } = await h.controls.seed({
		disputes: [{ charge: charges[0]!.id, amount, status: "needs_response", reason: "fraudulent", due_by: dueBy }],
	});
	const id = disputes[0]!.id as string;
	await t.exec(
		`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, due_by)
		 values ($1, $2, 'usd', 'fraudulent', 'needs_response', 'staged', $3)`,
		[id, amount, new Date(dueBy * 1000).toISOString()],
	);
	await t.exec(
		`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
		 values ($1, '{"uncategorized_text":"The customer used the service."}', '[]', 'n', 'template', 'fraudulent', 'file_x', 'k', 's', 1, 1)`,
		[id],
	);
	return id;
}

/** A record of `wins` won out of `decided` fought fraudulent disputes. */
async function history(wins: number, decided: number) {
	for (let i = 0; i < decided; i++) {
		await t.exec(
			`insert into rebuttal.dispute_outcomes (dispute_id, outcome, fought, source, reason, amount, currency, dispute_created_at)
			 values ($1, $2, true, 'history', 'fraudulent', 3000, 'usd', now())`,
			[`dp_old_${i}`, i < wins ? "won" : "lost"],
		);
	}
}

const stripeStatus = async (id: string) => (await h.stripe().disputes.retrieve(id)).status;
const stage = async (id: string) =>
	(await t.exec("select stage, stage_reason, stage_reason_code from rebuttal.disputes where id = $1", [id])).rows[0];

describe("FIGHT_POLICY=economic in the submit step", () => {
	it("accepts a dispute early when 1/10 won does not cover the countered fee", async () => {
		await history(1, 10);
		const id = await stagedDispute(2000);
		await handleSubmitMessage(deps({}), { disputeId: id, stripeAccount: null }, 1);
		expect(await stripeStatus(id)).toBe("lost");
		expect(await stage(id)).toMatchObject({ stage: "skipped", stage_reason_code: "accepted_uneconomic" });
		expect((await stage(id))?.stage_reason).toMatch(/^accepted early: fighting does not pay: 1\/10 won/);
		const { rows } = await t.exec(
			"select action, fee, wins, decided from rebuttal.fight_decisions where dispute_id = $1",
			[id],
		);
		expect(rows[0]).toMatchObject({ action: "accept", wins: 1, decided: 10 });
		expect(Number(rows[0]?.fee)).toBe(1500);
	});

	it("answers when the same record pays for a large amount (break-even 1500/(50000+1500))", async () => {
		await history(1, 10);
		const id = await stagedDispute(50_000);
		await handleSubmitMessage(deps({}), { disputeId: id, stripeAccount: null }, 1);
		expect(await stripeStatus(id)).toBe("under_review");
		expect((await stage(id))?.stage).toBe("submitted");
	});

	it("in review mode asks a person instead of accepting", async () => {
		await history(1, 10);
		const id = await stagedDispute(2000);
		await handleSubmitMessage(deps({ SUBMIT_MODE: "review" }), { disputeId: id, stripeAccount: null }, 1);
		expect(await stripeStatus(id)).toBe("needs_response");
		expect(await stage(id)).toMatchObject({ stage: "awaiting_review", stage_reason_code: "accept_recommended" });
		expect((await stage(id))?.stage_reason).toMatch(/rebuttal recommends accepting/);
	});

	it("a person's accept closes the dispute waiting for review, once", async () => {
		await history(1, 10);
		const id = await stagedDispute(2000);
		await handleSubmitMessage(deps({ SUBMIT_MODE: "review" }), { disputeId: id, stripeAccount: null }, 1);
		const accept = { disputeId: id, stripeAccount: null, approvedBy: "dashboard", accept: true as const };
		await handleSubmitMessage(deps({ SUBMIT_MODE: "review" }), accept, 1);
		await handleSubmitMessage(deps({ SUBMIT_MODE: "review" }), accept, 2);
		expect(await stripeStatus(id)).toBe("lost");
		expect(await stage(id)).toMatchObject({
			stage: "skipped",
			stage_reason: "accepted by dashboard",
			stage_reason_code: "accepted_by_person",
		});
	});

	it("fights with 9 decided disputes, saying why", async () => {
		await history(0, 9);
		const id = await stagedDispute(2000);
		await handleSubmitMessage(deps({}), { disputeId: id, stripeAccount: null }, 1);
		expect(await stripeStatus(id)).toBe("under_review");
		const { rows } = await t.exec("select verdict, reason from rebuttal.fight_decisions where dispute_id = $1", [id]);
		expect(rows[0]).toMatchObject({ verdict: "no_verdict" });
		expect(rows[0]?.reason).toMatch(/fewer than 10 decided disputes to learn from \(0\/9 won/);
	});
});
