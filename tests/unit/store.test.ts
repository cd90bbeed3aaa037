import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	claimEvent,
	finishEvent,
	getDispute,
	listAttempts,
	recordAttempt,
	releaseEvent,
	setStageIf,
	upsertDispute,
} from "../../lib/dispute/store";
import type { EventMessage } from "../../lib/messages";
import { markFailed } from "../../lib/pipeline/failures";
import { openTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
beforeAll(async () => {
	database = await openTestDatabase();
});
afterAll(async () => database?.close());

const event = (id: string): EventMessage => ({
	kind: "event",
	eventId: id,
	type: "charge.dispute.created",
	objectId: "du_store",
	stripeAccount: null,
	created: 1,
});

const stripeDispute = (id: string, status = "needs_response") =>
	({
		id,
		amount: 4200,
		currency: "usd",
		reason: "fraudulent",
		status,
		charge: "ch_1",
		payment_intent: "pi_1",
		network_reason_code: "10.4",
		evidence_details: { due_by: 1_900_000_000, submission_count: 0 },
	}) as unknown as Stripe.Dispute;

describe("events", () => {
	it("claims an event once, reports a concurrent delivery busy and a finished one processed", async () => {
		expect(await claimEvent(database.db, event("evt_a"))).toBe("claimed");
		expect(await claimEvent(database.db, event("evt_a"))).toBe("busy");
		await finishEvent(database.db, "evt_a");
		expect(await claimEvent(database.db, event("evt_a"))).toBe("processed");
	});

	it("lets a redelivery finish a pass that was cut short", async () => {
		expect(await claimEvent(database.db, event("evt_b"))).toBe("claimed");
		await releaseEvent(database.db, "evt_b");
		expect(await claimEvent(database.db, event("evt_b"))).toBe("claimed");
	});

	it("lets exactly one of many concurrent deliveries claim an event", async () => {
		const claims = await Promise.all(Array.from({ length: 8 }, () => claimEvent(database.db, event("evt_c"))));
		expect(claims.filter((c) => c === "claimed")).toHaveLength(1);
		const { rows } = await database.exec("select count(*)::int as n from rebuttal.events where id = 'evt_c'");
		expect(rows[0]).toEqual({ n: 1 });
	});
});

describe("disputes", () => {
	it("upserts what Stripe says without touching the stage", async () => {
		await upsertDispute(database.db, stripeDispute("du_1"), null);
		await setStageIf(database.db, "du_1", ["received"], "assembling");
		const row = await upsertDispute(database.db, stripeDispute("du_1", "under_review"), "acct_1");
		expect(row).toMatchObject({ stage: "assembling", status: "under_review", amount: 4200, networkReasonCode: "10.4" });
		expect(row.dueBy?.toISOString()).toBe(new Date(1_900_000_000_000).toISOString());
	});

	it("moves a stage only from the allowed stages, and only one concurrent caller wins", async () => {
		await upsertDispute(database.db, stripeDispute("du_2"), null);
		expect(await setStageIf(database.db, "du_2", ["staged"], "submitting")).toBe(false);
		await setStageIf(database.db, "du_2", ["received"], "staged");
		const wins = await Promise.all(
			Array.from({ length: 6 }, () => setStageIf(database.db, "du_2", ["staged"], "submitting")),
		);
		expect(wins.filter(Boolean)).toHaveLength(1);
		expect((await getDispute(database.db, "du_2"))?.stage).toBe("submitting");
	});

	it("rejects a stage outside the contract's list", async () => {
		await expect(database.exec("update rebuttal.disputes set stage = 'bogus' where id = 'du_2'")).rejects.toThrow();
	});

	it("marks a dispute failed with its error, creating a placeholder when Stripe never answered", async () => {
		await markFailed({ db: database.db }, "du_never_seen", "assemble", "stripe_unavailable: down", { source: "test" });
		const row = await getDispute(database.db, "du_never_seen");
		expect(row).toMatchObject({ stage: "failed", failedStage: "assemble", lastError: "stripe_unavailable: down" });
		const attempts = await listAttempts(database.db, "du_never_seen");
		expect(attempts[0]).toMatchObject({ outcome: "failed", stage: "assemble", error: "stripe_unavailable: down" });
	});

	it("never marks a submitted dispute failed", async () => {
		await upsertDispute(database.db, stripeDispute("du_3"), null);
		await setStageIf(database.db, "du_3", ["received"], "submitted");
		await markFailed({ db: database.db }, "du_3", "submit", "late error", { source: "test" });
		expect((await getDispute(database.db, "du_3"))?.stage).toBe("submitted");
	});
});

describe("attempts", () => {
	it("appends in order and lists newest first", async () => {
		for (const outcome of ["retry", "retry", "ok"] as const) {
			await recordAttempt(database.db, { disputeId: "du_4", stage: "assemble", outcome });
		}
		const attempts = await listAttempts(database.db, "du_4");
		expect(attempts.map((a) => a.outcome)).toEqual(["ok", "retry", "retry"]);
	});
});
