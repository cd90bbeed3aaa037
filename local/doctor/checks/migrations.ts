import { readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { MIGRATIONS_FOLDER } from "../../migrations";
import { type CheckResult, fail, pass } from "../types";

interface JournalEntry {
	tag: string;
	when: number;
}

const PIPELINE_TABLES = ["events", "disputes", "attempts", "evidence"] as const;

export function readJournal(folder = MIGRATIONS_FOLDER): JournalEntry[] {
	const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
		entries: JournalEntry[];
	};
	return journal.entries;
}

/**
 * Pending migrations (drizzle applies every journal entry newer than the last one recorded in
 * drizzle.__drizzle_migrations) and the pipeline tables they create. When the merchant's views already exist and
 * the first migration has not run, `npm run db:migrate` would fail on CREATE TABLE: that state gets its own fix.
 */
export async function checkMigrations(
	client: pg.Client,
	merchantKinds: Map<string, string>,
	journal: JournalEntry[] = readJournal(),
): Promise<CheckResult> {
	const id = "db.migrations";
	const { rows: present } = await client.query<{ exists: boolean }>(
		"select to_regclass('drizzle.__drizzle_migrations') is not null as exists",
	);
	let last = -1;
	if (present[0]?.exists) {
		const { rows } = await client.query<{ last: string | null }>(
			"select max(created_at)::text as last from drizzle.__drizzle_migrations",
		);
		last = rows[0]?.last === null || rows[0]?.last === undefined ? -1 : Number(rows[0].last);
	}
	const pending = journal.filter((entry) => entry.when > last).map((entry) => entry.tag);

	const views = [...merchantKinds].filter(([, kind]) => kind !== "table").map(([name]) => `rebuttal.${name}`);
	if (pending.length > 0 && last === -1 && views.length > 0) {
		return fail(
			id,
			`no migration has run yet, but ${views.join(", ")} already exist as views: \`npm run db:migrate\` would stop with "relation already exists"`,
			"Migrate first, then replace the tables with views: save your CREATE VIEW statements, `DROP VIEW rebuttal.artifacts, rebuttal.activity, rebuttal.accounts;`, run `npm run db:migrate`, then `DROP TABLE rebuttal.artifacts, rebuttal.activity, rebuttal.accounts;` and run your CREATE VIEW statements again (INSTALL.md, step 4).",
		);
	}
	if (pending.length > 0) {
		return fail(
			id,
			`${pending.length} pending migration${pending.length === 1 ? "" : "s"}: ${pending.join(", ")}`,
			"Run `npm run db:migrate` with DATABASE_URL set (it applies only what is pending).",
		);
	}

	const { rows: tables } = await client.query<{ name: string }>(
		`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
		 where n.nspname = 'rebuttal' and c.relkind in ('r', 'p') and c.relname = any($1)`,
		[PIPELINE_TABLES],
	);
	const missing = PIPELINE_TABLES.filter((name) => !tables.some((t) => t.name === name));
	if (missing.length > 0) {
		return fail(
			id,
			`migrations are recorded as applied, but the pipeline tables ${missing.map((m) => `rebuttal.${m}`).join(", ")} are missing`,
			"Someone dropped them, or drizzle.__drizzle_migrations was copied from another database. If the database holds nothing of rebuttal's yet: `DROP SCHEMA drizzle CASCADE;` then `npm run db:migrate` (and re-create your views as INSTALL.md step 4 says).",
		);
	}
	return pass(id, `all ${journal.length} migrations applied; pipeline tables ${PIPELINE_TABLES.join(", ")} present`);
}
