import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "../../local/migrations";
import { SUMMARY_DRIFT_SQL } from "../support/activity-summary";
import { createDatabase } from "../support/database";

// Migration 0011 on a database that already holds activity (every merchant upgrading): the summary starts out
// equal to a fresh count of the rows, and the triggers keep it so from the next write on. Runs on the Postgres at
// DATABASE_URL when set (CI), else in PGlite.

/** The migrations folder as it was before 0011: the journal cut after 0010. */
function foldersBefore0011(): { dir: string; dispose(): void } {
	const dir = mkdtempSync(join(tmpdir(), "rebuttal-migrations-"));
	cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
	const journalPath = join(dir, "meta", "_journal.json");
	const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
	const cut = journal.entries.findIndex((e) => e.tag.startsWith("0011_"));
	expect(cut).toBeGreaterThan(0);
	journal.entries = journal.entries.slice(0, cut);
	writeFileSync(journalPath, JSON.stringify(journal));
	return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

interface Target {
	query(sql: string): Promise<Record<string, unknown>[]>;
	migrate(folder: string): Promise<void>;
	close(): Promise<void>;
}

async function openBlank(): Promise<Target> {
	const server = process.env.DATABASE_URL;
	if (!server) {
		const client = new PGlite();
		await client.waitReady;
		const db = drizzlePglite({ client });
		return {
			query: async (sql) => (await client.exec(sql)).at(-1)?.rows ?? [],
			migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
			close: () => client.close(),
		};
	}
	const { url, drop } = await createDatabase(server);
	const pool = new pg.Pool({ connectionString: url, max: 1 });
	pool.on("error", () => {});
	pool.on("connect", (c) => c.on("notice", () => {}));
	return {
		query: async (sql) => (await pool.query(sql)).rows,
		migrate: (folder) => migratePg(drizzlePg({ client: pool }), { migrationsFolder: folder }),
		close: async () => {
			await pool.end();
			await drop();
		},
	};
}

let target: Target | undefined;
afterAll(async () => target?.close());

describe("migration 0011 on a database with activity", () => {
	it("fills the summary from the rows already there, then keeps it", async () => {
		target = await openBlank();
		const before = foldersBefore0011();
		try {
			await target.migrate(before.dir);
		} finally {
			before.dispose();
		}
		await target.query(`insert into rebuttal.accounts (id) values ('m1'), ('m2')`);
		await target.query(`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id)
			select case when g % 2 = 0 then 'm1' else 'm2' end, timestamptz '2026-01-01' + g * interval '47 minutes',
				(array['login', 'export', null])[1 + g % 3], '198.51.100.' || (g % 5), case when g % 4 = 0 then null else 'd' || (g % 3) end
			from generate_series(1, 3000) g`);
		await target.query(
			`insert into rebuttal.activity (account_id, occurred_at, kind) values ('m1', null, 'login'), (null, now(), 'x')`,
		);

		await target.migrate(MIGRATIONS_FOLDER);
		const [filled] = await target.query(SUMMARY_DRIFT_SQL);
		expect(filled).toEqual({ n: 0, buckets: expect.any(Number) });
		expect(Number(filled!.buckets)).toBeGreaterThan(100);

		await target.query("delete from rebuttal.activity where id % 3 = 0");
		await target.query(`insert into rebuttal.activity (account_id, occurred_at, kind) values ('m2', now(), 'login')`);
		const [kept] = await target.query(SUMMARY_DRIFT_SQL);
		expect(kept!.n).toBe(0);
	});
});
