// `npm run db:migrate`: applies pending migrations to DATABASE_URL (a plain Postgres or Neon), nothing else.

import { resolveLocalConfig } from "./env";
import { applyMigrations } from "./migrations";

const { env } = resolveLocalConfig();
if (!env.DATABASE_URL) {
	console.error("DATABASE_URL is not set. Set it in the environment or .dev.vars, e.g.");
	console.error("  DATABASE_URL=postgres://user:password@host:5432/dbname npm run db:migrate");
	console.error("(`npm run dev` without DATABASE_URL uses an embedded database and migrates it by itself.)");
	process.exit(1);
}
const where = new URL(env.DATABASE_URL);
try {
	await applyMigrations(env.DATABASE_URL);
	console.log(`migrations applied to ${where.hostname}:${where.port || 5432}${where.pathname}`);
} catch (error) {
	console.error(
		`migrating ${where.hostname}:${where.port || 5432}${where.pathname} failed: ${(error as Error).message}`,
	);
	process.exit(1);
}
