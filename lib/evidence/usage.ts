import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
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
 * Usage facts from `rebuttal.activity`, computed by SQL aggregates over the account's rows (index
 * `(account_id, occurred_at)`). No query returns more than its limit, so the rows fetched stay the same for a
 * thousand or a million activity rows.
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
): Promise<{ usage: UsageSummary | null; rowsFetched: number }> {
	const l = { ...DEFAULT_USAGE_LIMITS, ...limits };
	const charge = chargeCreatedAt.toISOString();
	const mine = sql`account_id = ${accountId}`;
	const after = sql`occurred_at > ${charge}::timestamptz`;

	// Independent queries, sent together: with a pool each runs on its own connection, so the account's rows are
	// read by all of them at once rather than one after another. The distinct IP and device counts come with the
	// top IPs and devices (the number of groups), not from passes of their own.
	const [totals, kinds, weeks, ips, devices, recent] = await Promise.all([
		queryRows<{
			total: number;
			first_at: string | null;
			last_at: string | null;
			after_charge: number;
			last_after_at: string | null;
		}>(
			db,
			sql`select count(*)::int as total,
				${isoText(sql`min(occurred_at)`)} as first_at,
				${isoText(sql`max(occurred_at)`)} as last_at,
				(count(*) filter (where ${after}))::int as after_charge,
				${isoText(sql`max(occurred_at) filter (where ${after})`)} as last_after_at
			from rebuttal.activity where ${mine}`,
		),
		queryRows<{ kind: string; count: number; first_at: string; last_at: string; after_charge: number }>(
			db,
			sql`with k as (
				select coalesce(kind, ${UNSPECIFIED_KIND}) as kind, count(*) as n, min(occurred_at) as f,
					max(occurred_at) as l, count(*) filter (where ${after}) as a
				from rebuttal.activity where ${mine} group by 1
			), r as (select k.*, row_number() over (order by n desc, kind) as rn from k)
			select case when rn <= ${l.maxKinds} then kind else ${OTHER_KIND} end as kind,
				sum(n)::int as count, ${isoText(sql`min(f)`)} as first_at, ${isoText(sql`max(l)`)} as last_at,
				sum(a)::int as after_charge
			from r group by 1 order by 2 desc, 1`,
		),
		queryRows<{ week: string; count: number }>(
			db,
			// Grouped by the week's number and formatted after: per row only the epoch's arithmetic, to_char once per
			// week. Week n starts on Monday n weeks after Monday 1969-12-29 00:00 UTC (259,200 s before the epoch):
			// the same weeks as date_trunc('week', occurred_at at time zone 'UTC'), at a third less of the time.
			sql`select to_char(to_timestamp(week * 604800 - 259200) at time zone 'UTC', 'YYYY-MM-DD') as week,
				count::int as count from (
				select floor((date_part('epoch', occurred_at) + 259200) / 604800) as week, count(*) as count
				from rebuttal.activity where ${mine} and occurred_at is not null
				group by 1 order by 1 desc limit ${l.maxWeeks}) w`,
		),
		topAccessPoints(db, accountId, "ip", l.maxAccessPoints),
		topAccessPoints(db, accountId, "device_id", l.maxAccessPoints),
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
async function topAccessPoints(
	db: Db,
	accountId: string,
	column: "ip" | "device_id",
	limit: number,
): Promise<{ top: AccessPoint[]; distinct: number }> {
	const col = sql.raw(column);
	const rows = await queryRows<{ value: string; count: number; first_at: string; last_at: string; groups: number }>(
		db,
		// count(*) over () is taken over the groups before the limit: the number of distinct values.
		sql`select ${col} as value, count(*)::int as count, ${isoText(sql`min(occurred_at)`)} as first_at,
			${isoText(sql`max(occurred_at)`)} as last_at, (count(*) over ())::int as groups
		from rebuttal.activity where account_id = ${accountId} and ${col} is not null
		group by ${col} order by 2 desc, 1 limit ${limit}`,
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
	options: { inferNearCharge: boolean } = { inferNearCharge: true },
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
	const prior = await queryRows<{ n: number; first_at: string | null }>(
		db,
		sql`select count(*)::int as n, ${isoText(sql`min(occurred_at)`)} as first_at from rebuttal.activity
		where account_id = ${accountId} and ip = ${ip} and occurred_at < ${charge}::timestamptz
			${observedAt ? sql`and occurred_at < ${observedAt}::timestamptz` : sql``}`,
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

/** Days either side of the charge within which logins are counted. */
export const LOGIN_WINDOW_DAYS = 7;
/** Activity kinds that count as a login (case-insensitive prefixes). */
const LOGIN_KINDS = sql`(lower(kind) like 'login%' or lower(kind) like 'log_in%' or lower(kind) like 'sign_in%' or lower(kind) like 'signin%')`;

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
): Promise<{ window: ChargeWindow; rowsFetched: number }> {
	const charge = chargeCreatedAt.toISOString();
	const start = servicePeriod.start.toISOString();
	const days = LOGIN_WINDOW_DAYS;
	const at = sql`${charge}::timestamptz`;
	const mine = sql`account_id = ${accountId}`;
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
		// One scalar subquery per figure, each confined by the (account_id, occurred_at) index to its own time
		// range, instead of one pass evaluating every filter on every row of the account.
		sql`select
			(select count(*) from rebuttal.activity where ${mine} and occurred_at <= ${at}
				and occurred_at > ${at} - make_interval(days => ${days}) and ${LOGIN_KINDS})::int as logins_before,
			(select count(*) from rebuttal.activity where ${mine} and occurred_at > ${at}
				and occurred_at <= ${at} + make_interval(days => ${days}) and ${LOGIN_KINDS})::int as logins_after,
			(select ${isoText(sql`occurred_at`)} from rebuttal.activity where ${mine} and occurred_at <= ${at} and ${LOGIN_KINDS}
				order by occurred_at desc limit 1) as last_login_before,
			(select ${isoText(sql`occurred_at`)} from rebuttal.activity where ${mine} and occurred_at > ${at} and ${LOGIN_KINDS}
				order by occurred_at limit 1) as first_login_after,
			(select count(*) from rebuttal.activity where ${mine}
				and occurred_at between ${at} - interval '1 day' and ${at} + interval '1 day')::int as around,
			(select count(*) from rebuttal.activity where ${mine} and occurred_at >= ${start}::timestamptz)::int as after_start,
			(select count(*) from (select device_id from rebuttal.activity where ${mine} and occurred_at < ${at}
				and device_id is not null group by device_id) d)::int as devices_before`,
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
