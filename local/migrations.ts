import { fileURLToPath } from "node:url";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../schema/migrations", import.meta.url));

/** Applies pending drizzle-kit migrations to any Postgres reachable over TCP (a server, Neon, or PGlite's socket). */
export async function applyMigrations(databaseUrl: string): Promise<void> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		// The notice for an already-present migrations schema is noise on every start.
		client.on("notice", () => {});
		await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
	} finally {
		await client.end();
	}
}
