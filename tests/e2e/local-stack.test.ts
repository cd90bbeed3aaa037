import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { parseDotenv, resolveLocalConfig } from "../../local/env";
import { startPgBridge } from "../../local/pg-bridge";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// The plumbing of the local emulation, in real workerd: a fixture Worker reaches Postgres through the bridge with
// @neondatabase/serverless + Drizzle, its queues deliver (with retries and a dead-letter queue), R2 stores, the
// cron fires, and configuration reaches it. Then rebuttal's own Worker on the same stack.

const FIXTURE = fileURLToPath(new URL("./fixtures/plumbing/wrangler.toml", import.meta.url));

describe(".dev.vars", () => {
	it("parses dotenv syntax: comments, export, quotes, escapes, multi-line values", () => {
		const parsed = parseDotenv(
			[
				"# a comment",
				"STRIPE_SECRET_KEY=sk_test_abc # trailing comment",
				"export SUBMIT_MODE=review",
				'DATABASE_URL="postgres://u:p#w@h:5432/db"',
				"ANTHROPIC_MODEL='claude model'",
				'MULTI="line one',
				'line two"',
				'ESCAPED="a\\nb \\"q\\""',
				"EMPTY=",
				"not a line",
			].join("\n"),
		);
		expect(parsed).toEqual({
			STRIPE_SECRET_KEY: "sk_test_abc",
			SUBMIT_MODE: "review",
			DATABASE_URL: "postgres://u:p#w@h:5432/db",
			ANTHROPIC_MODEL: "claude model",
			MULTI: "line one\nline two",
			ESCAPED: 'a\nb "q"',
			EMPTY: "",
		});
	});

	it("layers options over the process environment over .dev.vars, empty meaning unset", () => {
		const dir = mkdtempSync(join(tmpdir(), "rebuttal-devvars-"));
		const path = join(dir, ".dev.vars");
		writeFileSync(
			path,
			"SUBMIT_MODE=review\nMERCHANT_NAME=From file\nDASHBOARD_TOKEN=file-token-0123456789\nCUSTOM=1\n",
		);
		const previous = process.env.MERCHANT_NAME;
		process.env.MERCHANT_NAME = "From process";
		try {
			const { env, devVarNames } = resolveLocalConfig({
				devVarsPath: path,
				env: { SUBMIT_MODE: "auto", DASHBOARD_TOKEN: "" },
			});
			expect(env.SUBMIT_MODE).toBe("auto");
			expect(env.MERCHANT_NAME).toBe("From process");
			expect(env.DASHBOARD_TOKEN).toBe("file-token-0123456789");
			expect(env.CUSTOM).toBe("1");
			expect(devVarNames).toContain("CUSTOM");
			const hermetic = resolveLocalConfig({ devVarsPath: path, inheritProcessEnv: false });
			expect(hermetic.env.MERCHANT_NAME).toBe("From file");
		} finally {
			if (previous === undefined) delete process.env.MERCHANT_NAME;
			else process.env.MERCHANT_NAME = previous;
		}
	});
});

describe("Postgres bridge", () => {
	let bridge: Awaited<ReturnType<typeof startPgBridge>>;
	beforeAll(async () => {
		bridge = await startPgBridge({ allowHosts: ["db.internal.example"] });
	});
	afterAll(() => bridge.close());

	const upgradeStatus = (path: string, options: { base?: string; headers?: Record<string, string> } = {}) =>
		new Promise<number>((resolve) => {
			const ws = new WebSocket(`${(options.base ?? bridge.url).replace("http", "ws")}${path}`, {
				headers: options.headers,
			});
			ws.on("open", () => {
				ws.close();
				resolve(101);
			});
			ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
			ws.on("error", () => resolve(-1));
		});

	it("refuses targets other than loopback and the database host", async () => {
		expect(await upgradeStatus("/v1?address=10.1.2.3:5432")).toBe(403);
		expect(await upgradeStatus("/v1?address=example.com:443")).toBe(403);
		expect(await upgradeStatus("/v1?address=nonsense")).toBe(400);
		expect(await upgradeStatus("/v2?address=127.0.0.1:5432")).toBe(400);
	});

	// A page open in a browser during `npm run dev` can open a WebSocket to 127.0.0.1: it must not reach the database.
	it("refuses a connection with an Origin header or without the bridge's token", async () => {
		const target = "/v1?address=127.0.0.1:9";
		expect(bridge.url).toMatch(new RegExp(`^${bridge.origin}/[\\w-]{32}$`));
		expect(await upgradeStatus(target, { headers: { origin: "https://attacker.example" } })).toBe(403);
		expect(await upgradeStatus(target, { headers: { origin: "http://127.0.0.1:8787" } })).toBe(403);
		expect(await upgradeStatus(target, { headers: { origin: "null" } })).toBe(403);
		expect(await upgradeStatus(target, { base: bridge.origin })).toBe(403);
		expect(await upgradeStatus(target, { base: `${bridge.origin}/${"A".repeat(32)}` })).toBe(403);
		expect(await upgradeStatus(target, { base: `${bridge.url}x` })).toBe(403);
		expect(await upgradeStatus(target, { base: bridge.url.slice(0, -1) })).toBe(403);
		const other = await startPgBridge();
		try {
			// Each bridge makes its own token: one bridge's URL does not open another.
			expect(await upgradeStatus(target, { base: `${bridge.origin}${new URL(other.url).pathname}` })).toBe(403);
		} finally {
			await other.close();
		}
	});

	it("accepts loopback targets and answers plain HTTP with 426", async () => {
		expect(await upgradeStatus("/v1?address=127.0.0.1:9")).toBe(101);
		expect((await fetch(`${bridge.url}/v1`)).status).toBe(426);
	});
});

describe("fixture Worker in Miniflare", () => {
	let stack: TestStack;
	beforeAll(async () => {
		stack = await startTestStack({ configPath: FIXTURE, env: { MERCHANT_NAME: "Fixture" } });
	});
	afterAll(() => stack?.stop());

	const worker = (path: string, body?: unknown) => call(stack.workerUrl, path, body);

	it("gets wrangler.toml vars and the local configuration as bindings", async () => {
		const env = JSON.parse((await worker("/env")).body);
		expect(env.SUBMIT_MODE).toBe("auto");
		expect(env.QUEUE_RETRY_BASE_SECONDS).toBe("1");
		expect(env.names).toEqual(
			expect.arrayContaining([
				"DASHBOARD_TOKEN",
				"DATABASE_URL",
				"DATABASE_WS_PROXY",
				"MERCHANT_NAME",
				"STRIPE_API_BASE",
				"STRIPE_SECRET_KEY",
				"STRIPE_WEBHOOK_SECRET",
			]),
		);
		expect(stack.bridgeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		// The Worker is given the bridge's URL with its token; the address shown in logs has none.
		expect(stack.bindings.DATABASE_WS_PROXY).toMatch(new RegExp(`^${stack.bridgeUrl}/[\\w-]{32}$`));
	});

	it("reaches Postgres through the bridge with neon-serverless + Drizzle, transactions included", async () => {
		expect(stack.databaseKind).toBe(process.env.DATABASE_URL ? "postgres" : "pglite");
		await expectDatabaseRoundTrip(stack.workerUrl);
	});

	it("delivers queue messages, retries failures into the dead-letter queue, and stores in R2", async () => {
		expect((await worker("/queue", { id: "ok-1" })).status).toBe(202);
		expect((await worker("/queue", { id: "bad-1", fail: true })).status).toBe(202);
		expect(await waitFor(async () => (await worker("/r2/queue/ok-1")).status === 200 && "delivered", 20_000)).toBe(
			"delivered",
		);
		// max_retries = 2 in the fixture: three deliveries, then the dead-letter queue.
		const dlq = await waitFor(async () => {
			const r = await worker("/r2/dlq/bad-1");
			return r.status === 200 ? r.body : undefined;
		}, 30_000);
		expect(dlq).toBe("1");
		expect((await worker("/r2/queue/bad-1")).status).toBe(404);
	});

	it("runs the cron trigger on demand", async () => {
		expect(stack.crons).toEqual(["*/15 * * * *"]);
		expect((await stack.dispatchScheduled()).outcome).toBe("ok");
		expect(await worker("/r2/cron/last")).toEqual({ status: 200, body: "*/15 * * * *" });
	});
});

// In CI the stack above runs on the real server (DATABASE_URL); this proves embedded PGlite there too.
describe.runIf(process.env.DATABASE_URL)("fixture Worker on embedded PGlite", () => {
	let stack: TestStack;
	beforeAll(async () => {
		stack = await startTestStack({ configPath: FIXTURE, database: "pglite" });
	});
	afterAll(() => stack?.stop());

	it("reaches PGlite through the bridge", async () => {
		expect(stack.databaseKind).toBe("pglite");
		await expectDatabaseRoundTrip(stack.workerUrl);
	});
});

describe("rebuttal's Worker on the local stack", () => {
	let stack: TestStack;
	beforeAll(async () => {
		stack = await startTestStack();
	});
	afterAll(() => stack?.stop());

	it("answers /health and takes a dispute of a seeded customer through to submitted", async () => {
		expect(await (await fetch(`${stack.workerUrl}/health`)).json()).toEqual({ ok: true });
		const customers = await stack.seedDemo();
		const customer = customers[0]!;
		const { dispute, event } = await stack.emulator("/_emulator/disputes", {
			charge: customer.chargeIds[0],
			reason: "fraudulent",
		});
		expect((await stack.sendEvent(event)).status).toBe(200);
		const row = await waitFor(async () => {
			const response = await stack.api(`/api/disputes/${dispute.id}`);
			const body = response.ok ? await response.json() : undefined;
			return body && ["submitted", "failed"].includes(body.stage) ? body : undefined;
		}, 60_000);
		expect(row).toMatchObject({ stage: "submitted", accountId: customer.accountId });
		const updates = await stack.emulator(`/_emulator/disputes/${dispute.id}/updates`);
		expect(updates.at(-1)).toMatchObject({ submit: true });
	});
});

async function call(workerUrl: string, path: string, body?: unknown) {
	const response = await fetch(`${workerUrl}${path}`, {
		method: body === undefined ? "GET" : "POST",
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: await response.text() };
}

async function expectDatabaseRoundTrip(workerUrl: string): Promise<void> {
	const db = (body: { id: string; email: string }) => call(workerUrl, "/db", body);
	expect(await db({ id: "usr_1", email: "one@example.com" })).toEqual({ status: 200, body: '{"count":1}' });
	expect(await db({ id: "usr_2", email: "two@example.com" })).toEqual({ status: 200, body: '{"count":2}' });
	const row = await call(workerUrl, "/db/usr_2");
	expect(row.status).toBe(200);
	expect(JSON.parse(row.body)).toMatchObject({ id: "usr_2", email: "two@example.com" });
	// A failed transaction (duplicate key) leaves nothing behind.
	expect((await db({ id: "usr_2", email: "dup@example.com" })).status).toBe(500);
	expect(JSON.parse((await call(workerUrl, "/db/usr_2")).body).email).toBe("two@example.com");
}
