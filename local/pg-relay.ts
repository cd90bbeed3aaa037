import { Socket } from "node:net";
import { type BatchKind, FrontendBatcher } from "./pg-frontend-batcher";
import { BackendWatcher, readyAnswersExpected, type SessionLock } from "./pg-session-lock";

/** The client side of a relayed Postgres connection: a WebSocket (the bridge) or a TCP socket (the proxy). */
export interface ClientEnd {
	send(chunk: Buffer): void;
	onData(listener: (chunk: Buffer) => void): void;
	onClose(listener: () => void): void;
	close(): void;
}

/**
 * Relays one client connection to a Postgres server, forwarding the client's messages in whole protocol batches
 * and, with a lock, only while this connection holds the backend (see SessionLock).
 */
export function relayPostgres(client: ClientEnd, host: string, port: number, lock?: SessionLock): Socket {
	const server = new Socket();
	server.setNoDelay(true);
	const owner = {};
	const outbox: { batch: Buffer; kind: BatchKind }[] = [];
	let connected = false;
	let closed = false;
	let pumping = false;
	let startupSent = false;
	let awaitingReady = 0;

	const watcher = new BackendWatcher(
		(status) => {
			awaitingReady = Math.max(0, awaitingReady - 1);
			if (awaitingReady === 0 && status === "I") lock?.release(owner);
		},
		() => lock?.release(owner),
	);

	// Batches go out in order; with a lock, each waits until this connection holds the backend.
	const pump = async () => {
		if (pumping || !connected) return;
		pumping = true;
		while (outbox.length > 0 && !closed) {
			const { batch, kind } = outbox[0]!;
			if (lock) await lock.acquire(owner);
			if (closed) break;
			outbox.shift();
			if (kind === "negotiation") watcher.expectSingleByteAnswer();
			else if (kind === "messages") {
				awaitingReady += readyAnswersExpected(batch, !startupSent);
				startupSent = true;
			}
			if (kind === "terminate") {
				// The client is done. PGlite's socket server does not hang up on Terminate as Postgres does, and a
				// client waiting for that close (a pool ending) would wait forever: close both ends here.
				server.end(batch, () => shutdown());
				break;
			}
			server.write(batch);
		}
		pumping = false;
	};
	const batcher = new FrontendBatcher((batch, kind) => {
		outbox.push({ batch: Buffer.from(batch), kind });
		void pump();
	});

	server.connect(port, host, () => {
		connected = true;
		void pump();
	});
	server.on("data", (chunk) => {
		if (lock) watcher.push(chunk);
		client.send(chunk);
	});
	client.onData((chunk) => batcher.push(chunk));

	const shutdown = () => {
		if (closed) return;
		closed = true;
		batcher.drain();
		server.destroy();
		lock?.release(owner);
		client.close();
	};
	server.on("close", shutdown);
	server.on("error", shutdown);
	client.onClose(shutdown);
	return server;
}
