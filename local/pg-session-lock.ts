/**
 * Embedded PGlite is one Postgres backend shared by every connection. This lock gives one bridged connection
 * the backend at a time, from a batch it sends until the backend says it is idle again (ReadyForQuery with
 * status `I`): a connection inside a transaction, or inside an extended-protocol exchange not yet closed by
 * Sync, keeps it. That is exactly how a session pooler in front of a single session must behave, and it stops
 * concurrent Worker invocations from interleaving their statements.
 */
export class SessionLock {
	private holder: object | null = null;
	private readonly waiting: { owner: object; grant: () => void }[] = [];

	/** Resolves when `owner` holds the backend (at once if it already does). */
	acquire(owner: object): Promise<void> {
		if (this.holder === owner) return Promise.resolve();
		if (this.holder === null) {
			this.holder = owner;
			return Promise.resolve();
		}
		return new Promise((grant) => this.waiting.push({ owner, grant }));
	}

	release(owner: object): void {
		if (this.holder !== owner) {
			// A connection that closes while still waiting gives up its place.
			const index = this.waiting.findIndex((w) => w.owner === owner);
			if (index >= 0) this.waiting.splice(index, 1);
			return;
		}
		const next = this.waiting.shift();
		this.holder = next?.owner ?? null;
		next?.grant();
	}

	holds(owner: object): boolean {
		return this.holder === owner;
	}
}

/**
 * Watches what the backend sends one connection: each ReadyForQuery with its transaction status, and the
 * one-byte answer to an SSL/GSS request.
 */
export class BackendWatcher {
	private buffered: Buffer = Buffer.alloc(0);
	private expectingSingleByte = false;

	constructor(
		private readonly onReady: (status: string) => void,
		private readonly onNegotiated: () => void,
	) {}

	/** The next answer is a single byte ('N' or 'S'), not a typed message. */
	expectSingleByteAnswer(): void {
		this.expectingSingleByte = true;
	}

	push(chunk: Buffer): void {
		this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
		if (this.expectingSingleByte && this.buffered.length > 0) {
			this.expectingSingleByte = false;
			this.buffered = this.buffered.subarray(1);
			this.onNegotiated();
		}
		while (this.buffered.length >= 5) {
			const size = 1 + this.buffered.readInt32BE(1);
			if (size < 5) throw new Error(`malformed backend message: type ${this.buffered[0]}, length ${size - 1}`);
			if (this.buffered.length < size) break;
			if (this.buffered[0] === 0x5a /* Z */) this.onReady(String.fromCharCode(this.buffered[5]!));
			this.buffered = this.buffered.subarray(size);
		}
	}
}

/** How many ReadyForQuery answers a batch of frontend messages will get: one per Sync and per simple Query. */
export function readyAnswersExpected(batch: Buffer, startup: boolean): number {
	if (startup) return 1;
	let count = 0;
	for (let i = 0; i + 5 <= batch.length; i += 1 + batch.readInt32BE(i + 1)) {
		if (batch[i] === 0x53 /* S */ || batch[i] === 0x51 /* Q */) count++;
	}
	return count;
}
