import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPurchaseIp, summariseChargeWindow, summariseUsage } from "../../lib/evidence/usage";
import { openTestDatabase, type TestDatabase } from "../support/database";

/**
 * Usage facts stay bounded whatever the volume: a million-row account fetches the same number of rows as a
 * thousand-row account of the same shape, and the counts are exact.
 *
 * Runs a million rows on both backends: measured here, in-process PGlite seeds them in 21–32 s and aggregates them
 * in 5–6 s; a real Postgres takes 14–22 s and 2.5–5.5 s (ranges depend on what else runs). That is under a minute,
 * so no smaller PGlite variant is needed. Times are only logged, never asserted.
 */
const BIG = 1_000_000;
const SMALL = 1_000;
const KINDS = ["login", "generation", "download", "support_message", "export"];
const START_MS = Date.UTC(2024, 0, 1);
/** The charge falls about 96% of the way through the activity span: some weeks of use follow it. */
const SPAN_SECONDS = 800 * 86_400;
const CHARGE = new Date(START_MS + Math.floor(SPAN_SECONDS * 0.96) * 1000);
/** A fixed bound on the rows any account's usage summary may fetch. */
const ROW_BOUND = 300;

let t: TestDatabase;

/** Row g (1…n) of an account: a kind, an IP and a device cycling with different periods, evenly spread in time. */
async function seed(account: string, n: number): Promise<void> {
	const step = Math.floor(SPAN_SECONDS / n);
	await t.exec(
		`insert into rebuttal.accounts (id, email, created_at) values ('${account}', '${account}@example.com', '2023-12-31T00:00:00Z')`,
	);
	await t.exec(`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id)
		select '${account}',
			timestamptz '${new Date(START_MS).toISOString()}' + make_interval(secs => g * ${step}),
			(array['${KINDS.join("','")}'])[1 + g % ${KINDS.length}],
			'10.0.' || (g % 40) || '.' || (g % 7),
			'dev-' || (g % 13)
		from generate_series(1, ${n}) as g`);
}

/** The same aggregates computed in JavaScript from the generating formulas: the ground truth. */
function expected(n: number) {
	const step = Math.floor(SPAN_SECONDS / n);
	const chargeSeconds = (CHARGE.getTime() - START_MS) / 1000;
	const perKind = new Map<string, { count: number; after: number }>();
	let after = 0;
	let lastAfter = 0;
	for (let g = 1; g <= n; g++) {
		const kind = KINDS[g % KINDS.length]!;
		const k = perKind.get(kind) ?? { count: 0, after: 0 };
		k.count++;
		if (g * step > chargeSeconds) {
			after++;
			k.after++;
			lastAfter = g;
		}
		perKind.set(kind, k);
	}
	return {
		after,
		lastAfterAt: new Date(START_MS + lastAfter * step * 1000).toISOString(),
		firstAt: new Date(START_MS + step * 1000).toISOString(),
		lastAt: new Date(START_MS + n * step * 1000).toISOString(),
		perKind,
	};
}

beforeAll(async () => {
	t = await openTestDatabase();
	const started = performance.now();
	await seed("acct_small", SMALL);
	await seed("acct_big", BIG);
	await t.exec("analyze rebuttal.activity");
	console.log(`seeded ${BIG} + ${SMALL} activity rows in ${Math.round(performance.now() - started)} ms`);
}, 600_000);

afterAll(async () => {
	await t?.close();
});

describe(`usage facts over ${BIG.toLocaleString("en-US")} activity rows`, () => {
	it("fetches a bounded number of rows, the same as a 1,000-row account, with exact counts", async () => {
		const small = await summariseUsage(t.db, "acct_small", CHARGE);
		const started = performance.now();
		const big = await summariseUsage(t.db, "acct_big", CHARGE);
		const ip = await checkPurchaseIp(t.db, "acct_big", CHARGE, null);
		const ms = Math.round(performance.now() - started);
		console.log(
			`summariseUsage(${BIG} rows): ${ms} ms, ${big.rowsFetched} rows fetched (+${ip.rowsFetched} for the purchase IP); 1,000 rows: ${small.rowsFetched}`,
		);

		expect(big.rowsFetched).toBeLessThan(ROW_BOUND);
		expect(Math.abs(big.rowsFetched - small.rowsFetched)).toBeLessThanOrEqual(2);
		expect(ip.rowsFetched).toBeLessThanOrEqual(2);

		for (const [n, result] of [
			[BIG, big],
			[SMALL, small],
		] as const) {
			const e = expected(n);
			const u = result.usage!;
			expect(u.total).toBe(n);
			expect(u.firstAt).toBe(e.firstAt);
			expect(u.lastAt).toBe(e.lastAt);
			expect(u.afterCharge).toBe(e.after);
			expect(u.lastAfterChargeAt).toBe(e.lastAfterAt);
			expect(u.distinctIps).toBe(280); // (g mod 40, g mod 7) takes all 40 × 7 pairs
			expect(u.distinctDevices).toBe(13);
			expect(new Map(u.byKind.map((k) => [k.kind, { count: k.count, after: k.afterCharge }]))).toEqual(e.perKind);
			expect(u.weekly).toHaveLength(104);
			expect(u.topIps).toHaveLength(10);
			expect(u.topDevices).toHaveLength(10);
			expect(u.recent).toHaveLength(50);
			expect(u.topDevices.reduce((s, d) => s + d.count, 0)).toBeLessThanOrEqual(n);
		}
		// The weekly series sums to the activity of its weeks: in the big account every week is full or partial,
		// and the last 104 weeks hold all activity after the charge.
		const weekSum = big.usage!.weekly.reduce((s, w) => s + w.count, 0);
		expect(weekSum).toBeGreaterThan(big.usage!.afterCharge);
		expect(weekSum).toBeLessThanOrEqual(BIG);

		// Logins and activity around the charge: one aggregate row and one device row, whatever the volume.
		const win = await summariseChargeWindow(t.db, "acct_big", CHARGE, { start: CHARGE, source: "charge" });
		expect(win.rowsFetched).toBeLessThanOrEqual(2);
		// At or after the charge time: the events after it, plus one if an event falls exactly on it.
		expect(win.window.afterServiceStart - expected(BIG).after).toBeGreaterThanOrEqual(0);
		expect(win.window.afterServiceStart - expected(BIG).after).toBeLessThanOrEqual(1);
	}, 300_000);
});
