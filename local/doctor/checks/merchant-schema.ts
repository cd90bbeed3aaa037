import type pg from "pg";
import { type CheckResult, fail, MERCHANT_RELATIONS, type MerchantRelation, pass } from "../types";

/** Column types of contract §4, by the family the Worker relies on. */
export type ColumnFamily = "text" | "timestamptz" | "bigint" | "jsonb";

export const CONTRACT_COLUMNS: Record<MerchantRelation, [column: string, family: ColumnFamily][]> = {
	accounts: [
		["id", "text"],
		["email", "text"],
		["name", "text"],
		["stripe_customer_id", "text"],
		["created_at", "timestamptz"],
		["signup_ip", "text"],
		["signup_user_agent", "text"],
		["country", "text"],
		["email_verified_at", "timestamptz"],
		["terms_accepted_at", "timestamptz"],
		["terms_version", "text"],
	],
	activity: [
		["id", "bigint"],
		["account_id", "text"],
		["occurred_at", "timestamptz"],
		["kind", "text"],
		["ip", "text"],
		["user_agent", "text"],
		["device_id", "text"],
		["detail", "jsonb"],
	],
	artifacts: [
		["id", "text"],
		["account_id", "text"],
		["created_at", "timestamptz"],
		["title", "text"],
		["content_type", "text"],
		["location", "text"],
	],
};

const COMPATIBLE: Record<ColumnFamily, RegExp> = {
	text: /^(text|character varying(\(\d+\))?|citext)$/,
	timestamptz: /^timestamp(\(\d\))? with time zone$/,
	bigint: /^(bigint|integer|smallint)$/,
	jsonb: /^jsonb$/,
};

const WANT: Record<ColumnFamily, string> = {
	text: "text",
	timestamptz: "timestamptz",
	bigint: "bigint",
	jsonb: "jsonb",
};

/** Whether a Postgres type (as `format_type` prints it) reads as the contract's type. */
export function isCompatible(family: ColumnFamily, pgType: string): boolean {
	return COMPATIBLE[family].test(pgType);
}

/** The SQL that turns a column of type `pgType` into the contract's type, for a fix message. */
export function castHint(column: string, family: ColumnFamily, pgType: string): string {
	if (family === "timestamptz") {
		if (/^timestamp(\(\d\))? without time zone$/.test(pgType)) return `your_column AT TIME ZONE 'UTC' AS ${column}`;
		if (/^(bigint|integer|numeric)/.test(pgType)) return `to_timestamp(your_column) AS ${column}`;
		return `your_column::timestamptz AS ${column}`;
	}
	if (family === "bigint") return `your_column::bigint AS ${column}`;
	if (family === "jsonb") return `your_column::jsonb AS ${column}`;
	return `your_column::text AS ${column}`;
}

const KIND: Record<string, string> = {
	r: "table",
	p: "table",
	v: "view",
	m: "materialized view",
	f: "foreign table",
};

export interface MerchantSchema {
	results: CheckResult[];
	/** Relation name → "table", "view", … for the ones that exist. */
	kinds: Map<string, string>;
	/** Relations that exist with every contract column in a compatible type. */
	usable: Set<MerchantRelation>;
	schemaExists: boolean;
}

/** `rebuttal.accounts`, `.activity`, `.artifacts`: present as tables or views, every column there and compatible. */
export async function checkMerchantSchema(client: pg.Client): Promise<MerchantSchema> {
	const { rows: schemaRows } = await client.query<{ exists: boolean }>(
		"select exists (select 1 from pg_namespace where nspname = 'rebuttal') as exists",
	);
	const schemaExists = Boolean(schemaRows[0]?.exists);
	const { rows } = await client.query<{
		relation: string;
		relkind: string;
		column: string | null;
		type: string | null;
	}>(
		`select c.relname as relation, c.relkind::text as relkind, a.attname as column,
			format_type(a.atttypid, a.atttypmod) as type
		 from pg_class c
		 join pg_namespace n on n.oid = c.relnamespace
		 left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
		 where n.nspname = 'rebuttal' and c.relname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
		[MERCHANT_RELATIONS],
	);

	const kinds = new Map<string, string>();
	const columns = new Map<string, Map<string, string>>();
	for (const row of rows) {
		kinds.set(row.relation, KIND[row.relkind] ?? row.relkind);
		const map = columns.get(row.relation) ?? new Map<string, string>();
		if (row.column) map.set(row.column, row.type ?? "");
		columns.set(row.relation, map);
	}

	const results: CheckResult[] = [];
	const usable = new Set<MerchantRelation>();
	for (const relation of MERCHANT_RELATIONS) {
		const id = `schema.${relation}`;
		const kind = kinds.get(relation);
		if (!kind) {
			results.push(
				fail(
					id,
					`rebuttal.${relation} does not exist`,
					schemaExists
						? `Create it: run \`npm run db:migrate\` for rebuttal's own tables, or CREATE VIEW rebuttal.${relation} over your tables with the contract's columns (INSTALL.md, step 4).`
						: "The rebuttal schema does not exist: run `npm run db:migrate` first (INSTALL.md, step 3), then replace the three merchant tables with views if your data lives elsewhere (step 4).",
				),
			);
			continue;
		}
		const have = columns.get(relation) ?? new Map<string, string>();
		const missing: string[] = [];
		const wrong: string[] = [];
		const hints: string[] = [];
		for (const [column, family] of CONTRACT_COLUMNS[relation]) {
			const type = have.get(column);
			if (type === undefined) {
				missing.push(column);
				hints.push(`NULL::${WANT[family]} AS ${column}`);
			} else if (!isCompatible(family, type)) {
				wrong.push(`${column} is ${type} (want ${WANT[family]})`);
				hints.push(castHint(column, family, type));
			}
		}
		if (missing.length === 0 && wrong.length === 0) {
			usable.add(relation);
			const note = kind === "materialized view" ? "; refresh it often, evidence only sees what it holds" : "";
			const result = pass(
				id,
				`rebuttal.${relation} is a ${kind} with all ${CONTRACT_COLUMNS[relation].length} contract columns${note}`,
			);
			results.push(
				kind === "materialized view"
					? {
							...result,
							status: "warn",
							fix: `REFRESH MATERIALIZED VIEW rebuttal.${relation} on a schedule, or use a plain view.`,
						}
					: result,
			);
			continue;
		}
		const problems = [
			missing.length > 0 ? `missing column${missing.length === 1 ? "" : "s"} ${missing.join(", ")}` : "",
			wrong.length > 0 ? `incompatible type${wrong.length === 1 ? "" : "s"}: ${wrong.join("; ")}` : "",
		].filter(Boolean);
		const how =
			kind === "table"
				? `ALTER TABLE rebuttal.${relation} to match contract §4, or run \`npm run db:migrate\` on a database where it does not exist yet`
				: `CREATE OR REPLACE VIEW rebuttal.${relation} (or DROP VIEW and CREATE VIEW when a column changes type) with, in its select list: ${hints.join(", ")}`;
		results.push(fail(id, `rebuttal.${relation} (${kind}): ${problems.join("; ")}`, `${how}.`));
	}
	return { results, kinds, usable, schemaExists };
}
