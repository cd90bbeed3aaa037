import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import {
	type ActivitySource,
	activitySource,
	activitySpan,
	type Bound,
	type Dimension,
	type SpanRange,
} from "./activity-span";
import { isoText, queryRows } from "./sql";
import type {
	AccessPoint,
	ChargeWindow,
	KindUsage,
	PurchaseIp,
	PurchaseIpSource,
	UsageSummary,
	WeeklyActivity,
} from "./types";

/**
 * Usage facts from the account's activity, computed by SQL aggregates over its span (lib/evidence/activity-span.ts:
 * the daily summary plus the edges of a range, or the rows themselves). No query returns more than its limit, and
 * with the summary none reads more than the account's buckets and the rows of the days at a range's edges, so the
 * work stays nearly the same for a thousand or a million activity rows.
 */

export interface UsageLimits {
	/** Kinds reported by name; the rest fold into `other`. */
	maxKinds: number;
	/** Most recent ISO weeks in the weekly series. */
	maxWeeks: number;
	/** Top IPs and top devices, each. */
	maxAccessPoints: number;
	/** Latest events before (and at) the charge time, and latest events after it, each. */
	recentBefore: number;
	recentAfter: number;
}

export const DEFAULT_USAGE_LIMITS: UsageLimits = {
	maxKinds: 50,
	maxWeeks: 104,
	maxAccessPoints: 10,
	recentBefore: 25,
	recentAfter: 25,
};

/** The name of the bucket that holds kinds beyond `maxKinds`, and of a null kind. */
export const OTHER_KIND = "other";
export const UNSPECIFIED_KIND = "unspecified";

/** Minutes either side of the charge within which an activity's IP may stand for the purchase IP. */
export const PURCHASE_IP_WINDOW_MINUTES = 30;

export async function summariseUsage(
	db: Db,
	accountId: string,
	chargeCreatedAt: Date,
	limits?: Partial<UsageLimits>,
	source?: ActivitySource,
): Promise<{ usage: UsageSummary | null; rowsFetched: number }> {
	const l = { ...DEFAULT_USAGE_LIMITS, ...limits };
	const from = source ?? (await activitySource(db));
	const charge = chargeCreatedAt.toISOString();
	const mine = sql`account_id = ${accountId}`;
	const after = sql`occurred_at > ${charge}::timestamptz`;
	const all = (by: Dimension) => activitySpan(from, accountId, by);
	const afterCharge = activitySpan(from, accountId, "kind", { from: { at: chargeCreatedAt, inclusive: false } });

	// Independent queries, sent together: with a pool each runs on its own connection. The distinct IP and device
	// counts come with the top IPs and devices (the number of groups), not from passes of their own.
	const [totals, kinds, weeks, ips, devices, recent] = await Promise.all([
		queryRows<{
			total: number;
			first_at: string | null;
			last_at: string | null;
			after_charge: number;
			last_after_at: string | null;
		}>(
			db,
			sql`select w.total, w.first_at, w.last_at, a.after_charge, a.last_after_at
			from (select coalesce(sum(events), 0)::int as total, ${isoText(sql`min(first_at)`)} as first_at,
					${isoText(sql`max(last_at)`)} as last_at from (${all("kind")}) s) w,
				(select coalesce(sum(events), 0)::int as after_charge, ${isoText(sql`max(last_at)`)} as last_after_at
					from (${afterCharge}) s) a`,
		),
		queryRows<{ kind: string; count: number; first_at: string; last_at: string; after_charge: number }>(
			db,
			sql`with k as (
				select coalesce(value, ${UNSPECIFIED_KIND}) as kind, sum(events) as n, min(first_at) as f, max(last_at) as l
				from (${all("kind")}) s group by 1
			), a as (
				select coalesce(value, ${UNSPECIFIED_KIND}) as kind, sum(events) as a from (${afterCharge}) s group by 1
			), r as (
				select k.*, coalesce(a.a, 0) as a, row_number() over (order by k.n desc, k.kind) as rn
				from k left join a on a.kind = k.kind
			)
			select case when rn <= ${l.maxKinds} then kind else ${OTHER_KIND} end as kind,
				sum(n)::int as count, ${isoText(sql`min(f)`)} as first_at, ${isoText(sql`max(l)`)} as last_at,
				sum(a)::int as after_charge
			from r group by 1 order by 2 desc, 1`,
		),
		queryRows<{ week: string; count: number }>(
			db,
			// Grouped by the week's number and formatted after: per bucket only the epoch's arithmetic, to_char once
			// per week. Week n starts on Monday n weeks after Monday 1969-12-29 00:00 UTC (259,200 s before the
			// epoch): the weeks of date_trunc('week', occurred_at at time zone 'UTC'). Weeks begin at midnight, so a
			// day's bucket lies in one week, the week of its first activity.
			sql`select to_char(to_timestamp(week * 604800 - 259200) at time zone 'UTC', 'YYYY-MM-DD') as week,
				count::int as count from (
				select floor((date_part('epoch', first_at) + 259200) / 604800) as week, sum(events) as count
				from (${all("kind")}) s where first_at is not null
				group by 1 order by 1 desc limit ${l.maxWeeks}) w`,
		),
		topAccessPoints(db, all("ip"), l.maxAccessPoints),
		topAccessPoints(db, all("device"), l.maxAccessPoints),
		// Ordered by the table's timestamp (qualified: a bare `occurred_at` would name the formatted text column,
		// which sorts the same but cannot use the (account_id, occurred_at) index).
		queryRows<{ occurred_at: string; kind: string | null; ip: string | null; device_id: string | null }>(
			db,
			sql`(select ${isoText(sql`a.occurred_at`)} as occurred_at, kind, ip, device_id from rebuttal.activity a
				where ${mine} and a.occurred_at <= ${charge}::timestamptz order by a.occurred_at desc, a.id desc
				limit ${l.recentBefore})
			union all
			(select ${isoText(sql`a.occurred_at`)} as occurred_at, kind, ip, device_id from rebuttal.activity a
				where ${mine} and ${after} order by a.occurred_at desc, a.id desc limit ${l.recentAfter})`,
		),
	]);
	const t = totals[0];
	if (!t || t.total === 0) return { usage: null, rowsFetched: totals.length };

	const byKind: KindUsage[] = kinds.map((k) => ({
		kind: k.kind,
		count: Number(k.count),
		firstAt: k.first_at,
		lastAt: k.last_at,
		afterCharge: Number(k.after_charge),
	}));
	const weekly: WeeklyActivity[] = weeks.map((w) => ({ weekStart: w.week, count: Number(w.count) })).reverse();
	const usage: UsageSummary = {
		total: Number(t.total),
		firstAt: t.first_at,
		lastAt: t.last_at,
		afterCharge: Number(t.after_charge),
		lastAfterChargeAt: t.last_after_at,
		byKind,
		weekly,
		distinctIps: ips.distinct,
		distinctDevices: devices.distinct,
		topIps: ips.top,
		topDevices: devices.top,
		recent: recent
			.map((r) => ({ occurredAt: r.occurred_at, kind: r.kind ?? UNSPECIFIED_KIND, ip: r.ip, deviceId: r.device_id }))
			.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)),
	};
	const rowsFetched = totals.length + kinds.length + weeks.length + ips.top.length + devices.top.length + recent.length;
	return { usage, rowsFetched };
}

/** The most used values of `column` (with their counts and first and last use), and how many values there are. */
async function topAccessPoints(db: Db, span: SQL, limit: number): Promise<{ top: AccessPoint[]; distinct: number }> {
	const rows = await queryRows<{ value: string; count: number; first_at: string; last_at: string; groups: number }>(
		db,
		// count(*) over () is taken over the groups before the limit: the number of distinct values.
		sql`select value, sum(events)::int as count, ${isoText(sql`min(first_at)`)} as first_at,
			${isoText(sql`max(last_at)`)} as last_at, (count(*) over ())::int as groups
		from (${span}) s where value is not null
		group by value order by 2 desc, 1 limit ${limit}`,
	);
	return {
		top: rows.map((r) => ({ value: r.value, count: Number(r.count), firstAt: r.first_at, lastAt: r.last_at })),
		distinct: Number(rows[0]?.groups ?? 0),
	};
}

/** Activity kinds that are the merchant's own record of the checkout (the purchase IP is then recorded, not inferred). */
const CHECKOUT_KIND = /^(checkout|purchase|payment|subscribe|subscription_created|order)/i;

/**
 * The purchase IP and whether the account used it before the charge. The IP comes from Stripe (charge or payment
 * intent metadata) when given; otherwise from the account's activity closest to the charge time within
 * {@link PURCHASE_IP_WINDOW_MINUTES} minutes (a checkout event there is `checkout_event`, any other activity an
 * inference), unless `inferNearCharge` is off (a renewal the merchant initiated has no purchase IP of the
 * cardholder's). With neither, there is no purchase IP: none is invented.
 */
export async function checkPurchaseIp(
	db: Db,
	accountId: string | null,
	chargeCreatedAt: Date,
	known: { ip: string; source: PurchaseIpSource } | null,
	options: { inferNearCharge: boolean; source?: ActivitySource } = { inferNearCharge: true },
): Promise<{ purchaseIp: PurchaseIp | null; rowsFetched: number }> {
	let rowsFetched = 0;
	let ip = known?.ip ?? null;
	let source: PurchaseIpSource | null = known?.source ?? null;
	let observedAt: string | null = null;
	const charge = chargeCreatedAt.toISOString();
	if (!accountId) {
		return {
			purchaseIp: ip && source ? { ip, source, observedAt, priorCount: 0, firstSeenAt: null } : null,
			rowsFetched,
		};
	}
	if (!ip) {
		if (!options.inferNearCharge) return { purchaseIp: null, rowsFetched };
		const near = await queryRows<{ ip: string; occurred_at: string; kind: string | null }>(
			db,
			sql`select ip, kind, ${isoText(sql`occurred_at`)} as occurred_at from rebuttal.activity
			where account_id = ${accountId} and ip is not null
				and occurred_at between ${charge}::timestamptz - make_interval(mins => ${PURCHASE_IP_WINDOW_MINUTES})
				and ${charge}::timestamptz + make_interval(mins => ${PURCHASE_IP_WINDOW_MINUTES})
			order by abs(extract(epoch from occurred_at - ${charge}::timestamptz)), occurred_at, id limit 1`,
		);
		rowsFetched += near.length;
		if (!near[0]) return { purchaseIp: null, rowsFetched };
		ip = near[0].ip;
		source = CHECKOUT_KIND.test(near[0].kind ?? "") ? "checkout_event" : "activity_near_charge";
		observedAt = near[0].occurred_at;
	}
	// Earlier use: before the charge, and before the activity the IP was taken from.
	const cutoff =
		observedAt && Date.parse(observedAt) < chargeCreatedAt.getTime() ? new Date(observedAt) : chargeCreatedAt;
	const earlier = activitySpan(options.source ?? (await activitySource(db)), accountId, "ip", {
		to: { at: cutoff, inclusive: false },
	});
	const prior = await queryRows<{ n: number; first_at: string | null }>(
		db,
		sql`select coalesce(sum(events), 0)::int as n, ${isoText(sql`min(first_at)`)} as first_at
		from (${earlier}) s where value = ${ip}`,
	);
	rowsFetched += prior.length;
	return {
		purchaseIp: {
			ip,
			source: source ?? "activity_near_charge",
			observedAt,
			priorCount: Number(prior[0]?.n ?? 0),
			firstSeenAt: prior[0]?.first_at ?? null,
		},
		rowsFetched,
	};
}

const DAY_MS = 86_400_000;

/** Days either side of the charge within which logins are counted (in exact 24-hour days). */
export const LOGIN_WINDOW_DAYS = 7;
/** Activity kinds that count as a login (case-insensitive prefixes). */
const LOGIN_KINDS = sql`(lower(value) like 'login%' or lower(value) like 'log_in%' or lower(value) like 'sign_in%' or lower(value) like 'signin%')`;

/**
 * Activity around the charge, in two aggregate queries of one row each: logins within {@link LOGIN_WINDOW_DAYS}
 * days before and after it, events within a day of it, events after the service period began, and the devices
 * used before it (with whether the device closest to the charge was among them).
 */
export async function summariseChargeWindow(
	db: Db,
	accountId: string,
	chargeCreatedAt: Date,
	servicePeriod: { start: Date; source: "charge" | "charge_metadata" },
	source?: ActivitySource,
): Promise<{ window: ChargeWindow; rowsFetched: number }> {
	const charge = chargeCreatedAt.toISOString();
	const start = servicePeriod.start.toISOString();
	const days = LOGIN_WINDOW_DAYS;
	const at = sql`${charge}::timestamptz`;
	const from = source ?? (await activitySource(db));
	const span = (range: SpanRange, by: Dimension = "kind") => activitySpan(from, accountId, by, range);
	const time = chargeCreatedAt.getTime();
	const shifted = (ms: number, inclusive: boolean): Bound => ({ at: new Date(time + ms), inclusive });
	const atCharge = (inclusive: boolean) => shifted(0, inclusive);
	const [agg] = await queryRows<{
		logins_before: number;
		logins_after: number;
		last_login_before: string | null;
		first_login_after: string | null;
		around: number;
		after_start: number;
		devices_before: number;
	}>(
		db,
		// One scalar subquery per figure, each over its own time range of the account's span.
		sql`select
			(select coalesce(sum(events), 0) from (${span({ from: shifted(-days * DAY_MS, false), to: atCharge(true) })}) s
				where ${LOGIN_KINDS})::int as logins_before,
			(select coalesce(sum(events), 0) from (${span({ from: atCharge(false), to: shifted(days * DAY_MS, true) })}) s
				where ${LOGIN_KINDS})::int as logins_after,
			(select ${isoText(sql`max(last_at)`)} from (${span({ to: atCharge(true) })}) s where ${LOGIN_KINDS})
				as last_login_before,
			(select ${isoText(sql`min(first_at)`)} from (${span({ from: atCharge(false) })}) s where ${LOGIN_KINDS})
				as first_login_after,
			(select coalesce(sum(events), 0) from (${span({ from: shifted(-DAY_MS, true), to: shifted(DAY_MS, true) })}) s)::int
				as around,
			(select coalesce(sum(events), 0) from (${span({ from: { at: servicePeriod.start, inclusive: true } })}) s)::int
				as after_start,
			(select count(distinct value) from (${span({ to: atCharge(false) }, "device")}) s)::int as devices_before`,
	);
	const near = await queryRows<{ device_id: string; seen_before: boolean }>(
		db,
		sql`select n.device_id, exists(select 1 from rebuttal.activity p where p.account_id = ${accountId}
				and p.device_id = n.device_id and p.occurred_at < n.occurred_at - make_interval(mins => ${PURCHASE_IP_WINDOW_MINUTES})) as seen_before
			from (select device_id, occurred_at from rebuttal.activity
				where account_id = ${accountId} and device_id is not null
					and occurred_at between ${at} - make_interval(mins => ${PURCHASE_IP_WINDOW_MINUTES}) and ${at} + make_interval(mins => ${PURCHASE_IP_WINDOW_MINUTES})
				order by abs(extract(epoch from occurred_at - ${at})), occurred_at, id limit 1) n`,
	);
	return {
		window: {
			windowDays: days,
			loginsBefore: Number(agg?.logins_before ?? 0),
			loginsAfter: Number(agg?.logins_after ?? 0),
			lastLoginBeforeAt: agg?.last_login_before ?? null,
			firstLoginAfterAt: agg?.first_login_after ?? null,
			eventsAroundCharge: Number(agg?.around ?? 0),
			servicePeriodStart: start,
			servicePeriodSource: servicePeriod.source,
			afterServiceStart: Number(agg?.after_start ?? 0),
			devicesBeforeCharge: Number(agg?.devices_before ?? 0),
			purchaseDevice: near[0]?.device_id ?? null,
			purchaseDeviceSeenBefore: near[0] ? Boolean(near[0].seen_before) : null,
		},
		rowsFetched: (agg ? 1 : 0) + near.length,
	};
}
