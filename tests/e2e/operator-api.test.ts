import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWaitingAppeal, stackStripe } from "../support/appeal-fixture";
import { startTestStack, type TestStack } from "../support/stack";

// The operator API against the local stack: the Worker in Miniflare, the Stripe emulator and Postgres. A person
// files the appeal rebuttal left waiting for its filing fee, once; the outcomes say which facts won.

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

describe("GET /api/outcomes", () => {
	it("counts the facts present in won and lost cases by family, next to the charts' groups", async () => {
		const cases: [string, "won" | "lost", string[]][] = [
			["du_api_w1", "won", ["usage.after_charge", "access.device.1", "access.device.2", "dispute.id"]],
			["du_api_l1", "lost", ["access.device.1"]],
		];
		for (const [id, outcome, facts] of cases) {
			await sql.query(
				`insert into rebuttal.disputes (id, amount, currency, reason, status, stage) values ($1, 2500, 'usd', 'duplicate', $2, $2)`,
				[id, outcome],
			);
			await sql.query(
				`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
				 values ($1, '{}', $2::jsonb, 'n', 'template', 'duplicate', 'file_x', 'k', 's', 1, 1)`,
				[id, JSON.stringify(facts.map((f) => ({ id: f, label: f, value: 1, display: "1", source: "merchant_db" })))],
			);
			await sql.query(
				`insert into rebuttal.dispute_outcomes (dispute_id, outcome, fought, source, reason, network, amount, currency, dispute_created_at)
				 values ($1, $2, true, 'pipeline', 'duplicate', 'visa', 2500, 'usd', now())`,
				[id, outcome],
			);
		}
		const response = await stack.api("/api/outcomes");
		expect(response.status).toBe(200);
		const body = (await response.json()) as {
			facts: { reason: string; family: string; inWon: string; inLost: string }[];
			byNetwork: { key: string; record: string }[];
			byAmountBand: { key: string; record: string }[];
		};
		expect(body.facts.filter((f) => f.reason === "duplicate")).toEqual([
			{ reason: "duplicate", family: "access.device", won: 1, lost: 1, inWon: "1/1", inLost: "1/1" },
			{ reason: "duplicate", family: "usage.after_charge", won: 1, lost: 0, inWon: "1/1", inLost: "0/1" },
		]);
		expect(body.byNetwork).toContainEqual(expect.objectContaining({ key: "visa", record: "1/2" }));
		expect(body.byAmountBand).toContainEqual(expect.objectContaining({ key: "20 to 100", record: "1/2" }));
	});
});
