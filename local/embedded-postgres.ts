import { mkdir } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { relayPostgres } from "./pg-relay";
import { SessionLock } from "./pg-session-lock";

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
		port: 0,
		maxConnections: options.maxConnections ?? 64,
	});
	try {
		await server.start();
	} catch (error) {
		await db.close();
		throw error;
	}
	const backendPort = Number(server.getServerConn().split(":").pop());
	// Every client, the Worker's bridge and Node scripts alike, reaches PGlite through the serializing proxy.
	const proxy = await startSerializingProxy(backendPort, options.port ?? 0).catch(async (error) => {
		await server.stop();
		await db.close();
		throw error;
	});
	const port = proxy.port;

	let closed = false;
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		dataDir: options.dataDir,
		close: async () => {
			if (closed) return;
			closed = true;
			await proxy.close();
			await server.stop();
			await db.close();
		},
	};
}

/**
 * A loopback TCP proxy in front of PGlite's socket server that hands the single backend session to one client
 * at a time (see SessionLock), so concurrent clients never interleave statements or transactions.
 */
async function startSerializingProxy(backendPort: number, port: number) {
	const lock = new SessionLock();
	const sockets = new Set<Socket>();
	const server = createServer((client) => {
		sockets.add(client);
		client.setNoDelay(true);
		client.on("close", () => sockets.delete(client));
		const backend = relayPostgres(
			{
				send: (chunk) => {
					if (!client.destroyed) client.write(chunk);
				},
				onData: (listener) => client.on("data", listener),
				onClose: (listener) => {
					client.on("close", listener);
					client.on("error", listener);
				},
				close: () => client.destroy(),
			},
			"127.0.0.1",
			backendPort,
			lock,
		);
		sockets.add(backend);
		backend.on("close", () => sockets.delete(backend));
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, "127.0.0.1", () => resolve());
	});
	const address = server.address();
	return {
		port: typeof address === "object" && address ? address.port : port,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
