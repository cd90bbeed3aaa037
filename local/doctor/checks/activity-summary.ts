import type pg from "pg";
import { SUMMARY_TRIGGERS } from "../../../lib/evidence/activity-span";
import { type CheckResult, fail, pass, warn } from "../types";

const ID = "db.activity_summary";
const REBUILD = "SELECT rebuttal.activity_daily_rebuild();";
/** Accounts whose summary is compared with a fresh count of their rows: the most recently active ones. */
const SAMPLE = 3;

/**
 * Whether the activity summary (schema/activity-summary.ts) is kept and right. On rebuttal's own table: every
 * trigger present and enabled ALWAYS, and the summary of the most recently active accounts equal to a fresh
 * count of their rows (each dimension sums to the account's rows; per kind and day, counts and first and last
 * times match). On a merchant's view there is no summary: facts read the rows, which the report says.
 */
export async function checkActivitySummary(client: pg.Client, kind: string): Promise<CheckResult> {
	if (kind !== "table")
		return pass(
			ID,
			`rebuttal.activity is a ${kind}: evidence reads its rows (no summary is kept for a view), so an account with millions of activity rows takes longer to assemble`,
		);
	const { rows: triggers } = await client.query<{ name: string; enabled: string }>(
		`select tgname as name, tgenabled as enabled from pg_trigger
		where tgrelid = 'rebuttal.activity'::regclass and tgname = any($1::text[])`,
		[[...SUMMARY_TRIGGERS]],
	);
	const missing = SUMMARY_TRIGGERS.filter((n) => !triggers.some((t) => t.name === n));
	if (missing.length > 0)
		return warn(
			ID,
			`rebuttal.activity lacks the summary trigger${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: evidence reads every row of an account instead of its daily summary`,
			"Run `npm run db:migrate` on a database where rebuttal.activity is rebuttal's own table (migration 0011 creates the triggers and fills the summary).",
		);
	const notAlways = triggers.filter((t) => t.enabled !== "A").map((t) => t.name);
	if (notAlways.length > 0)
		return warn(
			ID,
			`the summary trigger${notAlways.length === 1 ? "" : "s"} ${notAlways.join(", ")} ${notAlways.length === 1 ? "is" : "are"} not enabled ALWAYS: evidence reads the rows, and the summary may have missed writes`,
			`${notAlways.map((n) => `ALTER TABLE rebuttal.activity ENABLE ALWAYS TRIGGER ${n};`).join(" ")} then ${REBUILD}`,
		);

	const { rows } = await client.query<{ account_id: string; off: number }>(
		`with sample as (
			select account_id from rebuttal.activity_daily where dimension = 'kind'
			group by account_id order by max(last_at) desc nulls last, account_id limit ${SAMPLE}
		), truth as (
			select a.account_id, (a.occurred_at at time zone 'UTC')::date as day, a.kind as value, count(*)::bigint as events,
				min(a.occurred_at) as first_at, max(a.occurred_at) as last_at
			from rebuttal.activity a join sample s on s.account_id = a.account_id group by 1, 2, 3
		), kept as (
			select d.account_id, d.day, d.value, d.events, d.first_at, d.last_at from rebuttal.activity_daily d
			join sample s on s.account_id = d.account_id where d.dimension = 'kind'
		), totals as (
			select d.account_id, d.dimension, sum(d.events) as events from rebuttal.activity_daily d
			join sample s on s.account_id = d.account_id group by 1, 2
		)
		select s.account_id, (
			(select count(*) from (select * from truth where account_id = s.account_id
				except select * from kept where account_id = s.account_id) x)
			+ (select count(*) from (select * from kept where account_id = s.account_id
				except select * from truth where account_id = s.account_id) y)
			+ (select count(*) from totals t where t.account_id = s.account_id
				and t.events <> (select sum(events) from kept k where k.account_id = s.account_id))
		)::int as off
		from sample s order by s.account_id`,
	);
	const wrong = rows.filter((r) => r.off > 0).map((r) => r.account_id);
	if (wrong.length > 0)
		return fail(
			ID,
			`the activity summary disagrees with the rows for ${wrong.length} of the ${rows.length} most recently active accounts (e.g. ${wrong[0]}): it missed writes, perhaps while its triggers were disabled`,
			`Count it again from the rows: ${REBUILD} (it locks rebuttal.activity against writes while it runs)`,
		);
	return pass(
		ID,
		rows.length === 0
			? "rebuttal.activity_daily is kept by its triggers (no activity yet to compare)"
			: `rebuttal.activity_daily is kept by its triggers and matches the rows of the ${rows.length} most recently active account${rows.length === 1 ? "" : "s"}`,
	);
}
