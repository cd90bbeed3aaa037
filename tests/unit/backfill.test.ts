import { beforeEach, describe, expect, it } from "vitest";
import { type BackfillOptions, backfillOpenDisputes } from "../../lib/lifecycle/backfill";
import type { AssembleMessage } from "../../lib/messages";
import type { RequestLogEntry, StripeObject } from "../../local/stripe-emulator/client";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

// The backfill against the Stripe emulator (its paging, created filter, Stripe-Account header and injected 429s)
// and a real database (claims, cursors, known disputes).

let h: EmulatorHarness;
let t: TestDatabase;
useEmulatorAndDatabase((harness, database) => {
	[h, t] = [harness, database];
});
beforeEach(async () => {
	await h.controls.reset();
	await t.exec(
		"truncate rebuttal.backfill_claims, rebuttal.backfill_cursors, rebuttal.disputes, rebuttal.attempts cascade",
	);
});

const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

interface Run {
	sent: AssembleMessage[];
	sleeps: number[];
	run(options?: Partial<BackfillOptions>): ReturnType<typeof backfillOpenDisputes>;
}

/** A backfill with a collecting fake queue and a recording no-op sleep; `onSend` runs before each message is kept. */
function backfill(onSend?: (message: AssembleMessage, sent: AssembleMessage[]) => Promise<void>): Run {
	const sent: AssembleMessage[] = [];
	const sleeps: number[] = [];
	return {
		sent,
		sleeps,
		run: (options = {}) =>
			backfillOpenDisputes(
				{
					db: t.db,
					stripe: h.stripe(),
					assembleQueue: {
						send: async (message) => {
							await onSend?.(message, sent);
							sent.push(message);
						},
					},
					now: () => new Date(),
					sleep: async (ms) => void sleeps.push(ms),
				},
				{ accounts: [], requestedBy: "backfill-test", ...options },
			),
	};
}

/**
 * Seeds `count` disputes, newest first an hour apart starting `ageSeconds` ago (distinct `created`, so the list
 * order is fixed), open and due in five days unless `patch` says otherwise. Returns their ids newest first.
 */
async function seedDisputes(
	count: number,
	patch: StripeObject = {},
	options: { ageSeconds?: number; account?: string } = {},
): Promise<string[]> {
	const start = nowSeconds() - (options.ageSeconds ?? 60);
	const { disputes } = await h.controls.seed({
		disputes: Array.from({ length: count }, (_, i) => ({
			status: "needs_response",
			created: start - i * 3600,
			evidence_details: { due_by: nowSeconds() + 5 * DAY },
			...(options.account ? { account: options.account } : {}),
			...patch,
		})),
	});
	return disputes.map((d) => d.id as string);
}

async function listRequests(): Promise<RequestLogEntry[]> {
	return (await h.controls.requests()).filter((r) => r.method === "GET" && r.path === "/v1/disputes");
}

const ids = (messages: AssembleMessage[]) => messages.map((m) => (m.kind === "reassemble" ? m.disputeId : m.objectId));

async function cursor(account = ""): Promise<string | null | undefined> {
	const { rows } = await t.exec("select starting_after from rebuttal.backfill_cursors where stripe_account = $1", [
		account,
	]);
	return rows[0]?.starting_after as string | null | undefined;
}

describe("backfillOpenDisputes", () => {
	it("pages through more open disputes than one page and enqueues each exactly once", async () => {
		const seeded = await seedDisputes(8);
		const b = backfill();
		const [report] = await b.run({ pageSize: 3 });

		expect(report).toEqual({
			account: null,
			pages: 3,
			listed: 8,
			open: 8,
			known: 0,
			enqueued: 8,
			alreadyClaimed: 0,
			pastDue: 0,
			resumesLater: false,
			error: null,
		});
		expect(ids(b.sent)).toEqual(seeded);
		expect(b.sent[0]).toEqual({
			kind: "reassemble",
			disputeId: seeded[0],
			stripeAccount: null,
			requestedBy: "backfill-test",
		});
		const requests = await listRequests();
		expect(requests).toHaveLength(3);
		const query = requests.map((r) => new URLSearchParams(r.query));
		expect(query.map((q) => q.get("limit"))).toEqual(["3", "3", "3"]);
		expect(query.map((q) => q.get("starting_after"))).toEqual([null, seeded[2], seeded[5]]);
		// A finished run leaves no cursor: the next one starts from the newest dispute again.
		expect(await cursor()).toBeNull();
		const { rows } = await t.exec("select dispute_id from rebuttal.backfill_claims");
		expect(rows.map((r) => r.dispute_id).sort()).toEqual([...seeded].sort());
	});

	it("stops at maxPages, says it resumes later, and the next run enqueues the rest and nothing twice", async () => {
		const seeded = await seedDisputes(8);
		const b = backfill();

		const [first] = await b.run({ pageSize: 3, maxPages: 2 });
		expect(first).toMatchObject({ pages: 2, listed: 6, enqueued: 6, resumesLater: true, error: null });
		expect(ids(b.sent)).toEqual(seeded.slice(0, 6));
		expect(await cursor()).toBe(seeded[5]);

		const [second] = await b.run({ pageSize: 3, maxPages: 2 });
		expect(second).toMatchObject({ pages: 1, listed: 2, enqueued: 2, resumesLater: false, error: null });
		expect(ids(b.sent)).toEqual(seeded);
		expect(new URLSearchParams((await listRequests())[2]!.query).get("starting_after")).toBe(seeded[5]);
		expect(await cursor()).toBeNull();

		// A third run starts over from the newest: every dispute is still claimed, none is enqueued again.
		const [third] = await b.run({ pageSize: 3, maxPages: 5 });
		expect(third).toMatchObject({ pages: 3, listed: 8, enqueued: 0, alreadyClaimed: 8, resumesLater: false });
		expect(b.sent).toHaveLength(8);
	});

	it("lists only disputes created within windowDays (default 120)", async () => {
		const recent = await seedDisputes(2, {}, { ageSeconds: 119 * DAY });
		const old = await seedDisputes(2, {}, { ageSeconds: 121 * DAY });
		const b = backfill();

		const before = nowSeconds();
		const [report] = await b.run();
		expect(report).toMatchObject({ pages: 1, listed: 2, open: 2, enqueued: 2, error: null });
		expect(ids(b.sent)).toEqual(recent);
		const gte = Number(new URLSearchParams((await listRequests())[0]!.query).get("created[gte]"));
		expect(gte).toBeGreaterThanOrEqual(before - 120 * DAY);
		expect(gte).toBeLessThanOrEqual(nowSeconds() - 120 * DAY);

		// The same disputes are found with a longer window: only the window kept them out.
		const [wider] = await b.run({ windowDays: 200 });
		expect(wider).toMatchObject({ listed: 4, enqueued: 2, alreadyClaimed: 2 });
		expect(ids(b.sent)).toEqual([...recent, ...old]);
	});

	it("skips closed disputes, open ones past due_by and ones the database already knows", async () => {
		const [won] = await seedDisputes(1, { status: "won" });
		const [lost] = await seedDisputes(1, { status: "lost" });
		const [underReview] = await seedDisputes(1, { status: "under_review" });
		const [pastDue] = await seedDisputes(1, { evidence_details: { due_by: nowSeconds() - 60 } });
		const [known] = await seedDisputes(1, { status: "warning_needs_response" });
		const [fresh] = await seedDisputes(1, { status: "warning_needs_response" });
		await t.exec(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage)
			 values ($1, 2000, 'usd', 'general', 'warning_needs_response', 'received')`,
			[known],
		);
		const b = backfill();
		const [report] = await b.run();

		expect(report).toEqual({
			account: null,
			pages: 1,
			listed: 6,
			open: 3,
			known: 1,
			enqueued: 1,
			alreadyClaimed: 0,
			pastDue: 1,
			resumesLater: false,
			error: null,
		});
		expect(ids(b.sent)).toEqual([fresh]);
		const { rows } = await t.exec("select dispute_id from rebuttal.backfill_claims");
		expect(rows.map((r) => r.dispute_id)).toEqual([fresh]);
		for (const id of [won, lost, underReview, pastDue, known]) expect(ids(b.sent)).not.toContain(id);

		const { rows: attempts } = await t.exec(
			"select outcome, error, actor, detail from rebuttal.attempts where stage = 'backfill'",
		);
		expect(attempts).toHaveLength(1);
		expect(attempts[0]).toMatchObject({ outcome: "ok", error: null, actor: "backfill-test" });
		expect((attempts[0]!.detail as { enqueued: number }).enqueued).toBe(1);
	});

	it("retries a page Stripe answers 429 with backoff and completes the run", async () => {
		const seeded = await seedDisputes(5);
		// The second page is rate limited twice: the fault goes in while the first page is being enqueued.
		let armed = false;
		const b = backfill(async () => {
			if (armed) return;
			armed = true;
			await h.controls.faults([{ method: "GET", path: "^/v1/disputes$", status: 429, count: 2 }]);
		});
		const [report] = await b.run({ pageSize: 3 });

		expect(report).toMatchObject({ pages: 2, listed: 5, enqueued: 5, resumesLater: false, error: null });
		expect(ids(b.sent)).toEqual(seeded);
		expect(b.sleeps).toEqual([1000, 2000]);
		const requests = await listRequests();
		expect(requests.map((r) => r.status)).toEqual([200, 429, 429, 200]);
		expect(requests.map((r) => new URLSearchParams(r.query).get("starting_after"))).toEqual([
			null,
			seeded[2],
			seeded[2],
			seeded[2],
		]);
	});

	it("gives up on an account after its 429 retries, reports the error, and still runs the other accounts", async () => {
		const platform = await seedDisputes(2);
		const connected = await seedDisputes(2, {}, { account: "acct_other1" });
		await h.controls.faults([{ method: "GET", path: "^/v1/disputes$", status: 429, count: 4 }]);
		const b = backfill();
		const reports = await b.run({ accounts: ["acct_other1"] });

		expect(reports).toHaveLength(2);
		expect(reports[0]).toMatchObject({ account: null, pages: 0, enqueued: 0, resumesLater: true });
		expect(reports[0]!.error).toMatch(/^stripe_rate_limited: list disputes/);
		expect(reports[1]).toMatchObject({ account: "acct_other1", pages: 1, enqueued: 2, error: null });
		expect(ids(b.sent)).toEqual(connected);
		expect(b.sleeps).toEqual([1000, 2000, 4000]);
		const requests = await listRequests();
		expect(requests.map((r) => [r.account, r.status])).toEqual([
			[null, 429],
			[null, 429],
			[null, 429],
			[null, 429],
			["acct_other1", 200],
		]);
		const { rows } = await t.exec("select outcome, error from rebuttal.attempts where stage = 'backfill'");
		expect(rows).toEqual([{ outcome: "retry", error: reports[0]!.error }]);

		// Stripe answers again: the next run picks the platform's disputes up.
		const [again] = await b.run({ accounts: ["acct_other1"] });
		expect(again).toMatchObject({ account: null, enqueued: 2, error: null, resumesLater: false });
		expect(ids(b.sent)).toEqual([...connected, ...platform]);
	});

	it("starts afresh when Stripe refuses the saved cursor, instead of failing on it every run", async () => {
		const ids = await seedDisputes(2);
		await t.exec("insert into rebuttal.backfill_cursors (stripe_account, starting_after) values ('', 'dp_gone')");
		const first = backfill();
		const [refused] = await first.run();
		expect(refused).toMatchObject({ enqueued: 0, resumesLater: false, error: expect.stringContaining("dp_gone") });
		const { rows } = await t.exec("select starting_after from rebuttal.backfill_cursors where stripe_account = ''");
		expect(rows[0]).toMatchObject({ starting_after: null });
		const second = backfill();
		const [report] = await second.run();
		expect(report).toMatchObject({ enqueued: 2, error: null });
		expect(second.sent.map((m) => (m.kind === "reassemble" ? m.disputeId : null))).toEqual(ids);
	});

	it("enqueues each dispute once when two runs overlap", async () => {
		const seeded = await seedDisputes(8);
		// Both runs share one queue; each send yields so the runs interleave between claims.
		const b = backfill(() => new Promise((resolve) => setImmediate(resolve)));
		const [[one], [two]] = await Promise.all([b.run({ pageSize: 3 }), b.run({ pageSize: 3 })]);

		expect(one!.listed).toBe(8);
		expect(two!.listed).toBe(8);
		expect(one!.enqueued + two!.enqueued).toBe(8);
		expect(one!.alreadyClaimed + two!.alreadyClaimed).toBe(8);
		expect([...ids(b.sent)].sort()).toEqual([...seeded].sort());
	});

	it("takes a claim again once it is older than an hour (its message was lost)", async () => {
		const [id] = await seedDisputes(1);
		const b = backfill();
		await b.run();
		const [fresh] = await b.run();
		expect(fresh).toMatchObject({ enqueued: 0, alreadyClaimed: 1 });

		await t.exec("update rebuttal.backfill_claims set enqueued_at = now() - interval '61 minutes'");
		const [stale] = await b.run();
		expect(stale).toMatchObject({ enqueued: 1, alreadyClaimed: 0 });
		expect(ids(b.sent)).toEqual([id, id]);
	});

	it("releases the claim when the queue refuses a message, so the next run enqueues it", async () => {
		const [id] = await seedDisputes(1);
		const failing = backfill(async () => {
			throw new Error("queue unavailable");
		});
		const [report] = await failing.run();
		expect(report).toMatchObject({ enqueued: 0, resumesLater: true });
		expect(report!.error).toMatch(/queue unavailable/);
		expect((await t.exec("select * from rebuttal.backfill_claims")).rows).toHaveLength(0);

		const b = backfill();
		const [retry] = await b.run();
		expect(retry).toMatchObject({ enqueued: 1, error: null });
		expect(ids(b.sent)).toEqual([id]);
	});

	it("lists a connected account with the Stripe-Account header and enqueues on its behalf", async () => {
		const [platform] = await seedDisputes(1);
		const connected = await seedDisputes(2, {}, { account: "acct_conn1" });
		const b = backfill();
		const reports = await b.run({ accounts: ["acct_conn1"] });

		expect(reports.map((r) => [r.account, r.listed, r.enqueued])).toEqual([
			[null, 1, 1],
			["acct_conn1", 2, 2],
		]);
		expect(b.sent).toEqual([
			{ kind: "reassemble", disputeId: platform, stripeAccount: null, requestedBy: "backfill-test" },
			...connected.map((id) => ({
				kind: "reassemble",
				disputeId: id,
				stripeAccount: "acct_conn1",
				requestedBy: "backfill-test",
			})),
		]);
		expect((await listRequests()).map((r) => [r.account, r.status])).toEqual([
			[null, 200],
			["acct_conn1", 200],
		]);
		const { rows } = await t.exec("select dispute_id, stripe_account from rebuttal.backfill_claims");
		expect(Object.fromEntries(rows.map((r) => [r.dispute_id, r.stripe_account]))).toEqual({
			[platform!]: null,
			[connected[0]!]: "acct_conn1",
			[connected[1]!]: "acct_conn1",
		});
		expect(await cursor("acct_conn1")).toBeNull();
	});
});
