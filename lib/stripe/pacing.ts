/**
 * Client-side pacing of Stripe calls, below Stripe's rate limits (test mode 25 requests/s, live 100/s, file
 * uploads 20/s), so a burst of disputes spends its time making calls rather than backing off from 429s. It paces
 * the calls of one isolate; several isolates together may still meet the limit, and a 429 is then retried as
 * usual (lib/queue.ts), never turned into a failure.
 */

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Spaces calls at least 1/perSecond apart: each caller takes the next free slot and waits for it. */
export class Pacer {
	private nextSlot = 0;
	/** Whole milliseconds, rounded up: fractions would drift and let one call too many into a second. */
	private readonly spacingMs: number;

	constructor(
		readonly perSecond: number,
		private readonly clock: Clock = realClock,
	) {
		this.spacingMs = Math.ceil(1000 / perSecond);
	}

	async take(): Promise<void> {
		const now = this.clock.now();
		const slot = Math.max(now, this.nextSlot);
		this.nextSlot = slot + this.spacingMs;
		if (slot > now) await this.clock.sleep(slot - now);
	}
}

/** Requests per second rebuttal allows itself: about 90 % of each of Stripe's limits. */
export const PACE = { test: 22, live: 90, files: 18 } as const;

export type KeyMode = "test" | "live";

export function keyMode(secretKey: string): KeyMode {
	return /^(sk|rk)_live_/.test(secretKey) ? "live" : "test";
}

const pacers = new Map<KeyMode, { api: Pacer; files: Pacer }>();

/** This isolate's pacers for a key mode (shared by every client and batch of the isolate). */
export function pacersFor(mode: KeyMode, clock?: Clock): { api: Pacer; files: Pacer } {
	if (clock) return { api: new Pacer(PACE[mode], clock), files: new Pacer(PACE.files, clock) };
	let found = pacers.get(mode);
	if (!found) {
		found = { api: new Pacer(PACE[mode]), files: new Pacer(PACE.files) };
		pacers.set(mode, found);
	}
	return found;
}

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** A fetch that waits for its pacing slot; a file upload counts against both limits, as Stripe counts it. */
export function pacedFetch(paces: { api: Pacer; files: Pacer }, inner: Fetch): Fetch {
	return async (input, init) => {
		const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
		const url = input instanceof Request ? input.url : String(input);
		await paces.api.take();
		if (method === "POST" && new URL(url).pathname === "/v1/files") await paces.files.take();
		return inner(input, init);
	};
}
