import pg from "pg";
import { DATABASE_URL_UNPARSEABLE } from "../../../lib/config";
import { describeDatabaseUrl } from "../redact";
import { type CheckResult, fail, pass } from "../types";

/** Connects with node-postgres over TCP (a plain server, Neon with ?sslmode=require, or PGlite's socket). */
export async function connectDatabase(databaseUrl: string): Promise<{ result: CheckResult; client: pg.Client | null }> {
	const where = describeDatabaseUrl(databaseUrl);
	// checkConfig refuses such a URL first; this keeps a direct call from throwing pg's parser error at the user.
	if (!URL.canParse(databaseUrl))
		return {
			result: fail(
				"db.reachable",
				`DATABASE_URL ${DATABASE_URL_UNPARSEABLE}`,
				"Percent-encode the password and run doctor again.",
			),
			client: null,
		};
	const client = new pg.Client({
		connectionString: databaseUrl,
		connectionTimeoutMillis: 10_000,
		// Doctor's counting queries must not run for ever on a very large table.
		statement_timeout: 60_000,
		application_name: "rebuttal-doctor",
	});
	client.on("error", () => {});
	client.on("notice", () => {});
	try {
		await client.connect();
		const { rows } = await client.query<{ version: string }>("select current_setting('server_version') as version");
		return { result: pass("db.reachable", `connected to ${where} (Postgres ${rows[0]?.version ?? "?"})`), client };
	} catch (error) {
		await client.end().catch(() => {});
		return {
			result: fail(
				"db.reachable",
				`cannot connect to ${where}: ${(error as Error).message || (error as { code?: string }).code || "connection failed"}`,
				"Check that DATABASE_URL names a running Postgres reachable from here (host, port, database, user and password; Neon needs ?sslmode=require), and that firewalls or IP allow-lists let this machine in. Try `psql \"$DATABASE_URL\" -c 'select 1'`.",
			),
			client: null,
		};
	}
}
