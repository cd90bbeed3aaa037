import { neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../local/embedded-postgres";
import { type PgBridge, startPgBridge } from "../../local/pg-bridge";

// The fault hook of the Postgres bridge: cutConnections() kills every open bridged connection mid-session, the
// client sees the failure, and the next connection works.

let postgres: EmbeddedPostgres;
let bridge: PgBridge;
beforeAll(async () => {
	postgres = await startEmbeddedPostgres();
	bridge = await startPgBridge();
	neonConfig.webSocketConstructor = WebSocket;
	neonConfig.wsProxy = (host, port) => `${bridge.url.replace(/^http:\/\//, "")}/v1?address=${host}:${port}`;
	neonConfig.useSecureWebSocket = false;
	neonConfig.pipelineTLS = false;
	neonConfig.pipelineConnect = false;
});
afterAll(async () => {
	await bridge?.close();
	await postgres?.close();
});

describe("pg bridge cutConnections", () => {
	it("cuts open connections (the client errors) and accepts new ones", async () => {
		const pool = new Pool({ connectionString: postgres.url, max: 1 });
		const errors: Error[] = [];
		pool.on("error", (error: Error) => errors.push(error));
		const client = await pool.connect();
		client.on("error", (error: Error) => errors.push(error));
		expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
		expect(bridge.cutConnections()).toBe(1);
		await expect(client.query("select 2")).rejects.toThrow();
		client.release(true);
		expect(bridge.cutConnections()).toBe(0);

		const fresh = new Pool({ connectionString: postgres.url, max: 1 });
		fresh.on("error", () => {});
		expect((await fresh.query("select 3 as three")).rows).toEqual([{ three: 3 }]);
		await fresh.end();
		await pool.end().catch(() => {});
	});
});
