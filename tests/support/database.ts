import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import type { Db } from "../../lib/db/client";
import { applyMigrations, MIGRATIONS_FOLDER } from "../../local/migrations";
import * as schema from "../../schema";

export interface TestDatabase {
	db: Db;
	/** Runs raw SQL (for seeding large volumes quickly). */
	exec(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
	/** Where it is, for tests that hand it to a Worker; undefined for in-process PGlite. */
	url: string | undefined;
	close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on the Postgres at DATABASE_URL when set (CI),
 * otherwise an in-process PGlite.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
	const serverUrl = process.env.DATABASE_URL;
	if (!serverUrl) {
		const client = new PGlite();
		await client.waitReady;
		const db = drizzlePglite({ client, schema });
		await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
		return {
			db: db as unknown as Db,
			exec: async (sql, params) => ({
				rows: (await client.query(sql, params as unknown[])).rows as Record<string, unknown>[],
			}),
			url: undefined,
			close: () => client.close(),
		};
	}

	const { url, drop } = await createDatabase(serverUrl);
	await applyMigrations(url);
	const pool = new pg.Pool({ connectionString: url, max: 4 });
	// Dropping the database ends connections the pool may still be closing; that is expected, not a failure.
	pool.on("error", () => {});
	return {
		db: drizzlePg({ client: pool, schema }) as unknown as Db,
		exec: async (sql, params) => ({ rows: (await pool.query(sql, params)).rows }),
		url,
		close: async () => {
			await pool.end();
			await drop();
		},
	};
}

/** A new, empty database on the server at `serverUrl`, dropped by `drop()`. */
export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `rebuttal_test_${randomBytes(6).toString("hex")}`;
	const admin = new pg.Client({ connectionString: serverUrl });
	await admin.connect();
	try {
		await admin.query(`create database ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: async () => {
			const cleanup = new pg.Client({ connectionString: serverUrl });
			await cleanup.connect();
			try {
				await cleanup.query(`drop database if exists ${name} with (force)`);
			} finally {
				await cleanup.end();
			}
		},
	};
}
