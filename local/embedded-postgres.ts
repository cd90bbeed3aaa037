import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * Embedded Postgres for laptops without one: PGlite (Postgres compiled to WASM, in this process) served over the
 * Postgres wire protocol on a loopback port, so node-postgres, the migrator and the Worker (through the bridge)
 * all reach it like any server. PGlite runs one query at a time across all connections.
 */
export interface EmbeddedPostgres {
	/** `postgres://postgres@127.0.0.1:PORT/postgres` */
	url: string;
	port: number;
	/** Where the data lives, or undefined when in memory. */
	dataDir: string | undefined;
	close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
	/** Directory for persistent data (dev uses `.data/pglite`); omit for an in-memory database. */
	dataDir?: string;
	port?: number;
	maxConnections?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
	if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
	const db = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
	await db.waitReady;

	const server = new PGLiteSocketServer({
		db,
		host: "127.0.0.1",
		port: options.port ?? 0,
		maxConnections: options.maxConnections ?? 64,
	});
	try {
		await server.start();
	} catch (error) {
		await db.close();
		throw error;
	}
	const port = Number(server.getServerConn().split(":").pop());

	let closed = false;
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		dataDir: options.dataDir,
		close: async () => {
			if (closed) return;
			closed = true;
			await server.stop();
			await db.close();
		},
	};
}
