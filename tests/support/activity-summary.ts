/**
 * Buckets of `rebuttal.activity_daily` that a fresh count of `rebuttal.activity` does not give, plus buckets the
 * count gives that the summary lacks (`n`; 0 when the summary is exact), and how many buckets it holds.
 */
export const SUMMARY_DRIFT_SQL = `with truth as (
	select a.account_id, v.dimension, (a.occurred_at at time zone 'UTC')::date as day, v.value, count(*)::bigint as events,
		min(a.occurred_at) as first_at, max(a.occurred_at) as last_at
	from rebuttal.activity a
	cross join lateral (values ('kind', a.kind), ('ip', a.ip), ('device', a.device_id)) as v(dimension, value)
	where a.account_id is not null group by 1, 2, 3, 4
), kept as (select account_id, dimension, day, value, events, first_at, last_at from rebuttal.activity_daily)
select ((select count(*) from (select * from truth except select * from kept) x)
	+ (select count(*) from (select * from kept except select * from truth) y))::int as n,
	(select count(*)::int from rebuttal.activity_daily) as buckets`;
