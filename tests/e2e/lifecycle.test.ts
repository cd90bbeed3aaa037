import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// The dispute lifecycle through the local emulation: backfill of webhooks that never arrived (platform and a
// connected account), events in reverse order with funds movements, Stripe Smart Disputes, notifications to a
// local receiver, and the deadline sweep.

const CONNECTED = "acct_lifecycle1";
let stack: TestStack;
let customers: DemoCustomer[];
let sql: pg.Pool;
let receiver: Server;
const received: { text: string; blocks?: unknown[] }[] = [];
let failNext = 0;

beforeAll(async () => {
	receiver = createServer((req, res) => {
		let body = "";
		req.on("data", (chunk) => {
			body += chunk;
		});
		req.on("end", () => {
			if (failNext > 0) {
				failNext--;
				res.writeHead(503).end();
				return;
			}
			received.push(JSON.parse(body));
			res.writeHead(200).end("ok");
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
	const port = (receiver.address() as AddressInfo).port;
	stack = await startTestStack({
		env: { NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, STRIPE_ACCOUNTS: CONNECTED },
	});
	customers = await stack.seedDemo();
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
});
afterAll(async () => {
	await sql?.end();
	await stack?.stop();
	await new Promise((resolve) => receiver?.close(resolve));
});

// biome-ignore lint/suspicious/noExplicitAny: API JSON.
async function detail(id: string): Promise<any> {
	const response = await stack.api(`/api/disputes/${id}`);
	return response.status === 404 ? null : response.json();
}
async function waitForStage(id: string, stages: string[], timeoutMs = 60_000) {
	return waitFor(async () => {
		const view = await detail(id);
		return view && stages.includes(view.stage) ? view : null;
	}, timeoutMs);
}
const used = new Set<string>();
function freshCharge(): string {
	for (const customer of customers)
		for (const id of customer.chargeIds)
			if (!used.has(id)) {
				used.add(id);
				return id;
			}
	throw new Error("no charge left");
}
const noticesFor = (id: string) => received.filter((n) => n.text.includes(id));

describe("backfill", () => {
	it("catches a dispute whose webhook never arrived, on the platform and on a connected account", async () => {
		const platform = await stack.emulator("/_emulator/disputes", { charge: freshCharge(), reason: "fraudulent" });
		const seeded = await stack.emulator("/_emulator/seed", {
			customers: [{ id: "cus_conn", email: "conn@example.org", name: "Connie", account: CONNECTED }],
			charges: [
				{
					customer: "cus_conn",
					amount: 2500,
					currency: "usd",
					status: "succeeded",
					paid: true,
					billing_details: { email: "conn@example.org", name: "Connie" },
					account: CONNECTED,
				},
			],
		});
		const connected = await stack.emulator("/_emulator/disputes", {
			charge: seeded.charges[0].id,
			reason: "general",
			account: CONNECTED,
		});
		// A closed dispute is not enqueued for assembly: the history import records it as it ended, nothing more.
		const closed = await stack.emulator("/_emulator/disputes", { charge: freshCharge(), reason: "duplicate" });
		await stack.emulator(`/_emulator/disputes/${closed.dispute.id}/outcome`, { status: "lost" });

		// No event is sent: only the cron's backfill can find them.
		const result = await stack.dispatchScheduled();
		expect(result.outcome).toBe("ok");
		const a = await waitForStage(platform.dispute.id, ["submitted"]);
		const b = await waitForStage(connected.dispute.id, ["submitted"]);
		expect(a.stripeAccount).toBeNull();
		expect(b.stripeAccount).toBe(CONNECTED);
		expect(await detail(closed.dispute.id)).toMatchObject({
			stage: "lost",
			outcome: "lost",
			stageReason: "imported from Stripe's dispute history",
			evidence: null,
			attempts: [],
		});

		// Every Stripe call about the connected dispute was made on behalf of its account.
		const requests = (await stack.emulator("/_emulator/requests")) as { path: string; account: string | null }[];
		const aboutConnected = requests.filter((r) => r.path.includes(connected.dispute.id));
		expect(aboutConnected.length).toBeGreaterThan(0);
		expect(aboutConnected.every((r) => r.account === CONNECTED)).toBe(true);
		const updates = await stack.emulator(`/_emulator/disputes/${connected.dispute.id}/updates`);
		expect(updates.filter((u: { submit: boolean }) => u.submit)).toHaveLength(1);

		// The API lists disputes per account.
		const listed = await (await stack.api(`/api/disputes?account=${CONNECTED}`)).json();
		expect(listed.disputes.map((d: { id: string }) => d.id)).toEqual([connected.dispute.id]);
		expect((await stack.api("/api/disputes?account=nope")).status).toBe(400);

		// A second run finds nothing new to enqueue and submits nothing twice.
		expect((await stack.dispatchScheduled()).outcome).toBe("ok");
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const { rows } = await sql.query(
			"select detail from rebuttal.attempts where stage = 'backfill' order by id desc limit 1",
		);
		expect(rows[0].detail.enqueued).toBe(0);
		const again = await stack.emulator(`/_emulator/disputes/${platform.dispute.id}/updates`);
		expect(again.filter((u: { submit: boolean }) => u.submit)).toHaveLength(1);
	});
});

describe("outcomes", () => {
	it("ends lost with its funds recorded when events arrive in reverse order", async () => {
		const created = await stack.emulator("/_emulator/disputes", { charge: freshCharge(), reason: "fraudulent" });
		const id = created.dispute.id;
		const closed = await stack.emulator(`/_emulator/disputes/${id}/outcome`, { status: "lost" });
		// Stripe withdrew the amount and the fee: the dispute carries the balance transaction.
		const { object } = await stack.emulator(`/_emulator/objects/${id}`);
		await stack.emulator("/_emulator/seed", {
			disputes: [
				{
					...object,
					balance_transactions: [
						{
							id: "txn_lifecycle_withdrawal",
							object: "balance_transaction",
							amount: -object.amount,
							fee: 1500,
							net: -object.amount - 1500,
							currency: object.currency,
							created: object.created,
							reporting_category: "dispute",
							type: "adjustment",
						},
					],
				},
			],
		});
		const withdrawn = await stack.emulator("/_emulator/events", {
			type: "charge.dispute.funds_withdrawn",
			object_id: id,
		});
		for (const event of [closed.event, withdrawn, created.event, withdrawn, closed.event]) {
			expect((await stack.sendEvent(event)).status).toBe(200);
		}
		const view = await waitForStage(id, ["lost"]);
		expect(view.outcome).toBe("lost");
		await waitFor(async () => {
			const { rows } = await sql.query("select * from rebuttal.funds_movements where dispute_id = $1", [id]);
			return rows.length === 1 && Number(rows[0].net) === -created.dispute.amount - 1500;
		});
		expect(await stack.emulator(`/_emulator/disputes/${id}/updates`)).toHaveLength(0);
		await waitFor(() => noticesFor(id).some((n) => n.text.includes("Dispute lost")));
	});
});

describe("Stripe's own automation", () => {
	it("does not submit over Stripe Smart Disputes, and says so", async () => {
		const created = await stack.emulator("/_emulator/disputes", { charge: freshCharge(), reason: "fraudulent" });
		const id = created.dispute.id;
		const response = await fetch(`${stack.stripeApiBase}/v1/disputes/${id}`, {
			method: "POST",
			headers: {
				authorization: `Bearer ${stack.stripeSecretKey}`,
				"content-type": "application/x-www-form-urlencoded",
			},
			body: "intended_submission_method=smart_disputes",
		});
		expect(response.status).toBe(200);
		await stack.sendEvent(created.event);
		const view = await waitForStage(id, ["skipped"]);
		expect(view.stageReason).toMatch(/Stripe Smart Disputes is handling/);
		const updates = (await stack.emulator(`/_emulator/disputes/${id}/updates`)) as { submit: boolean }[];
		expect(updates.filter((u) => u.submit)).toHaveLength(0);
		await waitFor(() => noticesFor(id).some((n) => n.text.includes("Stripe is handling")));
	});
});

describe("notifications", () => {
	it("posts Slack-compatible JSON once per kind, retries a failing endpoint, and carries no secrets", async () => {
		failNext = 2;
		const created = await stack.emulator("/_emulator/disputes", { charge: freshCharge(), reason: "duplicate" });
		const id = created.dispute.id;
		await stack.sendEvent(created.event);
		await stack.sendEvent(created.event);
		await waitForStage(id, ["submitted"]);
		await waitFor(() => noticesFor(id).some((n) => n.text.includes("Evidence submitted")), 60_000);
		await waitFor(() => noticesFor(id).some((n) => n.text.includes("New dispute")), 60_000);
		const closed = await stack.emulator(`/_emulator/disputes/${id}/outcome`, { status: "won" });
		await stack.sendEvent(closed.event);
		await stack.sendEvent(closed.event);
		await waitFor(() => noticesFor(id).some((n) => n.text.includes("Dispute won")));
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const kinds = noticesFor(id).map((n) => n.text.split(":")[0]);
		expect(kinds.sort()).toEqual(["[rebuttal] Dispute won", "[rebuttal] Evidence submitted", "[rebuttal] New dispute"]);
		for (const notice of received) {
			expect(Array.isArray(notice.blocks)).toBe(true);
			const text = JSON.stringify(notice);
			expect(text).not.toContain(stack.stripeSecretKey);
			expect(text).not.toContain(stack.webhookSecret);
			expect(text).not.toContain(stack.dashboardToken);
			expect(text).not.toMatch(/postgres(ql)?:\/\//);
		}
	});
});

describe("deadline sweep", () => {
	it("re-enqueues a dispute stuck in a stage and warns of a deadline within 24 hours", async () => {
		const dueBy = Math.floor(Date.now() / 1000) + 6 * 3600;
		const created = await stack.emulator("/_emulator/disputes", {
			charge: freshCharge(),
			reason: "general",
			due_by: dueBy,
		});
		const id = created.dispute.id;
		// A lost delivery: the dispute is known (received) but nothing is queued for it, for an hour.
		await sql.query(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, due_by, updated_at)
			 values ($1, $2, 'usd', 'general', 'needs_response', 'received', to_timestamp($3), now() - interval '1 hour')`,
			[id, created.dispute.amount, dueBy],
		);
		expect((await stack.dispatchScheduled()).outcome).toBe("ok");
		await waitForStage(id, ["submitted"]);
		await waitFor(() => noticesFor(id).some((n) => n.text.includes("Deadline within 24 hours")));
		const { rows } = await sql.query("select detail from rebuttal.attempts where dispute_id = $1 and stage = 'sweep'", [
			id,
		]);
		expect(rows.map((r) => r.detail.requeued)).toContain("assemble");
	});
});

describe("backfill on demand", () => {
	it("POST /api/backfill queues a missed dispute once; the dashboard offers it behind a confirmation", async () => {
		const missed = await stack.emulator("/_emulator/disputes", {
			charge: freshCharge(),
			reason: "product_not_received",
		});
		const first = await stack.api("/api/backfill", { method: "POST" });
		expect(first.status).toBe(200);
		expect((await first.json()).enqueued).toBe(1);
		await waitForStage(missed.dispute.id, ["submitted"]);
		const second = await (await stack.api("/api/backfill", { method: "POST" })).json();
		expect(second.enqueued).toBe(0);
		expect(second.accounts.map((a: { account: string | null }) => a.account)).toEqual([null, CONNECTED]);
		const updates = await stack.emulator(`/_emulator/disputes/${missed.dispute.id}/updates`);
		expect(updates.filter((u: { submit: boolean }) => u.submit)).toHaveLength(1);

		const overview = await (await stack.api("/dashboard")).text();
		expect(overview).toContain('href="/dashboard/actions/backfill"');
		const confirm = await (await stack.api("/dashboard/actions/backfill")).text();
		expect(confirm).toContain("queue each one rebuttal does not know yet");
		const unticked = await stack.api("/dashboard/actions/backfill", {
			method: "POST",
			body: new URLSearchParams({ confirm: "no" }),
		});
		expect(unticked.status).toBe(400);
		expect(await unticked.text()).toContain("Tick the confirmation box");
		expect((await fetch(`${stack.workerUrl}/api/backfill`, { method: "POST" })).status).toBe(401);
	});
});

describe("npm run backfill", () => {
	it("fires the running Worker's scheduled handler", async () => {
		const { execFile } = await import("node:child_process");
		const { promisify } = await import("node:util");
		const { stdout } = await promisify(execFile)("npx", ["tsx", "local/backfill.ts", "--url", stack.workerUrl]);
		expect(stdout).toContain("backfill and deadline sweep ran");
	});
});
