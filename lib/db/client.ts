import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "../../schema";

/** Any Drizzle Postgres database over rebuttal's schema: neon-serverless in the Worker, pg or PGlite in tests. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DbHandle {
	db: Db;
	/** Ends the pool; pass to `ctx.waitUntil` at the end of a request or batch. */
	close(): Promise<void>;
}

/**
 * One pool per request or batch, as Workers require (sockets cannot outlive the invocation that opened them).
 * `wsProxy` is set only for local runs, where a WebSocket-to-TCP bridge fronts a plain Postgres.
 */
export function openDb(databaseUrl: string, wsProxy?: string): DbHandle {
	if (wsProxy) {
		// The driver adds the ws:// scheme itself, so the proxy is given as host:port (an http:// prefix is dropped).
		const proxy = wsProxy.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
		neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
		neonConfig.useSecureWebSocket = false;
		neonConfig.pipelineTLS = false;
		neonConfig.pipelineConnect = false;
	}
	const pool = new Pool({ connectionString: databaseUrl, max: 4 });
	// An idle socket closing at the end of an invocation must not surface as an unhandled error.
	pool.on("error", (error: Error) => {
		if (!/network connection lost/i.test(error.message)) console.warn("postgres pool error", error.message);
	});
	return {
		db: drizzle({ client: pool, schema }),
		close: () => pool.end(),
	};
}
