import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActivitySource, activitySource } from "../../lib/evidence/activity-span";
import { loadCancellationState } from "../../lib/evidence/cancellations";
import { checkPurchaseIp, summariseChargeWindow, summariseUsage } from "../../lib/evidence/usage";
import { CANCEL_KINDS } from "../../lib/evidence/usage-facts";
import { SUMMARY_DRIFT_SQL } from "../support/activity-summary";
import { openTestDatabase, type TestDatabase } from "../support/database";

// The daily activity summary (schema/activity-summary.ts, migration 0011) against the ground truth: after every
// kind of write the triggers must leave exactly the buckets a fresh count of rebuttal.activity gives, and every
// usage fact must read the same from the summary as from the rows, at any charge time, midnights included.

let t: TestDatabase;
beforeAll(async () => {
	t = await openTestDatabase();
	await t.exec(`insert into rebuttal.accounts (id) values ('s1'), ('s2'), ('s3')`);
});
afterAll(async () => t?.close());

/** A small deterministic generator (mulberry32), so a failure replays the same way. */
function random(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let x = Math.imul(a ^ (a >>> 15), 1 | a);
		x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
		return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const START = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;
const KINDS = ["login", "Login", "generation", "download", "cancellation", "reactivation", "sign_in", null];
const IPS = ["203.0.113.1", "203.0.113.2", "198.51.100.7", null];
const DEVICES = ["dev-a", "dev-b", null];
const ACCOUNTS = ["s1", "s2", "s3"];

type Row = [string, string | null, string | null, string | null, string | null];

function rows(next: () => number, n: number): Row[] {
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
	return Array.from({ length: n }, () => {
		const r = next();
		// Some rows exactly at midnight, some a microsecond either side of it, a few without a time.
		const day = START + Math.floor(next() * 20) * DAY;
		const at =
			r < 0.05
				? null
				: r < 0.15
					? new Date(day).toISOString()
					: r < 0.2
						? new Date(day - 1).toISOString().replace("Z", "999Z")
						: new Date(day + Math.floor(next() * DAY)).toISOString();
		return [pick(ACCOUNTS), at, pick(KINDS), pick(IPS), pick(DEVICES)];
	});
}

async function insert(batch: Row[]) {
	await t.exec(
		`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id)
		select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])`,
		[0, 1, 2, 3, 4].map((i) => batch.map((r) => r[i])),
	);
}

/** Buckets in the summary and not in a fresh count, and the other way round. */
async function drift(): Promise<number> {
	const { rows } = await t.exec(SUMMARY_DRIFT_SQL);
	return Number(rows[0]!.n);
}

/** Every usage fact of an account at a charge time, read from one source. */
async function facts(source: ActivitySource, account: string, charge: Date) {
	const [usage, ip, inferred, window, cancellation] = await Promise.all([
		summariseUsage(t.db, account, charge, undefined, source),
		checkPurchaseIp(
			t.db,
			account,
			charge,
			{ ip: "203.0.113.2", source: "charge_metadata" },
			{
				inferNearCharge: true,
				source,
			},
		),
		checkPurchaseIp(t.db, account, charge, null, { inferNearCharge: true, source }),
		summariseChargeWindow(
			t.db,
			account,
			charge,
			{ start: new Date(charge.getTime() + 3_600_000), source: "charge" },
			source,
		),
		loadCancellationState(t.db, account, charge, [...CANCEL_KINDS], source),
	]);
	return { usage, ip, inferred, window, cancellation };
}

/** Charge times that put range edges on midnights, on a row's own time, and anywhere. */
async function chargeTimes(next: () => number): Promise<Date[]> {
	const { rows } = await t.exec(
		`select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from rebuttal.activity
		where occurred_at is not null order by id limit 1 offset 7`,
	);
	const own = rows[0] ? [new Date(String(rows[0].at))] : [];
	return [
		new Date(START + 10 * DAY),
		new Date(START + 3 * DAY - 1),
		new Date(START + Math.floor(next() * 20 * DAY)),
		new Date(START + 25 * DAY),
		...own,
	];
}

async function expectSameFacts(next: () => number) {
	for (const charge of await chargeTimes(next)) {
		for (const account of ACCOUNTS) {
			const fromRows = await facts("rows", account, charge);
			const fromSummary = await facts("summary", account, charge);
			expect({ account, charge, ...fromSummary }).toEqual({ account, charge, ...fromRows });
		}
	}
}

describe("the activity summary the triggers keep", () => {
	it("is what rebuttal reads while its triggers fire", async () => {
		expect(await activitySource(t.db)).toBe("summary");
	});

	it("matches a fresh count, and gives the facts the rows give, after inserts, deletes, updates and a truncate", async () => {
		const next = random(17);
		await insert(rows(next, 400));
		expect(await drift()).toBe(0);
		await expectSameFacts(next);

		// Single-row and multi-account statements, deletes of some rows of a bucket and of whole buckets.
		await insert(rows(next, 1));
		await t.exec("delete from rebuttal.activity where id % 5 = 0");
		await t.exec("delete from rebuttal.activity where account_id = 's3' and kind = 'download'");
		expect(await drift()).toBe(0);
		await expectSameFacts(next);

		// Updates that move rows across days, to no time, to another account, and change kind, IP and device.
		await t.exec(`update rebuttal.activity set occurred_at = occurred_at + interval '13 hours' where id % 7 = 0`);
		await t.exec(`update rebuttal.activity set occurred_at = null where id % 11 = 0`);
		await t.exec(`update rebuttal.activity set account_id = 's2', kind = 'export' where id % 13 = 0`);
		await t.exec(`update rebuttal.activity set ip = null, device_id = 'dev-c' where id % 17 = 0`);
		await t.exec(`update rebuttal.activity set account_id = null where id % 19 = 0`);
		// Columns the summary does not count: no recount, nothing changes.
		await t.exec(`update rebuttal.activity set detail = '{"edited": true}', user_agent = 'x' where id % 3 = 0`);
		expect(await drift()).toBe(0);
		await expectSameFacts(next);

		await t.exec("truncate rebuttal.activity");
		expect(await drift()).toBe(0);
		const { rows: left } = await t.exec("select count(*)::int as n from rebuttal.activity_daily");
		expect(left[0]!.n).toBe(0);
		await insert(rows(next, 200));
		expect(await drift()).toBe(0);
		await expectSameFacts(next);
	});

	it("is rebuilt exactly by rebuttal.activity_daily_rebuild() after writes it missed", async () => {
		await t.exec("alter table rebuttal.activity disable trigger activity_daily_insert");
		expect(await activitySource(t.db)).toBe("rows");
		await insert(rows(random(5), 50));
		expect(await drift()).toBeGreaterThan(0);
		// Enabled again for the origin only: rows a replica applies would be missed, so still not trusted.
		await t.exec("alter table rebuttal.activity enable trigger activity_daily_insert");
		expect(await activitySource(t.db)).toBe("rows");
		await t.exec("alter table rebuttal.activity enable always trigger activity_daily_insert");
		await t.exec("select rebuttal.activity_daily_rebuild()");
		expect(await drift()).toBe(0);
		expect(await activitySource(t.db)).toBe("summary");
	});

	it.runIf(!!process.env.DATABASE_URL)(
		"stays exact under concurrent inserts, deletes and updates of the same account",
		async () => {
			const next = random(99);
			// Deletes take even ids and updates odd ones, so the writers never wait on each other's rows, only on
			// the buckets they share.
			const writers = Array.from({ length: 4 }, (_, w) =>
				(async () => {
					for (let i = 0; i < 15; i++) {
						if (w === 0)
							await t.exec(
								"delete from rebuttal.activity where id in (select id from rebuttal.activity where id % 2 = 0 order by random() limit 5)",
							);
						else if (w === 1)
							await t.exec(
								"update rebuttal.activity set occurred_at = occurred_at - interval '1 day' where id in (select id from rebuttal.activity where id % 2 = 1 order by random() limit 5)",
							);
						else await insert(rows(next, 10));
					}
				})(),
			);
			await Promise.all(writers);
			expect(await drift()).toBe(0);
		},
		60_000,
	);

	it.runIf(!!process.env.DATABASE_URL)(
		"is kept for an app that may write rebuttal.activity and nothing else, which cannot recount it itself",
		async () => {
			const role = `rebuttal_writer_${Math.random().toString(36).slice(2, 10)}`;
			await t.exec(`create role ${role}`);
			try {
				await t.exec(`grant usage on schema rebuttal to ${role};
					grant select, insert, update, delete on rebuttal.activity to ${role};
					grant select on rebuttal.accounts to ${role}`);
				// The app's own connection, as that role for its whole life.
				const app = new pg.Client({ connectionString: t.url });
				await app.connect();
				try {
					await app.query(`set role ${role}`);
					await app.query(
						`insert into rebuttal.activity (account_id, occurred_at, kind, ip) values ('s1', now(), 'login', '192.0.2.9'), ('s1', now(), 'export', null)`,
					);
					await app.query(`update rebuttal.activity set kind = 'signin' where ip = '192.0.2.9'`);
					await app.query(`delete from rebuttal.activity where kind = 'export' and ip is null`);
					expect(await drift()).toBe(0);
					await expect(
						app.query("select rebuttal.activity_daily_recount(array['s1'], array[current_date])"),
					).rejects.toThrow(/permission denied/);
				} finally {
					await app.end();
				}
			} finally {
				await t.exec(`drop owned by ${role}; drop role ${role}`);
			}
		},
	);

	it("is not read when rebuttal.activity is a merchant's view", async () => {
		await t.exec("alter table rebuttal.activity rename to activity_store");
		await t.exec("create view rebuttal.activity as select * from rebuttal.activity_store");
		expect(await activitySource(t.db)).toBe("rows");
	});
});
