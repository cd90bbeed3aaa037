import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWaitingAppeal, stackStripe } from "../support/appeal-fixture";
import { startTestStack, type TestStack } from "../support/stack";

// POST /api/disputes/:id/appeal against the local stack: the Worker in Miniflare, the Stripe emulator and
// Postgres. A person files the appeal rebuttal left waiting for its filing fee, once.

let stack: TestStack;
let sql: pg.Pool;
beforeAll(async () => {
	stack = await startTestStack({ env: { APPEAL_FEES: "*:usd=50000" } });
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
}, 180_000);
afterAll(async () => {
	await sql?.end();
	await stack?.stop();
});

const appeal = (id: string, init: RequestInit = { method: "POST" }) => stack.api(`/api/disputes/${id}/appeal`, init);

describe("POST /api/disputes/:id/appeal", () => {
	it("files the waiting appeal once, then refuses a second with 409", async () => {
		const { id, fileId } = await seedWaitingAppeal(stack, sql);
		const filed = await appeal(id);
		expect(filed.status).toBe(200);
		expect(await filed.json()).toEqual({ id, stage: "appeal_submitted", fee: 50000, changed: true });
		const dispute = await stackStripe(stack).disputes.retrieve(id);
		expect(dispute.status).toBe("appeal_under_review");
		expect(dispute.evidence.appeal?.card?.supporting_files).toEqual([fileId]);
		expect(dispute.evidence.appeal?.card?.reason_for_filing).toContain("Use after the charge: 14 images generated");

		const view = (await (await stack.api(`/api/disputes/${id}`)).json()) as { stage: string; stageReason: string };
		expect(view).toMatchObject({ stage: "appeal_submitted", stageReason: "appeal filed by api (filing fee $500.00)" });

		const again = await appeal(id);
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: { code: "conflict" } });
		const { rows } = await sql.query(
			"select actor from rebuttal.attempts where dispute_id = $1 and stage = 'appeal' and outcome = 'ok'",
			[id],
		);
		expect(rows).toEqual([{ actor: "api" }]);
	});

	it("refuses with 409 when Stripe no longer reports appeal_needs_response, and 400/401/404 for bad calls", async () => {
		const { id } = await seedWaitingAppeal(stack, sql);
		await stack.emulator(`/_emulator/disputes/${id}/outcome`, { status: "lost" });
		const refused = await appeal(id);
		expect(refused.status).toBe(409);
		expect(JSON.stringify(await refused.json())).toMatch(/as lost, not appeal_needs_response/);
		const { rows } = await sql.query("select stage from rebuttal.disputes where id = $1", [id]);
		expect(rows).toEqual([{ stage: "appealing" }]);

		expect((await appeal("not-a-dispute")).status).toBe(400);
		expect((await appeal("du_unknown")).status).toBe(404);
		const anonymous = await fetch(`${stack.workerUrl}/api/disputes/${id}/appeal`, { method: "POST" });
		expect(anonymous.status).toBe(401);
	});
});
