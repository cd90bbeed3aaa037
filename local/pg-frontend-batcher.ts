/**
 * Regroups the bytes a Postgres client sends into whole protocol batches (everything up to a Sync, a simple
 * Query, …) before they reach the server.
 *
 * Embedded PGlite serves every connection from one backend session and takes whatever arrives on a socket as
 * one unit of work. A client that writes Parse, Bind, Execute and Sync as separate WebSocket frames would let
 * another connection's Parse land between them and replace the unnamed statement. Forwarding whole batches
 * keeps each connection's extended-protocol exchange together. Against a real Postgres it changes nothing.
 */

/** Message types after which the client waits for the server, so the batch is complete. */
const BATCH_END = new Set(["S", "Q", "X", "H", "p", "c", "f", "d"]);
const PROTOCOL_3 = 196608;
/** A batch that never ends (a client waiting after Execute without Sync) is forwarded after this long. */
const STALL_MS = 20;

/** What the backend will do with a batch: answer an SSL/GSS request with one byte, close, or reply normally. */
export type BatchKind = "negotiation" | "terminate" | "messages";

export class FrontendBatcher {
	private buffered: Buffer = Buffer.alloc(0);
	/** Bytes of `buffered` that form complete messages not yet forwarded. */
	private complete = 0;
	private startupDone = false;
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly forward: (batch: Buffer, kind: BatchKind) => void) {}

	push(chunk: Buffer): void {
		this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
		for (;;) {
			const size = this.nextMessageSize();
			if (size === undefined) break;
			const start = this.complete;
			this.complete += size;
			if (!this.startupDone) {
				// Untyped messages: SSL/GSS requests, then the startup message that opens the typed protocol.
				if (this.buffered.readInt32BE(start + 4) === PROTOCOL_3) {
					this.startupDone = true;
					this.flush("messages");
				} else {
					this.flush("negotiation");
				}
			} else {
				const type = String.fromCharCode(this.buffered[start]!);
				if (BATCH_END.has(type)) this.flush(type === "X" ? "terminate" : "messages");
			}
		}
		this.armStallTimer();
	}

	/** Forwards whatever is held, complete or not (the connection is closing). */
	drain(): void {
		clearTimeout(this.timer);
		if (this.buffered.length) this.forward(this.buffered, "terminate");
		this.buffered = Buffer.alloc(0);
		this.complete = 0;
	}

	private nextMessageSize(): number | undefined {
		const rest = this.buffered.length - this.complete;
		const headerSize = this.startupDone ? 5 : 4;
		if (rest < headerSize) return undefined;
		const length = this.buffered.readInt32BE(this.complete + (this.startupDone ? 1 : 0));
		const size = (this.startupDone ? 1 : 0) + length;
		if (length < 4) throw new Error(`malformed frontend message: length ${length}`);
		return rest >= size ? size : undefined;
	}

	private flush(kind: BatchKind): void {
		clearTimeout(this.timer);
		this.forward(this.buffered.subarray(0, this.complete), kind);
		this.buffered = this.buffered.subarray(this.complete);
		this.complete = 0;
	}

	private armStallTimer(): void {
		clearTimeout(this.timer);
		if (this.complete === 0) return;
		this.timer = setTimeout(() => {
			if (this.complete > 0) this.flush("messages");
		}, STALL_MS);
	}
}
