import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { isIP, type Socket } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { relayPostgres } from "./pg-relay";

/**
 * The WebSocket-to-TCP bridge that lets `@neondatabase/serverless` inside workerd reach a plain Postgres:
 * `ws://host:port/v1?address=pghost:pgport`, raw binary frames both ways. Only loopback targets and the hosts
 * named in `allowHosts` (the host of DATABASE_URL) are reachable: it is not an open proxy.
 */
export interface PgBridge {
	/** Base URL to hand the Worker as DATABASE_WS_PROXY, e.g. `http://127.0.0.1:40123`. */
	url: string;
	port: number;
	/**
	 * Fault injection for tests: cuts every open bridged connection at once, both ends, as a network failure
	 * would (the Worker sees its socket die mid-query). New connections are accepted as usual. Returns how many
	 * connections were cut.
	 */
	cutConnections(): number;
	close(): Promise<void>;
}

export interface PgBridgeOptions {
	port?: number;
	host?: string;
	/** Extra hosts (besides loopback) the bridge may connect to, e.g. the host of DATABASE_URL. */
	allowHosts?: string[];
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
	if (LOOPBACK_NAMES.has(bare)) return true;
	return isIP(bare) === 4 && bare.startsWith("127.");
}

/** Parses `host:port` (IPv6 in brackets allowed); undefined when malformed. */
export function parseTarget(address: string | null): { host: string; port: number } | undefined {
	if (!address) return undefined;
	const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
	if (!match) return undefined;
	const port = Number(match[2]);
	if (port < 1 || port > 65535) return undefined;
	return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}

export async function startPgBridge(options: PgBridgeOptions = {}): Promise<PgBridge> {
	const bindHost = options.host ?? "127.0.0.1";
	const allowed = new Set((options.allowHosts ?? []).map((h) => h.replace(/^\[|\]$/g, "").toLowerCase()));
	const isAllowed = (host: string) => isLoopback(host) || allowed.has(host.toLowerCase());

	const server = createServer((_req, res) => {
		res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket upgrade required\n");
	});
	const wss = new WebSocketServer({ noServer: true });
	const sockets = new Set<Socket>();

	server.on("upgrade", (req: IncomingMessage, socket, head) => {
		const url = new URL(req.url ?? "/", "http://bridge");
		const target = url.pathname === "/v1" ? parseTarget(url.searchParams.get("address")) : undefined;
		if (!target || !isAllowed(target.host)) {
			const status = target ? "403 Forbidden" : "400 Bad Request";
			socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		wss.handleUpgrade(req, socket, head, (ws) => pipe(ws, target.host, target.port, sockets));
	});

	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, bindHost, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	const urlHost = bindHost.includes(":") ? `[${bindHost}]` : bindHost;

	return {
		url: `http://${urlHost}:${port}`,
		port,
		cutConnections: () => {
			const open = wss.clients.size;
			for (const client of wss.clients) client.terminate();
			for (const socket of sockets) socket.destroy();
			return open;
		},
		close: async () => {
			for (const client of wss.clients) client.terminate();
			for (const socket of sockets) socket.destroy();
			wss.close();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

function pipe(ws: WebSocket, host: string, port: number, sockets: Set<Socket>): void {
	const server = relayPostgres(
		{
			send: (chunk) => {
				if (ws.readyState === WebSocket.OPEN) ws.send(chunk, { binary: true });
			},
			onData: (listener) =>
				ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) =>
					listener(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)),
				),
			onClose: (listener) => {
				ws.on("close", listener);
				ws.on("error", listener);
			},
			close: () => {
				if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
			},
		},
		host,
		port,
	);
	sockets.add(server);
	server.on("close", () => sockets.delete(server));
}
