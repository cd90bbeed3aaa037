/**
 * Client-side pacing of Stripe calls, below Stripe's rate limits (test mode 25 requests/s, live 100/s, file
 * uploads 20/s), so a burst of disputes spends its time making calls rather than backing off from 429s.
 *
 * Two gates decide when a call may go: the shared gate (lib/stripe/shared-pacing.ts) asks one Durable Object per
 * Stripe account and mode, so every isolate and every concurrent consumer together stays under the limit; the
 * isolate gate below paces the calls of one isolate only, and is the fallback when the Durable Object is not
 * bound or cannot be reached. Either way a 429 that still happens is retried (lib/queue.ts), never a failure.
 */

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Spaces calls at least 1/perSecond apart: each caller takes the next free slot and waits for it. */
export class Pacer {
	private nextSlot = 0;
	/** Whole milliseconds, rounded up: fractions would drift and let one call too many into a second. */
	readonly spacingMs: number;

	constructor(
		readonly perSecond: number,
		private readonly clock: Clock = realClock,
	) {
		this.spacingMs = Math.ceil(1000 / perSecond);
	}

	/** Books the first free slot at or after `at` (milliseconds on the clock) and returns it. */
	reserve(at: number): number {
		const slot = Math.max(at, this.nextSlot);
		this.nextSlot = slot + this.spacingMs;
		return slot;
	}

	async take(): Promise<void> {
		const now = this.clock.now();
		const slot = this.reserve(now);
		if (slot > now) await this.clock.sleep(slot - now);
	}
}

/** The two limits of one Stripe account: every request, and file uploads (which count against both). */
export interface Paces {
	api: Pacer;
	files: Pacer;
}

/**
 * Books a call on both lanes in the order the isolate gate takes them: the API slot first, then the first upload
 * slot from that moment on. Returns the time the call may go.
 */
export function reserveCall(paces: Paces, at: number, isUpload: boolean): number {
	const slot = paces.api.reserve(at);
	return isUpload ? paces.files.reserve(slot) : slot;
}

/** Requests per second one isolate allows itself when it paces alone: about 90 % of each of Stripe's limits. */
export const PACE = { test: 22, live: 90, files: 18 } as const;
/**
 * Requests per second of the shared bucket: closer to the limit, as it is the only pacer; the spacing it leaves
 * (42 ms in test mode, 25 calls taking 1,050 ms) absorbs the jitter between a grant and the request's arrival.
 */
export const SHARED_PACE = { test: 24, live: 96, files: 19 } as const;

export type KeyMode = "test" | "live";

export function keyMode(secretKey: string): KeyMode {
	return /^(sk|rk)_live_/.test(secretKey) ? "live" : "test";
}

const pacers = new Map<KeyMode, Paces>();

/** This isolate's pacers for a key mode (shared by every client and batch of the isolate). */
export function pacersFor(mode: KeyMode, clock?: Clock): Paces {
	if (clock) return { api: new Pacer(PACE[mode], clock), files: new Pacer(PACE.files, clock) };
	let found = pacers.get(mode);
	if (!found) {
		found = { api: new Pacer(PACE[mode]), files: new Pacer(PACE.files) };
		pacers.set(mode, found);
	}
	return found;
}

/** Decides when a Stripe call may go; resolves at that moment. */
export interface Gate {
	wait(isUpload: boolean): Promise<void>;
}

/** The per-isolate gate: the upload waits for its API slot, then for its upload slot. */
export function isolateGate(paces: Paces): Gate {
	return {
		async wait(isUpload) {
			await paces.api.take();
			if (isUpload) await paces.files.take();
		},
	};
}

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** A request whose body can be sent again as it is (stripe-node sends strings and byte arrays). */
function resendable(input: RequestInfo | URL, init?: RequestInit): boolean {
	if (input instanceof Request) return false;
	const body = init?.body;
	return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
}

export function isFileUpload(input: RequestInfo | URL, init?: RequestInit): boolean {
	const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
	if (method !== "POST") return false;
	const url = input instanceof Request ? input.url : String(input);
	return new URL(url).pathname === "/v1/files";
}

/**
 * Times a call that Stripe answered 429 is sent again, each after a fresh slot. Stripe refuses a rate-limited
 * request before doing anything with it, so sending it again is safe (and POSTs carry idempotency keys anyway);
 * a 429 that outlasts these goes back to stripe-node, and the queue message waits on its queue (lib/queue.ts).
 */
export const RATE_LIMITED_RESENDS = 3;

/**
 * A fetch that waits at its gate first; a file upload counts against both limits, as Stripe counts it. A 429
 * (requests arriving bunched although they were granted apart, e.g. on a loaded machine) is sent again after the
 * next slot rather than failing the whole message's work.
 */
export function pacedFetch(gate: Gate | Paces, inner: Fetch): Fetch {
	const g = "wait" in gate ? gate : isolateGate(gate);
	return async (input, init) => {
		const isUpload = isFileUpload(input, init);
		for (let resend = 0; ; resend++) {
			await g.wait(isUpload);
			const response = await inner(input, init);
			if (response.status !== 429 || resend >= RATE_LIMITED_RESENDS || !resendable(input, init)) return response;
			await response.body?.cancel();
		}
	};
}
