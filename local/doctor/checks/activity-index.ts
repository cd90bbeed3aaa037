import type pg from "pg";
import { type CheckResult, fail, pass, warn } from "../types";

interface PlanNode {
	"Node Type": string;
	"Relation Name"?: string;
	Schema?: string;
	"Index Name"?: string;
	"Index Cond"?: string;
	Plans?: PlanNode[];
}

export interface PlanScans {
	/** Relations read sequentially. */
	seqScans: string[];
	/** Index scans (plain, index-only, bitmap) and the condition each index evaluates. */
	indexScans: { index: string; cond: string; relation: string }[];
}

/** Sequential scans and index conditions anywhere in an `EXPLAIN (FORMAT JSON)` plan. */
export function scansOf(plan: PlanNode): PlanScans {
	const out: PlanScans = { seqScans: [], indexScans: [] };
	const walk = (node: PlanNode) => {
		const relation = node["Relation Name"] ? `${node.Schema ? `${node.Schema}.` : ""}${node["Relation Name"]}` : "";
		if (node["Node Type"] === "Seq Scan" && relation) out.seqScans.push(relation);
		if (node["Index Name"])
			out.indexScans.push({ index: node["Index Name"], cond: node["Index Cond"] ?? "", relation });
		for (const child of node.Plans ?? []) walk(child);
	};
	walk(plan);
	return out;
}

/** An account id no merchant uses; it shows up in an index's condition only when that index serves account_id. */
export const PROBE_ACCOUNT_ID = "rebuttal-doctor-probe";

/** The shape of the evidence facts queries (lib/evidence/usage.ts): one account's rows in a time range, aggregated. */
export const FACTS_QUERY = `select count(*), min(occurred_at), max(occurred_at) from rebuttal.activity
	where account_id = '${PROBE_ACCOUNT_ID}' and occurred_at >= now() - interval '2 years'`;

/** Indexes of a plan that evaluate the account_id condition (not merely read in index order or by occurred_at). */
export function accountIndexes(scans: PlanScans): string[] {
	return [...new Set(scans.indexScans.filter((s) => s.cond.includes(`'${PROBE_ACCOUNT_ID}'`)).map((s) => s.index))];
}

async function explain(client: pg.Client, forbidSeqScan: boolean): Promise<PlanScans> {
	await client.query("begin");
	try {
		if (forbidSeqScan) await client.query("set local enable_seqscan = off");
		const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] | string }>(
			`explain (format json) ${FACTS_QUERY}`,
		);
		const raw = rows[0]?.["QUERY PLAN"];
		const parsed = typeof raw === "string" ? (JSON.parse(raw) as [{ Plan: PlanNode }]) : raw;
		return scansOf(parsed![0].Plan);
	} finally {
		await client.query("rollback");
	}
}

/** The columns the facts queries use besides (account_id, occurred_at): in the index, no query reads the table. */
export const FACTS_COLUMNS = ["kind", "ip", "device_id"] as const;
/** The index the doctor recommends for rebuttal's own activity table (schema/merchant.ts creates it). */
export const COVERING_INDEX =
	"CREATE INDEX CONCURRENTLY activity_account_occurred_idx ON rebuttal.activity (account_id, occurred_at, kind, ip, device_id);";

/**
 * Whether evidence assembly can read one account's activity without scanning the whole relation. For a table:
 * an index whose leading columns are (account_id, occurred_at). For a view (or a table without that index): the
 * planner's plan for a facts-style query, first as it would run, then with sequential scans disabled — a plan
 * that still scans sequentially has no usable index at all.
 */
export async function checkActivityIndex(client: pg.Client, kind: string): Promise<CheckResult> {
	const id = "db.activity_index";
	if (kind === "table") {
		const { rows } = await client.query<{ name: string; columns: string[] }>(
			`select i.relname as name,
				array(select a.attname::text from unnest(x.indkey) with ordinality k(attnum, ord)
					join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.ord) as columns
			 from pg_index x join pg_class i on i.oid = x.indexrelid
			 where x.indrelid = 'rebuttal.activity'::regclass and x.indisvalid`,
		);
		const composite = rows.filter((r) => r.columns[0] === "account_id" && r.columns[1] === "occurred_at");
		const covering = composite.find((r) => FACTS_COLUMNS.every((c) => r.columns.includes(c)));
		if (covering)
			return pass(
				id,
				`rebuttal.activity has index ${covering.name} on (${covering.columns.join(", ")}): the facts queries read the index alone`,
			);
		if (composite[0])
			return warn(
				id,
				`rebuttal.activity has index ${composite[0].name} on (account_id, occurred_at) without ${FACTS_COLUMNS.join(", ")}: every facts query also reads the table's rows`,
				`${COVERING_INDEX} (then drop ${composite[0].name}; \`npm run db:migrate\` does both on rebuttal's own table)`,
			);
		if (rows.some((r) => r.columns[0] === "account_id"))
			return warn(
				id,
				"rebuttal.activity has an index starting with account_id but not (account_id, occurred_at)",
				COVERING_INDEX,
			);
		return fail(
			id,
			"rebuttal.activity has no index on (account_id, occurred_at): every dispute would scan the whole table",
			`${COVERING_INDEX} (\`npm run db:migrate\` creates it on rebuttal's own table)`,
		);
	}

	const natural = await explain(client, false);
	const used = accountIndexes(natural);
	if (used.length > 0)
		return pass(
			id,
			`the facts query on the ${kind} rebuttal.activity looks accounts up through index ${used.join(", ")}`,
		);
	const forced = await explain(client, true);
	const usable = accountIndexes(forced);
	if (usable.length > 0)
		return pass(
			id,
			`the facts query on the ${kind} rebuttal.activity can look accounts up through index ${usable.join(", ")} (the planner prefers a scan only while the data is small)`,
		);
	const scanned = [...new Set([...forced.seqScans, ...forced.indexScans.map((s) => s.relation || s.index)])];
	const table = forced.seqScans[0] ?? forced.indexScans.find((s) => s.relation)?.relation ?? "your_events_table";
	return fail(
		id,
		`the facts query on the ${kind} rebuttal.activity cannot look an account up by index (it reads ${scanned.join(", ") || "every row"} whole): no index serves account_id = …`,
		`Create an index on the underlying table over exactly the expressions the view exposes as account_id and occurred_at: CREATE INDEX CONCURRENTLY ON ${table} (user_id, created_at); when the view casts (user_id::text AS account_id), index the cast: CREATE INDEX CONCURRENTLY ON ${table} ((user_id::text), created_at).`,
	);
}
