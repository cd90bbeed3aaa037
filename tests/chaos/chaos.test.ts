import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnthropicFake, type FakeBehaviour, startAnthropicFake } from "../../local/anthropic-fake";
import { type PgBridge, startPgBridge } from "../../local/pg-bridge";
import { startTestStack, type TestStack, waitFor } from "../support/stack";
import { type FleetCustomer, inPool, type OpenedDispute, openDisputes, seedFleet } from "./fleet";

// The fault proof. Many disputes go through the whole local pipeline while everything it depends on misbehaves:
// the Stripe emulator answers a share of requests with 500s, 429s, slow responses and dropped connections (some
// after the request took effect), the Anthropic fake errors and stalls, and the Postgres bridge cuts every open
// connection at intervals. Then: every dispute is submitted exactly once or visibly failed with its reason, no
// event is lost, nothing is submitted twice, and no evidence names another dispute's customer.
//
// rebuttal's own wrangler.toml (max_retries 8) with first retries after 1 s instead of 30 s: the backoff still
// outlasts the 120 s claim that a pass cut off from Postgres leaves on its event, as it does in production.
// Size: CHAOS_DISPUTES (default 8 inside `npm test`; `npm run test:chaos` runs 150).

const DISPUTES = Number(process.env.CHAOS_DISPUTES ?? 8);
const CUT_EVERY_MS = Number(process.env.CHAOS_CUT_EVERY_MS ?? 2_500);
const TERMINAL = ["submitted", "failed"];

let stack: TestStack;
let bridge: PgBridge;
let anthropic: AnthropicFake;
let sql: pg.Pool;
let fleet: FleetCustomer[];

beforeAll(async () => {
	bridge = await startPgBridge();
	anthropic = await startAnthropicFake();
	stack = await startTestStack({
		env: {
			DATABASE_WS_PROXY: bridge.url,
			ANTHROPIC_API_KEY: "sk-ant-chaos-test-key",
			ANTHROPIC_BASE_URL: anthropic.url,
		},
	});
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	fleet = await seedFleet({
		databaseUrl: stack.databaseUrl,
		emulatorUrl: stack.stripeApiBase,
		count: DISPUTES,
		prefix: "chaos",
	});
}, 300_000);

afterAll(async () => {
	await sql?.end();
	await stack?.stop();
	await anthropic?.close();
	await bridge?.close();
});

/** A random mix of what the model API does on a bad day: mostly answers, often overloaded, sometimes slow. */
function anthropicScript(length: number): FakeBehaviour[] {
	const pick = (): FakeBehaviour => {
		const r = Math.random();
		if (r < 0.2) return { kind: "error", status: 529, retryAfter: 1 };
		if (r < 0.3) return { kind: "error", status: 500 };
		if (r < 0.4) return { kind: "error", status: 429, retryAfter: 1 };
		if (r < 0.5) return { kind: "stall", ms: 2_000 };
		return { kind: "valid" };
	};
	return Array.from({ length }, pick);
}

const STRIPE_FAULTS = [
	{ path: "^/v1/", status: 500, probability: 0.05 },
	{ path: "^/v1/", status: 429, probability: 0.05 },
	{ path: "^/v1/", status: 503, probability: 0.03 },
	{ path: "^/v1/", latencyMs: 1_500, probability: 0.05 },
	{ path: "^/v1/", drop: true, probability: 0.03 },
	// The request takes effect, then its answer is lost: only idempotency keys keep this from doubling anything.
	{ method: "POST", path: "^/v1/(disputes|files)", drop: true, phase: "after", probability: 0.1 },
];

interface Row {
	id: string;
	charge_id: string;
	stage: string;
	last_error: string | null;
	failed_stage: string | null;
}

describe(`chaos: ${DISPUTES} disputes under Stripe, model and database faults`, () => {
	it("submits each exactly once or fails it visibly, loses no event, submits nothing twice or to the wrong charge", async () => {
		const opened: OpenedDispute[] = await openDisputes(stack.stripeApiBase, fleet);
		const byDispute = new Map(opened.map((o) => [o.disputeId, o]));

		anthropic.script(...anthropicScript(DISPUTES * 4));
		await stack.emulator("/_emulator/faults", STRIPE_FAULTS);
		let cuts = 0;
		let connectionsCut = 0;
		const cutter = setInterval(() => {
			cuts++;
			connectionsCut += bridge.cutConnections();
		}, CUT_EVERY_MS);

		// Deliveries: every event, a fifth of them twice (Stripe delivers at least once); a non-2xx is redelivered.
		let deliveries = 0;
		let redeliveries = 0;
		const started = performance.now();
		try {
			await inPool(opened, 8, async (o, i) => {
				const times = i % 5 === 0 ? 2 : 1;
				for (let n = 0; n < times; n++) {
					for (let attempt = 0; ; attempt++) {
						deliveries++;
						const response = await stack.sendEvent(o.event);
						if (response.ok) break;
						redeliveries++;
						if (attempt > 10) throw new Error(`intake kept answering ${response.status} for ${o.disputeId}`);
						await new Promise((r) => setTimeout(r, 200));
					}
				}
			});

			const timeoutMs = 240_000 + DISPUTES * 3_000;
			await waitFor(
				async () => {
					const { rows } = await sql.query<{ n: number }>(
						"select count(*)::int as n from rebuttal.disputes where stage = any($1)",
						[TERMINAL],
					);
					return rows[0]!.n >= DISPUTES;
				},
				timeoutMs,
				1_000,
			).catch(async (error) => {
				const { rows } = await sql.query("select stage, count(*)::int as n from rebuttal.disputes group by stage");
				throw new Error(`${(error as Error).message}; stages: ${JSON.stringify(rows)}`);
			});
		} finally {
			clearInterval(cutter);
		}
		const drainedSeconds = (performance.now() - started) / 1000;
		// Let any in-flight redelivery settle, then look at everything with the faults gone.
		await fetch(`${stack.stripeApiBase}/_emulator/faults`, { method: "DELETE" });
		await new Promise((r) => setTimeout(r, 3_000));

		const { rows } = await sql.query<Row>(
			"select id, charge_id, stage, last_error, failed_stage from rebuttal.disputes order by id",
		);
		const { rows: events } = await sql.query<{ n: number }>(
			"select count(distinct object_id)::int as n from rebuttal.events where object_id = any($1)",
			[[...byDispute.keys()]],
		);
		const stats = await stack.emulator("/_emulator/stats");
		const requests = (await stack.emulator("/_emulator/requests")) as { status: number; fault?: string | null }[];
		const modelRequests = anthropic.requests();

		let submitted = 0;
		let failed = 0;
		let doubleSubmissions = 0;
		let wrongCharge = 0;
		let submittedButFailed = 0;
		const files = new Map<string, string>();
		const problems: string[] = [];
		for (const row of rows) {
			const o = byDispute.get(row.id);
			if (!o) {
				problems.push(`unknown dispute ${row.id}`);
				continue;
			}
			const updates = (await stack.emulator(`/_emulator/disputes/${row.id}/updates`)) as {
				evidence: Record<string, string>;
				submit: boolean;
			}[];
			const submissions = updates.filter((u) => u.submit);
			if (submissions.length > 1) doubleSubmissions++;
			const remote = await stack.emulator(`/v1/disputes/${row.id}`);
			if (remote.evidence_details.submission_count > 1) doubleSubmissions++;
			if (row.stage === "submitted") {
				submitted++;
				if (submissions.length !== 1) problems.push(`${row.id} submitted with ${submissions.length} submissions`);
			} else {
				failed++;
				if (!row.last_error) problems.push(`${row.id} failed without a reason`);
				if (submissions.length > 0) submittedButFailed++;
			}
			for (const update of updates) {
				const evidence = update.evidence;
				if (row.charge_id !== o.customer.chargeId) wrongCharge++;
				else if (evidence.customer_email_address && evidence.customer_email_address !== o.customer.email) wrongCharge++;
				else if (evidence.customer_name && evidence.customer_name !== o.customer.name) wrongCharge++;
				for (const value of Object.values(evidence)) {
					if (typeof value !== "string" || !value.startsWith("file_")) continue;
					const owner = files.get(value);
					if (owner && owner !== row.id) wrongCharge++;
					files.set(value, row.id);
				}
				// No other customer's email appears anywhere in this dispute's evidence.
				const text = JSON.stringify(evidence);
				for (const other of fleet) {
					if (other !== o.customer && text.includes(`${other.email}"`)) wrongCharge++;
				}
			}
		}

		const summary = {
			disputes: DISPUTES,
			deliveries,
			redeliveries,
			eventsRecorded: events[0]!.n,
			submitted,
			failed,
			failedReasons: rows.filter((r) => r.stage === "failed").map((r) => `${r.id}: ${r.last_error}`),
			doubleSubmissions,
			submittedButMarkedFailed: submittedButFailed,
			wrongCharge,
			stripeRequests: stats.requests,
			stripeFaults: requests.filter((r) => r.fault).length,
			modelRequests: modelRequests.length,
			modelFailures: modelRequests.filter((r) => r.behaviour === "error" || r.behaviour === "stall").length,
			postgresCuts: cuts,
			postgresConnectionsCut: connectionsCut,
			drainedSeconds: Math.round(drainedSeconds),
		};
		console.log(`chaos summary ${JSON.stringify(summary, null, 2)}`);
		console.log(
			`chaos: ${DISPUTES} disputes, ${submitted} submitted once, ${failed} failed visibly, ${doubleSubmissions} submitted twice, ${wrongCharge} wrong-charge evidence, ${DISPUTES - events[0]!.n} events lost; faults: ${summary.stripeFaults} Stripe, ${summary.modelFailures} model, ${connectionsCut} Postgres connections cut`,
		);

		expect(problems).toEqual([]);
		expect(rows).toHaveLength(DISPUTES);
		expect(events[0]!.n).toBe(DISPUTES);
		expect(submitted + failed).toBe(DISPUTES);
		expect(doubleSubmissions).toBe(0);
		expect(wrongCharge).toBe(0);
		expect(submittedButFailed).toBe(0);
		// The faults really happened.
		expect(summary.stripeFaults).toBeGreaterThan(0);
		expect(connectionsCut + summary.modelFailures).toBeGreaterThan(0);
		// Faults at these rates are all recoverable: most disputes get through.
		expect(submitted).toBeGreaterThanOrEqual(Math.ceil(DISPUTES * 0.8));
	});
});
