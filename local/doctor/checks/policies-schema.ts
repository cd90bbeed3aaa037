import type pg from "pg";
import { type CheckResult, fail, pass, warn } from "../types";
import { type ColumnFamily, castHint, isCompatible } from "./merchant-schema";

/** Contract §4 `rebuttal.policies` (optional): each published version of the terms, refund and cancellation policies. */
export const POLICY_COLUMNS: [column: string, family: ColumnFamily][] = [
	["id", "text"],
	["kind", "text"],
	["version", "text"],
	["title", "text"],
	["body", "text"],
	["url", "text"],
	["effective_at", "timestamptz"],
	["disclosure", "text"],
];

const PURPOSE =
	"the version of the cancellation or refund policy in force at a disputed charge is submitted as its own PDF (cancellation_policy, refund_policy) with a disclosure text saying how customers saw it";

/**
 * `rebuttal.policies`: absent is a warning (disputes are still answered, without policy evidence); present, every
 * contract column must be there in a compatible type, and the check says how many versions of each kind it holds
 * (none is fine: the table is optional).
 */
export async function checkPoliciesSchema(client: pg.Client): Promise<CheckResult> {
	const id = "schema.policies";
	const { rows } = await client.query<{ column: string; type: string }>(
		`select a.attname as column, format_type(a.atttypid, a.atttypmod) as type
		 from pg_class c join pg_namespace n on n.oid = c.relnamespace
		 join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
		 where n.nspname = 'rebuttal' and c.relname = 'policies' and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
	);
	if (rows.length === 0) {
		return warn(
			id,
			`rebuttal.policies does not exist: disputes are answered without policy evidence (it is what ${PURPOSE})`,
			"Run `npm run db:migrate` and insert your published policies, or CREATE VIEW rebuttal.policies over your own table with the contract §4 columns.",
		);
	}
	const have = new Map(rows.map((r) => [r.column, r.type]));
	const problems: string[] = [];
	const hints: string[] = [];
	for (const [column, family] of POLICY_COLUMNS) {
		const type = have.get(column);
		if (type === undefined) {
			problems.push(`missing column ${column}`);
			hints.push(`NULL::${family} AS ${column}`);
		} else if (!isCompatible(family, type)) {
			problems.push(`${column} is ${type} (want ${family})`);
			hints.push(castHint(column, family, type));
		}
	}
	if (problems.length > 0) {
		return fail(
			id,
			`rebuttal.policies: ${problems.join("; ")}`,
			`Make its select list (or columns) match contract §4: ${hints.join(", ")}.`,
		);
	}
	const { rows: counts } = await client.query<{ kind: string; n: string }>(
		"select kind, count(*)::text as n from rebuttal.policies where kind in ('terms', 'refund', 'cancellation') group by kind order by kind",
	);
	// Optional: an empty table is a valid choice, so it passes, saying what filling it would add.
	if (counts.length === 0) {
		return pass(
			id,
			`rebuttal.policies has the contract's shape and no terms, refund or cancellation policy yet (optional; filled, ${PURPOSE})`,
		);
	}
	return pass(
		id,
		`rebuttal.policies holds ${counts.map((c) => `${c.n} ${c.kind} ${c.n === "1" ? "version" : "versions"}`).join(", ")}: ${PURPOSE}`,
	);
}
