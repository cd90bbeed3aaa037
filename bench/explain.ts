import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Db } from "../lib/db/client";
import type { ActivitySource } from "../lib/evidence/activity-span";
import { loadCancellationState } from "../lib/evidence/cancellations";
import { checkPurchaseIp, summariseChargeWindow, summariseUsage } from "../lib/evidence/usage";
import { CANCEL_KINDS } from "../lib/evidence/usage-facts";
import * as schema from "../schema";

/**
 * Where an assembly pass spends its time in Postgres: every query the facts step (lib/evidence/usage.ts and
 * cancellations.ts) sends for one account, reading from `source` (default: what the database supports), captured as sent and run again under `EXPLAIN (ANALYZE, BUFFERS)`. For each: execution time,
 * the scans of its plan (index-only or not, heap fetches) and the buffers it touched.
 */
export interface QueryPlan {
	/** The query's first words, to tell them apart. */
	query: string;
	ms: number;
	/** Scan nodes, e.g. "Index Only Scan activity_account_facts_idx". */
	scans: string[];
	rowsRead: number;
	heapFetches: number;
	sharedBuffers: number;
}

interface PlanNode {
	"Node Type": string;
	"Index Name"?: string;
	"Relation Name"?: string;
	"Actual Rows"?: number;
	"Actual Loops"?: number;
	"Heap Fetches"?: number;
	"Shared Hit Blocks"?: number;
	"Shared Read Blocks"?: number;
	Plans?: PlanNode[];
}

function walk(node: PlanNode, out: QueryPlan) {
	if (/Scan/.test(node["Node Type"]) && (node["Index Name"] || node["Relation Name"])) {
		out.scans.push(`${node["Node Type"]} ${node["Index Name"] ?? node["Relation Name"]}`);
		out.rowsRead += (node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1);
		out.heapFetches += node["Heap Fetches"] ?? 0;
	}
	for (const child of node.Plans ?? []) walk(child, out);
}

export async function explainFacts(
	databaseUrl: string,
	accountId: string,
	chargeAt: Date,
	source?: ActivitySource,
): Promise<QueryPlan[]> {
	const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
	pool.on("error", () => {});
	const captured: { sql: string; params: unknown[] }[] = [];
	try {
		const db = drizzle({
			client: pool,
			schema,
			logger: { logQuery: (sql, params) => void captured.push({ sql, params }) },
		}) as unknown as Db;
		await summariseUsage(db, accountId, chargeAt, undefined, source);
		await checkPurchaseIp(db, accountId, chargeAt, null, { inferNearCharge: true, source });
		await summariseChargeWindow(db, accountId, chargeAt, { start: chargeAt, source: "charge" }, source);
		await loadCancellationState(db, accountId, chargeAt, [...CANCEL_KINDS], source);
		const plans: QueryPlan[] = [];
		for (const { sql, params } of captured) {
			const { rows } = await pool.query(`explain (analyze, buffers, format json) ${sql}`, params);
			const [top] = rows[0]["QUERY PLAN"] as [{ Plan: PlanNode; "Execution Time": number }];
			const plan: QueryPlan = {
				query: sql.replace(/\s+/g, " ").trim().slice(0, 60),
				ms: Math.round(top["Execution Time"] * 10) / 10,
				scans: [],
				rowsRead: 0,
				heapFetches: 0,
				sharedBuffers: (top.Plan["Shared Hit Blocks"] ?? 0) + (top.Plan["Shared Read Blocks"] ?? 0),
			};
			walk(top.Plan, plan);
			plan.scans = [...new Set(plan.scans)];
			plans.push(plan);
		}
		return plans;
	} finally {
		await pool.end();
	}
}
