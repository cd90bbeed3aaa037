import { beforeEach, describe, expect, it } from "vitest";
import { importHistory } from "../../lib/outcomes/history";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

// The import of closed disputes of the last 12 months through the Stripe emulator's paging: outcomes come from
// dispute.status alone, a known dispute is not overwritten, and once the window has been read it is done.

let h: EmulatorHarness;
let t: TestDatabase;
useEmulatorAndDatabase((harness, database) => {
	[h, t] = [harness, database];
});
beforeEach(async () => {
	await h.controls.reset();
	await t.exec(
		"truncate rebuttal.backfill_cursors, rebuttal.disputes, rebuttal.attempts, rebuttal.dispute_outcomes cascade",
	);
});

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

const run = (options: { pageSize?: number; maxPages?: number; accounts?: string[] } = {}) =>
	importHistory(
		{ db: t.db, stripe: h.stripe(), now: () => new Date(), sleep: async () => {} },
		{ accounts: options.accounts ?? [], requestedBy: "history-test", pageSize: 2, maxPages: 2, ...options },
	);

async function seedHistory() {
	const specs = [
		{ status: "won", age: 10, fought: true },
		{ status: "lost", age: 20, fought: true },
		{ status: "needs_response", age: 30, fought: false },
		{ status: "won", age: 40, fought: true },
		{ status: "lost", age: 50, fought: false },
		{ status: "under_review", age: 60, fought: true },
		{ status: "won", age: 300, fought: true },
		{ status: "lost", age: 400, fought: true },
	];
	const { disputes } = await h.controls.seed({
		disputes: specs.map((s) => ({
			status: s.status,
			reason: "fraudulent",
			created: now() - s.age * DAY,
			evidence_details: { due_by: now() - (s.age - 7) * DAY, submission_count: s.fought ? 1 : 0 },
		})),
	});
	return disputes.map((d) => d.id as string);
}

describe("history import", () => {
	it("pages through the last 12 months, imports closed disputes only, and stops once done", async () => {
		const ids = await seedHistory();
		const first = await run();
		expect(first[0]).toMatchObject({ pages: 2, listed: 4, imported: 3, resumesLater: true, done: false });
		const second = await run();
		expect(second[0]).toMatchObject({ pages: 2, listed: 3, imported: 2, resumesLater: false, done: true });
		const third = await run();
		expect(third[0]).toMatchObject({ pages: 0, imported: 0, done: true });

		const { rows } = await t.exec(
			"select id, stage, outcome, stage_reason, stage_reason_code from rebuttal.disputes order by created_at desc",
		);
		expect(rows.map((r) => [r.id, r.stage])).toEqual([
			[ids[0], "won"],
			[ids[1], "lost"],
			[ids[3], "won"],
			[ids[4], "lost"],
			[ids[6], "won"],
		]);
		expect(rows[0]?.stage_reason).toBe("imported from Stripe's dispute history");
		expect(rows[0]?.stage_reason_code).toBe("imported_history");
		const outcomes = await t.exec(
			"select dispute_id, outcome, fought, source from rebuttal.dispute_outcomes order by dispute_created_at desc",
		);
		expect(outcomes.rows.map((r) => [r.outcome, r.fought])).toEqual([
			["won", true],
			["lost", true],
			["won", true],
			["lost", false],
			["won", true],
		]);
	});

	it("leaves a dispute the pipeline knows as it is, refreshing only its outcome record", async () => {
		const ids = await seedHistory();
		await t.exec(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, outcome)
			 values ($1, 1, 'usd', 'fraudulent', 'won', 'won', 'won')`,
			[ids[0]],
		);
		const [report] = await run({ maxPages: 10 });
		expect(report).toMatchObject({ known: 1, imported: 4, done: true });
		const { rows } = await t.exec("select amount, stage_reason from rebuttal.disputes where id = $1", [ids[0]]);
		expect(rows[0]).toEqual({ amount: 1, stage_reason: null });
	});

	it("imports each connected account under its own cursor", async () => {
		await h.controls.seed({
			disputes: [
				{ status: "lost", account: "acct_history", created: now() - DAY, evidence_details: { due_by: now() } },
			],
		});
		const reports = await run({ accounts: ["acct_history"] });
		expect(reports.map((r) => [r.account, r.imported])).toEqual([
			[null, 0],
			["acct_history", 1],
		]);
		const { rows } = await t.exec("select stripe_account, stage from rebuttal.disputes");
		expect(rows).toEqual([{ stripe_account: "acct_history", stage: "lost" }]);
	});

	it("after a first page Stripe keeps rate limiting, saves no cursor and imports everything on the next run", async () => {
		await seedHistory();
		await h.controls.faults([{ method: "GET", path: "^/v1/disputes$", status: 429, count: 4 }]);
		const [failed] = await run();
		expect(failed).toMatchObject({ pages: 0, imported: 0, resumesLater: true, done: false });
		expect(failed!.error).toMatch(/^stripe_rate_limited: list dispute history/);
		const { rows } = await t.exec("select count(*)::int as n from rebuttal.backfill_cursors");
		expect(rows[0]).toEqual({ n: 0 });
		const [again] = await run({ maxPages: 10 });
		expect(again).toMatchObject({ imported: 5, done: true, error: null });
	});

	it("stops, and is not marked done, when Stripe refuses the saved cursor", async () => {
		await seedHistory();
		await t.exec(
			"insert into rebuttal.backfill_cursors (stripe_account, starting_after) values ('history:', 'dp_gone')",
		);
		const [refused] = await run();
		expect(refused).toMatchObject({ imported: 0, resumesLater: false, done: false });
		expect(refused!.error).toContain("dp_gone");
		const { rows } = await t.exec("select starting_after from rebuttal.backfill_cursors");
		expect(rows).toEqual([{ starting_after: "dp_gone" }]);
	});
});
