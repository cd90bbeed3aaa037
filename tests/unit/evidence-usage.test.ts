import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivitySource } from "../../lib/evidence/activity-span";
import { listArtifacts } from "../../lib/evidence/artifacts";
import { checkPurchaseIp, summariseUsage } from "../../lib/evidence/usage";
import { openTestDatabase, type TestDatabase } from "../support/database";

// A small dataset whose every aggregate is worked out by hand below. The charge: 12 Mar 2026, 14:05 UTC.
const CHARGE = new Date("2026-03-12T14:05:00Z");

let t: TestDatabase;

beforeAll(async () => {
	t = await openTestDatabase();
	await t.exec(`insert into rebuttal.accounts (id, email, created_at, signup_ip) values
		('acct_u', 'u@example.com', '2026-02-01T09:00:00Z', '10.0.0.1'),
		('acct_empty', 'e@example.com', '2026-02-01T09:00:00Z', null),
		('acct_other', 'o@example.com', '2026-02-01T09:00:00Z', null)`);
	await t.exec(`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id) values
		('acct_u', '2026-02-20T12:00:00Z', 'download',   '10.0.0.1', 'd1'),
		('acct_u', '2026-03-01T10:00:00Z', 'login',      '10.0.0.1', 'd1'),
		('acct_u', '2026-03-02T10:00:00Z', null,         '10.0.0.3', null),
		('acct_u', '2026-03-05T10:00:00Z', 'login',      '10.0.0.1', 'd1'),
		('acct_u', '2026-03-12T14:00:00Z', 'login',      '10.0.0.2', 'd2'),
		('acct_u', '2026-03-12T14:10:00Z', 'generation', '10.0.0.2', 'd2'),
		('acct_u', '2026-03-13T09:00:00Z', 'login',      '10.0.0.2', 'd2'),
		('acct_u', '2026-03-20T08:00:00Z', 'generation', '10.0.0.1', 'd1'),
		('acct_u', '2026-03-21T08:00:00Z', 'generation', null,       null),
		('acct_other', '2026-03-12T14:04:00Z', 'login',  '10.9.9.9', 'dx')`);
	await t.exec(`insert into rebuttal.artifacts (id, account_id, created_at, title, content_type, location) values
		('art_1', 'acct_u', '2026-03-14T10:00:00Z', 'Poster', 'image/png', 'r2:art/1.png'),
		('art_2', 'acct_u', '2026-03-18T10:00:00Z', 'Flyer', 'image/jpeg', 'r2:art/2.jpg'),
		('art_3', 'acct_u', '2026-03-16T10:00:00Z', null, 'image/png', 'https://cdn.example.com/3.png')`);
});

afterAll(async () => {
	await t?.close();
});

// Each case with the activity summary the triggers keep and straight from the rows (a merchant's view): the same figures.
const SOURCES = ["summary", "rows"] as const satisfies readonly ActivitySource[];

describe.each(SOURCES)("summariseUsage on a small dataset, from the %s", (source) => {
	it("computes exact totals, per-kind, weekly and access aggregates", async () => {
		const { usage, rowsFetched } = await summariseUsage(t.db, "acct_u", CHARGE, undefined, source);
		expect(usage).not.toBeNull();
		const u = usage!;
		expect(u.total).toBe(9);
		expect(u.firstAt).toBe("2026-02-20T12:00:00.000Z");
		expect(u.lastAt).toBe("2026-03-21T08:00:00.000Z");
		expect(u.afterCharge).toBe(4);
		expect(u.lastAfterChargeAt).toBe("2026-03-21T08:00:00.000Z");
		expect(u.distinctIps).toBe(3);
		expect(u.distinctDevices).toBe(2);
		expect(u.byKind).toEqual([
			{
				kind: "login",
				count: 4,
				firstAt: "2026-03-01T10:00:00.000Z",
				lastAt: "2026-03-13T09:00:00.000Z",
				afterCharge: 1,
			},
			{
				kind: "generation",
				count: 3,
				firstAt: "2026-03-12T14:10:00.000Z",
				lastAt: "2026-03-21T08:00:00.000Z",
				afterCharge: 3,
			},
			{
				kind: "download",
				count: 1,
				firstAt: "2026-02-20T12:00:00.000Z",
				lastAt: "2026-02-20T12:00:00.000Z",
				afterCharge: 0,
			},
			{
				kind: "unspecified",
				count: 1,
				firstAt: "2026-03-02T10:00:00.000Z",
				lastAt: "2026-03-02T10:00:00.000Z",
				afterCharge: 0,
			},
		]);
		// ISO weeks start on Monday: 20 Feb 2026 is a Friday, 1 Mar a Sunday.
		expect(u.weekly).toEqual([
			{ weekStart: "2026-02-16", count: 1 },
			{ weekStart: "2026-02-23", count: 1 },
			{ weekStart: "2026-03-02", count: 2 },
			{ weekStart: "2026-03-09", count: 3 },
			{ weekStart: "2026-03-16", count: 2 },
		]);
		expect(u.topIps).toEqual([
			{ value: "10.0.0.1", count: 4, firstAt: "2026-02-20T12:00:00.000Z", lastAt: "2026-03-20T08:00:00.000Z" },
			{ value: "10.0.0.2", count: 3, firstAt: "2026-03-12T14:00:00.000Z", lastAt: "2026-03-13T09:00:00.000Z" },
			{ value: "10.0.0.3", count: 1, firstAt: "2026-03-02T10:00:00.000Z", lastAt: "2026-03-02T10:00:00.000Z" },
		]);
		expect(u.topDevices.map((d) => [d.value, d.count])).toEqual([
			["d1", 4],
			["d2", 3],
		]);
		expect(u.recent.map((e) => e.occurredAt)).toEqual([
			"2026-02-20T12:00:00.000Z",
			"2026-03-01T10:00:00.000Z",
			"2026-03-02T10:00:00.000Z",
			"2026-03-05T10:00:00.000Z",
			"2026-03-12T14:00:00.000Z",
			"2026-03-12T14:10:00.000Z",
			"2026-03-13T09:00:00.000Z",
			"2026-03-20T08:00:00.000Z",
			"2026-03-21T08:00:00.000Z",
		]);
		expect(u.recent[2]).toEqual({
			occurredAt: "2026-03-02T10:00:00.000Z",
			kind: "unspecified",
			ip: "10.0.0.3",
			deviceId: null,
		});
		// 1 totals + 4 kinds + 5 weeks + 3 IPs + 2 devices + 9 recent events.
		expect(rowsFetched).toBe(24);
	});

	it("folds kinds beyond the cap into `other` and caps every list", async () => {
		const { usage } = await summariseUsage(
			t.db,
			"acct_u",
			CHARGE,
			{
				maxKinds: 2,
				maxWeeks: 2,
				maxAccessPoints: 1,
				recentBefore: 1,
				recentAfter: 2,
			},
			source,
		);
		expect(usage!.byKind).toEqual([
			{
				kind: "login",
				count: 4,
				firstAt: "2026-03-01T10:00:00.000Z",
				lastAt: "2026-03-13T09:00:00.000Z",
				afterCharge: 1,
			},
			{
				kind: "generation",
				count: 3,
				firstAt: "2026-03-12T14:10:00.000Z",
				lastAt: "2026-03-21T08:00:00.000Z",
				afterCharge: 3,
			},
			{
				kind: "other",
				count: 2,
				firstAt: "2026-02-20T12:00:00.000Z",
				lastAt: "2026-03-02T10:00:00.000Z",
				afterCharge: 0,
			},
		]);
		expect(usage!.weekly.map((w) => w.weekStart)).toEqual(["2026-03-09", "2026-03-16"]);
		expect(usage!.topIps).toHaveLength(1);
		expect(usage!.topDevices).toHaveLength(1);
		expect(usage!.recent.map((e) => e.occurredAt)).toEqual([
			"2026-03-12T14:00:00.000Z",
			"2026-03-20T08:00:00.000Z",
			"2026-03-21T08:00:00.000Z",
		]);
	});

	it("puts activity at the edges of a week in the same weeks as date_trunc('week') in UTC", async () => {
		const account = `acct_weeks_${source}`;
		await t.exec(`insert into rebuttal.accounts (id) values ('${account}')`);
		await t.exec(`insert into rebuttal.activity (account_id, occurred_at, kind) values
			('${account}', '2026-03-09T00:00:00.000Z', 'login'),
			('${account}', '2026-03-08T23:59:59.999Z', 'login'),
			('${account}', '2026-03-15T23:59:59.999Z', 'login'),
			('${account}', '2026-03-16T00:00:00.001Z', 'login'),
			('${account}', '2026-03-09T01:00:00+02:00', 'login'),
			('${account}', '1969-12-28T23:59:59.5Z', 'login'),
			('${account}', '1969-12-29T00:00:00Z', 'login'),
			('${account}', '1960-02-29T12:00:00Z', 'login')`);
		const { usage } = await summariseUsage(t.db, account, CHARGE, { maxWeeks: 1000 }, source);
		const { rows } = await t.exec(`select to_char(date_trunc('week', occurred_at at time zone 'UTC'), 'YYYY-MM-DD')
			as week, count(*)::int as count from rebuttal.activity where account_id = '${account}' group by 1 order by 1`);
		expect(usage!.weekly).toEqual(rows.map((r) => ({ weekStart: r.week, count: r.count })));
		expect(usage!.weekly.map((w) => w.weekStart)).toEqual([
			"1960-02-29",
			"1969-12-22",
			"1969-12-29",
			"2026-03-02",
			"2026-03-09",
			"2026-03-16",
		]);
	});

	it("returns no usage for an account without activity", async () => {
		expect(await summariseUsage(t.db, "acct_empty", CHARGE, undefined, source)).toEqual({
			usage: null,
			rowsFetched: 1,
		});
	});
});

describe.each(SOURCES)("checkPurchaseIp, from the %s", (source) => {
	it("counts earlier use of an IP recorded on the charge", async () => {
		const r = await checkPurchaseIp(
			t.db,
			"acct_u",
			CHARGE,
			{ ip: "10.0.0.1", source: "charge_metadata" },
			{ inferNearCharge: true, source },
		);
		expect(r.purchaseIp).toEqual({
			ip: "10.0.0.1",
			source: "charge_metadata",
			observedAt: null,
			priorCount: 3,
			firstSeenAt: "2026-02-20T12:00:00.000Z",
		});
		expect(r.rowsFetched).toBe(1);
	});

	it("without a recorded IP, takes the account's activity closest to the charge and counts only earlier use", async () => {
		const r = await checkPurchaseIp(t.db, "acct_u", CHARGE, null, { inferNearCharge: true, source });
		// 14:00 and 14:10 are both five minutes away; the earlier one wins.
		expect(r.purchaseIp).toEqual({
			ip: "10.0.0.2",
			source: "activity_near_charge",
			observedAt: "2026-03-12T14:00:00.000Z",
			priorCount: 0,
			firstSeenAt: null,
		});
		expect(r.rowsFetched).toBe(2);
	});

	it("invents nothing when no activity is near the charge", async () => {
		const r = await checkPurchaseIp(t.db, "acct_u", new Date("2026-04-30T00:00:00Z"), null, {
			inferNearCharge: true,
			source,
		});
		expect(r).toEqual({ purchaseIp: null, rowsFetched: 0 });
	});
});

describe("listArtifacts", () => {
	it("lists the newest artifacts first with the total count, bounded", async () => {
		const all = await listArtifacts(t.db, "acct_u");
		expect(all.count).toBe(3);
		expect(all.artifacts.map((a) => a.id)).toEqual(["art_2", "art_3", "art_1"]);
		const two = await listArtifacts(t.db, "acct_u", 2);
		expect(two).toMatchObject({ count: 3, rowsFetched: 2 });
		expect(two.artifacts[0]).toEqual({
			id: "art_2",
			title: "Flyer",
			createdAt: "2026-03-18T10:00:00.000Z",
			contentType: "image/jpeg",
			location: "r2:art/2.jpg",
		});
	});
});
