import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { isIP, type Socket } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { relayPostgres } from "./pg-relay";

/**
 * The WebSocket-to-TCP bridge that lets `@neondatabase/serverless` inside workerd reach a plain Postgres:
 * `ws://host:port/v1?address=pghost:pgport`, raw binary frames both ways. Only loopback targets and the hosts
 * named in `allowHosts` (the host of DATABASE_URL) are reachable: it is not an open proxy.
 *
 * Only the local runner's own Worker may use it, not a web page open in a browser while `npm run dev` runs (any
 * page can open a WebSocket to 127.0.0.1). So an upgrade is refused when it carries an `Origin` header (a
 * browser always sends one; the Worker's neon client sends none), and its path must start with a random token
 * made when the bridge starts, which only the Worker is given (inside DATABASE_WS_PROXY: the neon client appends
 * `/v1?address=…` to that URL, so the token needs no change on the Worker's side).
 */
export interface PgBridge {
	/**
	 * The URL to hand the Worker as DATABASE_WS_PROXY, token included, e.g. `http://127.0.0.1:40123/Zx…`.
	 * Treat it as a secret: whoever has it can reach the database.
	 */
	url: string;
	/** The bridge's address without the token, to show in logs, e.g. `http://127.0.0.1:40123`. */
	origin: string;
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
	const token = randomBytes(24).toString("base64url");
	const refuse = (socket: { end(data: string): void }, status: string) =>
		socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);

	server.on("upgrade", (req: IncomingMessage, socket, head) => {
		const url = new URL(req.url ?? "/", "http://bridge");
		const rest = withoutToken(url.pathname, token);
		if (req.headers.origin !== undefined || rest === null) {
			refuse(socket, "403 Forbidden");
			return;
		}
		const target = rest === "/v1" ? parseTarget(url.searchParams.get("address")) : undefined;
		if (!target || !isAllowed(target.host)) {
			refuse(socket, target ? "403 Forbidden" : "400 Bad Request");
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

	const origin = `http://${urlHost}:${port}`;
	return {
		url: `${origin}/${token}`,
		origin,
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

/** The path after `/<token>`, or null when the path does not start with the token (compared in constant time). */
function withoutToken(pathname: string, token: string): string | null {
	const end = pathname.indexOf("/", 1);
	const given = Buffer.from(end === -1 ? pathname.slice(1) : pathname.slice(1, end));
	const expected = Buffer.from(token);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	return end === -1 ? "" : pathname.slice(end);
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
