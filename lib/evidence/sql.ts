import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

/** Runs a raw query and returns its rows, whatever the driver (node-postgres, PGlite, neon-serverless). */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
	const result = (await db.execute(query)) as unknown;
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A timestamptz expression as an ISO-8601 UTC string with milliseconds, identical across drivers. */
export function isoText(expr: SQL): SQL {
	return sql`to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
