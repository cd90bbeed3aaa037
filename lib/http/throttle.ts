/**
 * Slows down guessing at the login form: failures are counted per client address within a window; each failure
 * waits longer before answering, and past `maxFailures` the address is refused until the window ends. Memory is
 * bounded: the oldest addresses are forgotten first. The address is Cloudflare's `CF-Connecting-IP` alone: headers
 * a client can set (`X-Real-IP`, `X-Forwarded-For`) would let it start afresh at will, and keying per address
 * (never one global lock) means failures from elsewhere cannot lock the operator out. (Per isolate; a determined attacker across many isolates is
 * still held back by the token's entropy, which the configuration requires to be at least 16 characters.)
 */
export class LoginThrottle {
	private readonly failures = new Map<string, { count: number; firstAt: number }>();

	constructor(
		private readonly options = {
			windowMs: 15 * 60_000,
			maxFailures: 10,
			maxEntries: 5_000,
			baseDelayMs: 250,
			maxDelayMs: 4_000,
		},
	) {}

	/** Milliseconds until this address may try again, 0 when it may try now. */
	blockedFor(address: string, nowMs = Date.now()): number {
		const entry = this.current(address, nowMs);
		if (!entry || entry.count < this.options.maxFailures) return 0;
		return entry.firstAt + this.options.windowMs - nowMs;
	}

	/**
	 * Counts an attempt before its token is compared, so concurrent attempts cannot all slip past the limit
	 * while the first ones are still being checked. Returns how long the address is blocked (0: go ahead) and,
	 * when it may go ahead, how long to wait before answering should the token be wrong.
	 */
	reserve(address: string, nowMs = Date.now()): { blockedMs: number; delayMs: number } {
		const blockedMs = this.blockedFor(address, nowMs);
		if (blockedMs > 0) return { blockedMs, delayMs: 0 };
		return { blockedMs: 0, delayMs: this.fail(address, nowMs) };
	}

	/** Records a failure and returns how long to wait before answering it. */
	fail(address: string, nowMs = Date.now()): number {
		const entry = this.current(address, nowMs) ?? { count: 0, firstAt: nowMs };
		entry.count++;
		this.failures.delete(address);
		this.failures.set(address, entry);
		while (this.failures.size > this.options.maxEntries) {
			const oldest = this.failures.keys().next().value;
			if (oldest === undefined) break;
			this.failures.delete(oldest);
		}
		return Math.min(this.options.baseDelayMs * 2 ** (entry.count - 1), this.options.maxDelayMs);
	}

	succeed(address: string): void {
		this.failures.delete(address);
	}

	get size(): number {
		return this.failures.size;
	}

	private current(address: string, nowMs: number) {
		const entry = this.failures.get(address);
		if (entry && nowMs - entry.firstAt >= this.options.windowMs) {
			this.failures.delete(address);
			return undefined;
		}
		return entry;
	}
}
