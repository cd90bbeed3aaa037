import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { RATE_LIMITED_RESENDS, SHARED_PACE } from "../lib/stripe/pacing";
import { PROJECT_ROOT } from "../local/env";
import { deliverEvent, emulatorControl } from "../local/webhook";
import { inPool, openDisputes, seedFleet } from "../tests/chaos/fleet";
import { startTestStack, type TestStack } from "../tests/support/stack";
import { disputeEvent, signPayload } from "../tests/support/stripe-webhook";
import { benchActivityWrites } from "./activity-writes";
import { startBaselineWorker, startEnqueueBaselineWorker } from "./baseline";
import { explainFacts, type QueryPlan } from "./explain";

// `npm run bench`: rebuttal's performance in the local emulation, each figure beside its baseline from the same
// run, every time taken outside the Worker (Node's clock, or Postgres's for the assembly pass). Writes
// bench/results.json, prints a table and rewrites the README between <!-- bench:start --> and <!-- bench:end -->.
//
// BENCH_BURST (default 500) disputes in the burst; BENCH_INTAKE_REQUESTS (default 2000) measured deliveries per
// side; BENCH_CONCURRENCY (default 16); BENCH_SKIP=intake,assembly,burst to leave parts out; BENCH_NO_README=1;
// BENCH_README_ONLY=1 rewrites the README from the saved results; BENCH_RESULTS=path writes the results elsewhere;
// BENCH_RETRY_BASE_SECONDS (default 1) is the first queue retry delay during the burst.

const BURST = Number(process.env.BENCH_BURST ?? 500);
const INTAKE_REQUESTS = Number(process.env.BENCH_INTAKE_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Consumers of the concurrent burst: the Worker and BENCH_CONSUMERS - 1 replicas, each its own isolate. */
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 2);
const SIZES = (process.env.BENCH_SIZES ?? "1000,100000,1000000").split(",").map(Number);
const REPEATS = 3;
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
const RATE = { perSecond: 25, filesPerSecond: 20 };
/** First queue retry delay during the burst (the test stack's 1 s; rebuttal's default is 30 s). */
const RETRY_BASE_SECONDS = Number(process.env.BENCH_RETRY_BASE_SECONDS ?? 1);

/** Buckets per account-day the seeded activity makes: 4 kinds, 3 IPs and 2 devices (tests/chaos/fleet.ts). */
const BUCKETS_PER_DAY = 9;
/** Days the seeded activity spans, signup to yesterday (tests/chaos/fleet.ts). */
const SEEDED_DAYS = 200;
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (values: number[]) =>
	percentile(
		[...values].sort((a, b) => a - b),
		50,
	);

/** The server at DATABASE_URL, else the machine's usual local Postgres if it answers, else embedded PGlite. */
async function chooseDatabase(): Promise<string> {
	if (process.env.DATABASE_URL) return "postgres";
	const candidate = "postgres://postgres@127.0.0.1:5432/postgres";
	const client = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		await client.end();
		process.env.DATABASE_URL = candidate;
		return "postgres";
	} catch {
		return "pglite";
	}
}

// ---------------------------------------------------------------------------------------------------- intake

/** rebuttal's wrangler.toml without queue consumers: intake enqueues, and nothing drains the queue meanwhile. */
function producerOnlyConfig(): string {
	const source = readFileSync(join(PROJECT_ROOT, "wrangler.toml"), "utf8");
	const config = source
		.replace(/^main = ".*"$/m, `main = ${JSON.stringify(join(PROJECT_ROOT, "functions/index.ts"))}`)
		.replace(/\[\[queues\.consumers\]\][^[]*/g, "");
	const dir = mkdtempSync(join(tmpdir(), "rebuttal-bench-"));
	writeFileSync(join(dir, "wrangler.toml"), config);
	return join(dir, "wrangler.toml");
}

interface Delivery {
	body: string;
	headers: Record<string, string>;
}

async function signedDeliveries(secret: string, count: number, offset: number): Promise<Delivery[]> {
	const out: Delivery[] = [];
	for (let i = 0; i < count; i++) {
		const n = offset + i;
		const body = JSON.stringify(
			disputeEvent({
				id: `evt_bench${n.toString().padStart(8, "0")}`,
				data: { object: { id: `du_bench${n}`, object: "dispute", amount: 1900, status: "needs_response" } },
			}),
		);
		const signature = await signPayload(body, secret);
		out.push({ body, headers: { "content-type": "application/json", "stripe-signature": signature } });
	}
	return out;
}

async function fire(url: string, deliveries: Delivery[]): Promise<{ latencies: number[]; seconds: number }> {
	const latencies: number[] = [];
	const started = performance.now();
	await inPool(deliveries, CONCURRENCY, async (d) => {
		const t = performance.now();
		const response = await fetch(url, { method: "POST", body: d.body, headers: d.headers });
		await response.arrayBuffer();
		latencies.push(performance.now() - t);
		if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
	});
	return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Rounds of the intake run; each sends a share of the deliveries to every side, in a rotating order. */
const INTAKE_ROUNDS = 4;

async function benchIntake() {
	log(`intake: ${INTAKE_REQUESTS} signed deliveries per side at concurrency ${CONCURRENCY}`);
	const stack = await startTestStack({ configPath: producerOnlyConfig(), database: "pglite" });
	const baseline = await startBaselineWorker();
	const enqueueBaseline = await startEnqueueBaselineWorker();
	try {
		const urls = {
			intake: `${stack.workerUrl}/webhooks/stripe`,
			baseline: `${baseline.url}/webhooks/stripe`,
			enqueueBaseline: `${enqueueBaseline.url}/webhooks/stripe`,
		};
		const names = Object.keys(urls) as (keyof typeof urls)[];
		// Warm every side, then interleave rounds so drift on a shared machine hits all sides alike.
		const warm = await signedDeliveries(stack.webhookSecret, 300, 0);
		for (const name of names) await fire(urls[name], warm);
		const share = Math.ceil(INTAKE_REQUESTS / INTAKE_ROUNDS);
		const sides = Object.fromEntries(names.map((n) => [n, { latencies: [] as number[], seconds: 0 }])) as Record<
			keyof typeof urls,
			{ latencies: number[]; seconds: number }
		>;
		for (let r = 0; r < INTAKE_ROUNDS; r++) {
			const batch = await signedDeliveries(stack.webhookSecret, share, 1000 + r * share);
			for (let k = 0; k < names.length; k++) {
				const name = names[(r + k) % names.length]!;
				const result = await fire(urls[name], batch);
				sides[name].latencies.push(...result.latencies);
				sides[name].seconds += result.seconds;
			}
		}
		const summarise = (s: { latencies: number[]; seconds: number }) => {
			const sorted = [...s.latencies].sort((a, b) => a - b);
			return {
				requests: sorted.length,
				p50Ms: round(percentile(sorted, 50)),
				p99Ms: round(percentile(sorted, 99)),
				perSecond: round(sorted.length / s.seconds, 0),
			};
		};
		const intake = summarise(sides.intake);
		const ratioTo = (base: ReturnType<typeof summarise>) => ({
			p50: round(intake.p50Ms / base.p50Ms),
			p99: round(intake.p99Ms / base.p99Ms),
			throughput: round(intake.perSecond / base.perSecond),
		});
		const base = summarise(sides.baseline);
		const enqueue = summarise(sides.enqueueBaseline);
		return {
			concurrency: CONCURRENCY,
			intake,
			baseline: base,
			ratio: ratioTo(base),
			enqueueBaseline: enqueue,
			ratioToEnqueue: ratioTo(enqueue),
		};
	} finally {
		await enqueueBaseline.stop();
		await baseline.stop();
		await stack.stop();
	}
}

// -------------------------------------------------------------------------------------------------- assembly

interface AssemblyRun {
	seconds: number;
	rowsFetched: number;
	pdfBytes: number;
	pdfPages: number;
}

async function assembled(sql: pg.Pool, disputeId: string, timeoutMs: number): Promise<AssemblyRun> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { rows } = await sql.query(
			`select extract(epoch from (a.created_at - e.received_at))::float8 as seconds, a.detail
			from rebuttal.attempts a join rebuttal.events e on e.object_id = a.dispute_id
			where a.dispute_id = $1 and a.stage = 'assemble' and a.outcome = 'ok' order by a.created_at limit 1`,
			[disputeId],
		);
		const row = rows[0];
		if (row) {
			return {
				seconds: row.seconds,
				rowsFetched: row.detail.rowsFetched,
				pdfBytes: row.detail.pdfBytes,
				pdfPages: row.detail.pdfPages,
			};
		}
		const { rows: failed } = await sql.query("select stage, last_error from rebuttal.disputes where id = $1", [
			disputeId,
		]);
		if (failed[0]?.stage === "failed") throw new Error(`${disputeId} failed: ${failed[0].last_error}`);
		if (Date.now() > deadline) throw new Error(`${disputeId} not assembled within ${timeoutMs} ms`);
		await sleep(100);
	}
}

async function benchAssembly(database: string) {
	log(`assembly: accounts with ${SIZES.join(", ")} activity rows, ${REPEATS} disputes each (${database})`);
	const stack = await startTestStack({ database: database === "pglite" ? "pglite" : "auto" });
	const sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	try {
		const results = [];
		const warm = await seedFleet({
			databaseUrl: stack.databaseUrl,
			emulatorUrl: stack.stripeApiBase,
			count: 1,
			prefix: "warm",
		});
		const [warmDispute] = await openDisputes(stack.stripeApiBase, warm, ["fraudulent"]);
		await stack.sendEvent(warmDispute!.event);
		await assembled(sql, warmDispute!.disputeId, 120_000);

		for (const size of SIZES) {
			const t = performance.now();
			const [customer] = await seedFleet({
				databaseUrl: stack.databaseUrl,
				emulatorUrl: stack.stripeApiBase,
				count: 1,
				activityRows: size,
				prefix: `rows${size}`,
			});
			// A million rows inserted in one statement and read at once is not the steady state: autovacuum would set
			// the visibility map (what index-only scans rely on) and the statistics soon after such an insert.
			await sql.query("vacuum (analyze) rebuttal.activity");
			log(`  seeded ${size} rows in ${round((performance.now() - t) / 1000, 1)} s`);
			const chargeAt = new Date(Date.now() - 30 * 86_400_000);
			const queries = await explainFacts(stack.databaseUrl, customer!.accountId, chargeAt);
			// The same facts read from the rows alone, as when rebuttal.activity is a merchant's view.
			const fromRows = await explainFacts(stack.databaseUrl, customer!.accountId, chargeAt, "rows");
			const totalMs = (plans: QueryPlan[]) =>
				round(
					plans.reduce((sum, q) => sum + q.ms, 0),
					1,
				);
			const factsMs = { summary: totalMs(queries), rows: totalMs(fromRows) };
			log(`    facts queries: ${factsMs.summary} ms from the summary, ${factsMs.rows} ms from the rows`);
			for (const q of queries)
				log(
					`    ${q.ms} ms  ${q.rowsRead} rows read, ${q.heapFetches} heap fetches  ${q.scans.join(", ")}  ${q.query}`,
				);
			// More paid charges of the same customer, one per repeat.
			const charges = Array.from({ length: REPEATS }, (_, i) => ({
				id: `${customer!.chargeId}_r${i}`,
				amount: 1900,
				currency: "usd",
				customer: customer!.customerId,
				created: Math.floor(Date.now() / 1000) - 30 * 86_400,
				description: "Pro plan, monthly",
				metadata: { account_id: customer!.accountId },
				billing_details: { name: customer!.name, email: customer!.email },
			}));
			await emulatorControl(stack.stripeApiBase, "/_emulator/seed", { charges });
			const runs: AssemblyRun[] = [];
			for (const charge of charges) {
				const created = await emulatorControl<{ dispute: { id: string }; event: unknown }>(
					stack.stripeApiBase,
					"/_emulator/disputes",
					{ charge: charge.id, reason: "fraudulent" },
				);
				await stack.sendEvent(created.event);
				runs.push(await assembled(sql, created.dispute.id, 300_000));
			}
			const summary = {
				activityRows: size,
				seconds: round(median(runs.map((r) => r.seconds)), 3),
				rowsFetched: median(runs.map((r) => r.rowsFetched)),
				pdfBytes: median(runs.map((r) => r.pdfBytes)),
				pdfPages: median(runs.map((r) => r.pdfPages)),
				runs: runs.map((r) => round(r.seconds, 3)),
				/** Each facts query of the account under EXPLAIN (ANALYZE, BUFFERS), in the order sent. */
				queries,
				/** Postgres execution time of all the facts queries, from the summary and from the rows alone. */
				factsMs,
			};
			log(
				`  ${size} rows: ${summary.seconds} s, ${summary.rowsFetched} rows fetched, ${summary.pdfBytes} B, ${summary.pdfPages} pages`,
			);
			results.push(summary);
		}
		const first = results[0]!;
		const last = results.at(-1)!;
		log("  activity writes with and without the summary's triggers");
		const writes = await benchActivityWrites(stack.databaseUrl);
		return {
			database,
			repeats: REPEATS,
			sizes: results,
			/** What the summary's triggers cost the merchant's inserts (bench/activity-writes.ts). */
			writes,
			growth: {
				rows: round(last.activityRows / first.activityRows, 0),
				seconds: round(last.seconds / first.seconds),
				rowsFetched: round(last.rowsFetched / first.rowsFetched),
				pdfBytes: round(last.pdfBytes / first.pdfBytes),
				pdfPages: round(last.pdfPages / first.pdfPages),
			},
		};
	} finally {
		await sql.end();
		await stack.stop();
	}
}

// ----------------------------------------------------------------------------------------------------- burst

/**
 * The burst with `consumers` Workers consuming at once: the first and `consumers - 1` replicas, each an isolate
 * of its own with its own queues (local/consumer-replicas.ts), the deliveries spread over them in turn. Only the
 * shared rate limiter (a Durable Object) keeps their Stripe calls together under the limit.
 */
async function benchBurst(database: string, consumers = 1) {
	log(
		`burst: ${BURST} disputes at once over ${consumers} consumer${consumers === 1 ? "" : "s"}, emulator limited to ${RATE.perSecond} requests/s, files ${RATE.filesPerSecond}/s`,
	);
	const stack: TestStack = await startTestStack({
		database: database === "pglite" ? "pglite" : "auto",
		stripeRateLimit: RATE,
		consumerReplicas: consumers - 1,
		env: { QUEUE_RETRY_BASE_SECONDS: String(RETRY_BASE_SECONDS) },
	});
	const webhookUrls = [stack.workerUrl, ...stack.replicaUrls];
	const sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	try {
		const fleet = await seedFleet({
			databaseUrl: stack.databaseUrl,
			emulatorUrl: stack.stripeApiBase,
			count: BURST,
			prefix: "burst",
		});
		const opened = await openDisputes(stack.stripeApiBase, fleet);
		const before = (await stack.emulator("/_emulator/requests")).length as number;

		const started = performance.now();
		await inPool(opened, CONCURRENCY, async (o, i) => {
			const url = webhookUrls[i % webhookUrls.length]!;
			const response = await deliverEvent(url, stack.webhookSecret, o.event);
			if (!response.ok) throw new Error(`webhook answered ${response.status}`);
		});
		const deliveredSeconds = (performance.now() - started) / 1000;
		let terminal = 0;
		let lastProgress = performance.now();
		for (;;) {
			const { rows } = await sql.query<{ n: number }>(
				"select count(*)::int as n from rebuttal.disputes where stage in ('submitted', 'failed', 'skipped')",
			);
			if (rows[0]!.n !== terminal) lastProgress = performance.now();
			terminal = rows[0]!.n;
			if (terminal >= BURST) break;
			if (performance.now() - lastProgress > 300_000) throw new Error(`burst stalled at ${terminal}/${BURST}`);
			await sleep(250);
		}
		const drainSeconds = (performance.now() - started) / 1000;

		const requests = (
			(await stack.emulator("/_emulator/requests")) as { path: string; method: string; status: number }[]
		)
			.slice(before)
			.filter((r) => r.path.startsWith("/v1/"));
		const served = requests.filter((r) => r.status !== 429);
		const uploads = served.filter((r) => r.method === "POST" && r.path === "/v1/files").length;
		const rateLimited = requests.filter((r) => r.status === 429).length;
		const { rows: stages } = await sql.query<{ stage: string; n: number }>(
			"select stage, count(*)::int as n from rebuttal.disputes group by stage",
		);
		const byStage = Object.fromEntries(stages.map((s) => [s.stage, s.n]));
		const { rows: limitedFailures } = await sql.query<{ n: number }>(
			"select count(*)::int as n from rebuttal.disputes where stage = 'failed' and last_error ilike '%rate%'",
		);
		const { rows: retried } = await sql.query<{ n: number }>(
			"select count(distinct dispute_id)::int as n from rebuttal.attempts where outcome = 'retry' and error ilike '%rate_limited%'",
		);
		const callsPerDispute = served.length / BURST;
		const floorSeconds = Math.max(served.length / RATE.perSecond, uploads / RATE.filesPerSecond);
		return {
			disputes: BURST,
			consumers,
			retryBaseSeconds: RETRY_BASE_SECONDS,
			deliveredSeconds: round(deliveredSeconds, 1),
			drainSeconds: round(drainSeconds, 1),
			stripeCalls: served.length,
			callsPerDispute: round(callsPerDispute, 2),
			fileUploads: uploads,
			floorSeconds: round(floorSeconds, 1),
			ratioToFloor: round(drainSeconds / floorSeconds),
			achievedRequestsPerSecond: round(served.length / drainSeconds, 1),
			rateLimited429s: rateLimited,
			disputesThatMet429: retried[0]!.n,
			failuresFrom429: limitedFailures[0]!.n,
			stages: byStage,
		};
	} finally {
		await sql.end();
		await stack.stop();
	}
}

// ---------------------------------------------------------------------------------------------------- report

type Results = {
	generatedAt: string;
	machine: { cpus: number; node: string; database: string; loadAverage?: { start: number; end: number } };
	intake?: Awaited<ReturnType<typeof benchIntake>>;
	assembly?: Awaited<ReturnType<typeof benchAssembly>>;
	burst?: Awaited<ReturnType<typeof benchBurst>>;
	/** The same burst with BENCH_CONSUMERS (default 2) consumers in isolates of their own. */
	burstConcurrent?: Awaited<ReturnType<typeof benchBurst>>;
};

/** A Markdown table padded as the formatter (biome) would write it. */
function markdownTable(lines: string[]): string {
	const rows = lines.map((line) =>
		line
			.replace(/^\|\s*|\s*\|$/g, "")
			.split(" | ")
			.map((cell) => cell.trim()),
	);
	const widths = rows[0]!.map((_, i) => Math.max(3, ...rows.map((r, j) => (j === 1 ? 3 : (r[i] ?? "").length))));
	return rows
		.map((r, j) =>
			j === 1
				? `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`
				: `| ${widths.map((w, i) => (r[i] ?? "").padEnd(w)).join(" | ")} |`,
		)
		.join("\n");
}

function table(results: Results): string {
	const lines: string[] = [];
	const { intake, assembly, burst } = results;
	lines.push("| measure | rebuttal | baseline | ratio |", "|---|---|---|---|");
	if (intake) {
		lines.push(
			`| intake p50 latency (concurrency ${intake.concurrency}) | ${intake.intake.p50Ms} ms | ${intake.baseline.p50Ms} ms (bare Worker answering 200) | ${intake.ratio.p50}× |`,
			`| intake p99 latency | ${intake.intake.p99Ms} ms | ${intake.baseline.p99Ms} ms | ${intake.ratio.p99}× |`,
			`| intake throughput | ${intake.intake.perSecond} req/s | ${intake.baseline.perSecond} req/s | ${intake.ratio.throughput}× |`,
		);
		const enqueue = intake.enqueueBaseline;
		const toEnqueue = intake.ratioToEnqueue;
		if (enqueue && toEnqueue)
			lines.push(
				`| intake p50 latency, against enqueueing | ${intake.intake.p50Ms} ms | ${enqueue.p50Ms} ms (Worker that enqueues the same message and answers 200) | ${toEnqueue.p50}× |`,
				`| intake p99 latency, against enqueueing | ${intake.intake.p99Ms} ms | ${enqueue.p99Ms} ms | ${toEnqueue.p99}× (goal ≤ 1.25×) |`,
				`| intake throughput, against enqueueing | ${intake.intake.perSecond} req/s | ${enqueue.perSecond} req/s | ${toEnqueue.throughput}× (goal ≥ 0.8×) |`,
			);
	}
	if (assembly) {
		const first = assembly.sizes[0]!;
		for (const size of assembly.sizes) {
			lines.push(
				`| assembly, ${size.activityRows.toLocaleString("en-US")} activity rows | ${size.seconds} s, ${size.rowsFetched} rows fetched, ${size.pdfBytes.toLocaleString("en-US")} B, ${size.pdfPages} pages | ${size === first ? "—" : `${first.seconds} s, ${first.rowsFetched} rows, ${first.pdfBytes.toLocaleString("en-US")} B, ${first.pdfPages} pages (smallest)`} | ${size === first ? "1×" : `${round(size.seconds / first.seconds)}× time, ${round(size.rowsFetched / first.rowsFetched)}× rows, ${round(size.pdfBytes / first.pdfBytes)}× bytes`} |`,
			);
		}
	}
	const writes = assembly?.writes;
	if (writes) {
		lines.push(
			`| activity inserts, one row each (${writes.concurrency} connections) | ${writes.withSummary.singleRowsPerSecond.toLocaleString("en-US")} rows/s with the summary's triggers | ${writes.withoutTriggers.singleRowsPerSecond.toLocaleString("en-US")} rows/s (same table without triggers) | ${writes.ratio.singleRows}× |`,
			`| activity insert, ${writes.bulkRows.toLocaleString("en-US")} rows in one statement | ${writes.withSummary.bulkRowsPerSecond.toLocaleString("en-US")} rows/s | ${writes.withoutTriggers.bulkRowsPerSecond.toLocaleString("en-US")} rows/s | ${writes.ratio.bulk}× |`,
		);
	}
	for (const b of [burst, results.burstConcurrent]) {
		if (!b) continue;
		const consumers = b.consumers ?? 1;
		const who = consumers === 1 ? "one consumer" : `${consumers} concurrent consumers`;
		lines.push(
			`| burst of ${b.disputes} disputes, ${who}, drained | ${b.drainSeconds} s (${b.achievedRequestsPerSecond} Stripe req/s) | ${b.floorSeconds} s floor (${b.stripeCalls} calls = ${b.callsPerDispute}/dispute at 25/s; ${b.fileUploads} uploads at 20/s) | ${b.ratioToFloor}× (goal ≤ 1.2×) |`,
			`| 429s during the burst, ${who} | ${b.rateLimited429s} seen, ${b.disputesThatMet429} disputes retried, ${b.failuresFrom429} failed | 0 failed | — |`,
		);
	}
	return markdownTable(lines);
}

function intakeNote(intake: NonNullable<Results["intake"]>): string {
	const e = intake.ratioToEnqueue;
	const met = e && e.p99 <= 1.25 && e.throughput >= 0.8;
	return `Intake: ${intake.intake.requests} deliveries per side at concurrency ${intake.concurrency}, in ${INTAKE_ROUNDS} interleaved rounds. Two baselines in the same Miniflare and workerd: a bare Worker that reads the body and answers 200, and a Worker that reads the same body, sends a queue message of the same shape and answers 200 — the least a durable intake can do.${e ? ` Against the second, intake's p99 is ${e.p99}× (goal 1.25×) and its throughput ${e.throughput}× (goal 0.8×): ${met ? "both goals met in this run" : "not both goals met in this run"}.` : ""} What intake adds to it is CPU only: the Stripe-Signature check (one HMAC-SHA256 over the raw bytes with a key imported once per isolate, compared in constant time), the 300 s timestamp check, the 1 MiB limit, the JSON parse and the event's few field checks; \`npx tsx bench/profile-intake.ts\` times them at tens of microseconds per delivery (stripe-node's constructEventAsync, used before, imported the key and hex-encoded the HMAC on every call, about twice the time), against milliseconds per request for the HTTP exchange and the queue send. The rest of the gap to the enqueue Worker was not profiled further: the composed Worker (Hono's router and request wrapper over every route of the dashboard, a larger bundle with nodejs_compat) and noise between sides on a loaded machine.`;
}

function assemblyNote(assembly: NonNullable<Results["assembly"]>): string {
	const first = assembly.sizes[0]!;
	const last = assembly.sizes.at(-1)!;
	const queries = (last as { queries?: QueryPlan[] }).queries ?? [];
	const slow = [...queries].sort((a, b) => b.ms - a.ms).slice(0, 6);
	const plans = slow
		.map(
			(q) =>
				`${q.ms} ms reading ${q.rowsRead.toLocaleString("en-US")} rows (${q.scans.join(", ") || "no scan"}; ${q.heapFetches} heap fetches, ${q.sharedBuffers.toLocaleString("en-US")} buffers) for \`${q.query.replace(/`/g, "")}…\``,
		)
		.join("; ");
	const met = assembly.growth.seconds <= 1.5;
	const writes = assembly.writes;
	return [
		`Assembly: median of ${assembly.repeats} disputes per size, from the event's claim to the assemble step's "ok" in the attempts log (Postgres's clock): Stripe reads, facts in SQL, the narrative (template writer), the PDF, the R2 archive and the upload. From ${first.activityRows.toLocaleString("en-US")} to ${last.activityRows.toLocaleString("en-US")} rows (${assembly.growth.rows}×) the time grows ${assembly.growth.seconds}× (goal 1.5×: ${met ? "met" : "not met"}), rows fetched ${assembly.growth.rowsFetched}×, PDF bytes ${assembly.growth.pdfBytes}×, pages ${assembly.growth.pdfPages}×. The table is vacuumed after seeding, as autovacuum would soon after a bulk insert (index-only scans rely on the visibility map).`,
		queries.length > 0
			? `Where the time goes at ${last.activityRows.toLocaleString("en-US")} rows, each facts query under \`EXPLAIN (ANALYZE, BUFFERS)\` (\`bench/explain.ts\`), slowest first: ${plans}. Whole days come from \`rebuttal.activity_daily\` (a bucket per account, UTC day and kind, IP or device, kept exact by statement triggers on rebuttal.activity in the writer's own transaction: migration 0011), and only the partial days at a range's edges (the charge's day, the ends of the windows around it) from the activity rows, through the covering index (account_id, occurred_at, kind, ip, device_id) that \`npm run doctor\` checks. A whole-account figure so reads the account's buckets (here ${BUCKETS_PER_DAY} a day over ${SEEDED_DAYS} days) and the rows of at most two days (here about ${Math.round(last.activityRows / SEEDED_DAYS).toLocaleString("en-US")} each), not every row; every figure stays exact (\`tests/unit/activity-summary.test.ts\` compares each fact from the summary with the same fact from the rows after inserts, deletes, updates and truncates). When rebuttal.activity is a merchant's view there are no triggers and the same queries read the rows: at ${last.activityRows.toLocaleString("en-US")} rows they took ${last.factsMs.rows} ms of Postgres time in all, against ${last.factsMs.summary} ms from the summary (${first.activityRows.toLocaleString("en-US")} rows: ${first.factsMs.rows} ms and ${first.factsMs.summary} ms).`
			: "",
		writes
			? `The triggers' cost to the merchant's writes (\`bench/activity-writes.ts\`, alternating rounds into rebuttal.activity and a copy without triggers, same indexes and foreign key): single-row inserts from ${writes.concurrency} connections over ${writes.accounts} accounts at ${writes.ratio.singleRows}× the rate without triggers, a ${writes.bulkRows.toLocaleString("en-US")}-row insert in one statement at ${writes.ratio.bulk}×. An insert statement adds one aggregate upsert of the buckets it touches, in key order; a delete or an update recounts the account-days it touched under a lock that waits for uncommitted inserts, so keep transactions that write activity short.`
			: "",
	]
		.filter(Boolean)
		.join("\n\n");
}

function burstNote(b: NonNullable<Results["burst"]>): string[] {
	const base = b.retryBaseSeconds ?? 1;
	const consumers = b.consumers ?? 1;
	const who =
		consumers === 1
			? "one consumer (the Worker; Miniflare runs one batch per queue at a time)"
			: `${consumers} consumers at once: the Worker and ${consumers - 1} cop${consumers === 2 ? "y" : "ies"} of it, each an isolate of its own with its own queues (\`local/consumer-replicas.ts\`), the events delivered to them in turn, so only the shared rate limiter keeps their Stripe calls together under the limit`;
	const notes = [
		`Burst with ${who}: ${b.disputes} \`charge.dispute.created\` events delivered at once (in ${b.deliveredSeconds} s), queue retries starting at ${base} s; drained when every dispute is submitted or failed, in ${b.ratioToFloor}× the floor (goal 1.2×: ${b.ratioToFloor <= 1.2 ? "met" : "not met"}). The floor is the Stripe calls actually made divided by the test-mode limit. Final stages: ${Object.entries(
			b.stages,
		)
			.map(([k, v]) => `${v} ${k}`)
			.join(", ")}.`,
	];
	const granted = SHARED_PACE.test;
	if (b.achievedRequestsPerSecond < 0.9 * granted)
		notes.push(
			`The rate limiter would have granted ${granted} requests/s; the pipeline asked for ${b.achievedRequestsPerSecond}/s on average, so this drain was bound by the pipeline's own work (facts, PDF, database, queue batches) on the shared cores, not by the limit.`,
		);
	if (b.failuresFrom429 === 0)
		notes.push(
			b.rateLimited429s === 0
				? `No 429 at all: every Stripe call of every isolate books its slot in one Durable Object per Stripe account and mode (\`functions/stripe-rate-limiter.ts\`: 24 requests/s in test mode, uploads 19/s, 42 ms apart), so the pace alone puts the drain at about 1.04× the floor; the rest of the gap is the pipeline's own work (facts, PDF, database) on the same shared cores and the queue's batching.`
				: `No dispute failed on a rate limit. Every Stripe call books its slot in one Durable Object per Stripe account and mode (\`functions/stripe-rate-limiter.ts\`: 24 requests/s in test mode, uploads 19/s), yet ${b.rateLimited429s} requests met a 429: granted 42 ms apart, some reached the emulator closer together than that (requests wait for the shared cores on their way). A call answered 429 is sent again after a fresh slot (\`lib/stripe/pacing.ts\`, up to ${RATE_LIMITED_RESENDS} times); ${b.disputesThatMet429 === 0 ? "no message had to go back on its queue" : `${b.disputesThatMet429} disputes still met one after those and went back on their queue as a fresh copy with jittered backoff (\`lib/queue.ts\`), which never uses up the retries that protect against work that keeps failing`}.`,
		);
	else
		notes.push(
			`**Open problem shown by this run:** ${b.failuresFrom429} of ${b.disputes} disputes were marked \`failed\` after meeting 429s.`,
		);
	return notes;
}

function readmeBlock(results: Results): string {
	const { machine, intake, assembly } = results;
	const notes = [
		`Measured ${results.generatedAt.slice(0, 10)} by \`npm run bench\` on ${machine.cpus} CPU cores, Node ${machine.node}, ${machine.database === "pglite" ? "embedded PGlite" : "a local Postgres server"}. ${machine.loadAverage ? `1-minute load average ${machine.loadAverage.start} when the run began and ${machine.loadAverage.end} when it ended, on ${machine.cpus} cores${machine.loadAverage.start > machine.cpus ? " (the machine was shared with other work, so absolute times are inflated)" : ""}` : "Load not recorded"}; times vary from run to run on shared cores, so treat differences of tens of percent as noise.`,
	];
	if (intake) notes.push(intakeNote(intake));
	if (assembly) notes.push(assemblyNote(assembly));
	for (const b of [results.burst, results.burstConcurrent]) if (b) notes.push(...burstNote(b));
	return `${table(results)}\n\n${notes.join("\n\n")}`;
}

function updateReadme(block: string) {
	const path = join(PROJECT_ROOT, "README.md");
	const readme = readFileSync(path, "utf8");
	const start = "<!-- bench:start -->";
	const end = "<!-- bench:end -->";
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	if (from === -1 || to < from) {
		log("README.md has no bench markers: not updated");
		return;
	}
	writeFileSync(path, `${readme.slice(0, from + start.length)}\n${block}\n${readme.slice(to)}`);
	log("README.md performance section updated");
}

async function main() {
	for (const [key, value] of Object.entries({
		WRANGLER_SEND_METRICS: "false",
		WRANGLER_SEND_ERROR_REPORTS: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
		WRANGLER_HIDE_BANNER: "true",
	}))
		process.env[key] ??= value;
	if (process.env.BENCH_README_ONLY) {
		// Rewrites the README from the last bench/results.json without measuring again.
		const saved = JSON.parse(readFileSync(join(PROJECT_ROOT, "bench", "results.json"), "utf8")) as Results;
		log(table(saved));
		updateReadme(readmeBlock(saved));
		return;
	}
	const database = await chooseDatabase();
	const started = performance.now();
	const results: Results = {
		generatedAt: new Date().toISOString(),
		machine: { cpus: cpus().length, node: process.versions.node, database },
	};
	const loadStart = round(loadavg()[0]!, 1);
	if (!SKIP.has("intake")) results.intake = await benchIntake();
	if (!SKIP.has("assembly")) results.assembly = await benchAssembly(database);
	if (!SKIP.has("burst")) results.burst = await benchBurst(database);
	if (!SKIP.has("burst-concurrent")) results.burstConcurrent = await benchBurst(database, CONSUMERS);
	results.machine.loadAverage = { start: loadStart, end: round(loadavg()[0]!, 1) };
	const out = process.env.BENCH_RESULTS ?? join(PROJECT_ROOT, "bench", "results.json");
	writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
	log(`\n${table(results)}\n`);
	log(`bench/results.json written (${round((performance.now() - started) / 1000, 0)} s)`);
	if (!process.env.BENCH_NO_README) updateReadme(readmeBlock(results));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
