/**
 * The wall-clock budget of one narrative: how long the Claude writer may take, retries and the repair attempt
 * included, before the template writer answers instead. A slow, rate-limited or absent model must never cost a
 * dispute its deadline, so the budget shrinks as the deadline nears and is zero when there is no time to spare.
 *
 * Derivation (all in milliseconds, `slack = dueBy − now − reserveMs`):
 * - no deadline (`due_by` null): `maxMs`;
 * - otherwise `min(maxMs, slack / slackDivisor)`, and 0 when that is below `minUsefulMs`.
 *
 * With the defaults (60 s cap, 30 min reserve, divisor 60, 5 s floor): a dispute due in days gets 60 s, one due in
 * 45 minutes gets 15 s, one due in 35 minutes gets 5 s, and one due in under 35 minutes gets none. The reserve leaves
 * time for the rest of the pass (PDF, upload, staging), for the submit step and for queue redeliveries; the 60 s cap
 * keeps one assemble attempt well inside a queue consumer's wall-clock limit while nine other messages of its batch
 * run beside it.
 */

export interface BudgetOptions {
	/** The most one narrative may take, whatever the deadline. */
	maxMs: number;
	/** Time kept free before the deadline for the rest of the pipeline. */
	reserveMs: number;
	/** The budget is at most this fraction (1/divisor) of the time left after the reserve. */
	slackDivisor: number;
	/** Below this, calling the model is pointless: the template answers at once. */
	minUsefulMs: number;
	/** Cap of a single HTTP request to the model (the SDK's `timeout`), within the budget. */
	maxRequestMs: number;
}

export const DEFAULT_BUDGET: BudgetOptions = {
	maxMs: 60_000,
	reserveMs: 30 * 60_000,
	slackDivisor: 60,
	minUsefulMs: 5_000,
	maxRequestMs: 45_000,
};

/** The budget in milliseconds for a narrative started at `now` for a dispute due at `dueBy` (null: no deadline). */
export function budgetMs(now: Date, dueBy: Date | null, options: Partial<BudgetOptions> = {}): number {
	const o = { ...DEFAULT_BUDGET, ...options };
	let ms = o.maxMs;
	if (dueBy) {
		const slack = dueBy.getTime() - now.getTime() - o.reserveMs;
		ms = Math.min(o.maxMs, Math.floor(slack / o.slackDivisor));
	}
	return ms >= o.minUsefulMs ? ms : 0;
}

/**
 * A running budget: a real timer (the pipeline's `now()` only sets the size; the SDK's sleeps and sockets run on
 * real time), an AbortSignal that fires when it runs out, and what each request may still take.
 */
export class TimeBudget {
	readonly totalMs: number;
	readonly options: BudgetOptions;
	private readonly startedAt: number;
	private readonly controller = new AbortController();
	private readonly timer: ReturnType<typeof setTimeout> | undefined;
	private readonly clock: () => number;

	constructor(totalMs: number, options: Partial<BudgetOptions> = {}, clock: () => number = Date.now) {
		this.totalMs = Math.max(0, totalMs);
		this.options = { ...DEFAULT_BUDGET, ...options };
		this.clock = clock;
		this.startedAt = clock();
		if (this.totalMs > 0) {
			this.timer = setTimeout(() => this.controller.abort(new BudgetExhaustedError(this.totalMs)), this.totalMs);
		} else {
			this.controller.abort(new BudgetExhaustedError(0));
		}
	}

	/** Aborts in-flight requests and retry sleeps when the budget runs out. */
	get signal(): AbortSignal {
		return this.controller.signal;
	}

	elapsedMs(): number {
		return this.clock() - this.startedAt;
	}

	remainingMs(): number {
		return Math.max(0, this.totalMs - this.elapsedMs());
	}

	get exhausted(): boolean {
		return this.controller.signal.aborted || this.remainingMs() <= 0;
	}

	/**
	 * SDK settings for the next request: `timeout` (per HTTP attempt) and `maxRetries`, sized so that retries have a
	 * chance to fit in what remains. The signal still cuts everything off at the end of the budget.
	 */
	requestSettings(): { timeout: number; maxRetries: number } {
		const remaining = this.remainingMs();
		const timeout = Math.max(1, Math.min(this.options.maxRequestMs, remaining));
		// A retry is worth it only when at least a few seconds would be left for it.
		const maxRetries = remaining >= 20_000 ? 3 : remaining >= 8_000 ? 2 : remaining >= 3_000 ? 1 : 0;
		return { timeout, maxRetries };
	}

	/** Stops the timer; call when the writer is done. */
	dispose(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
	}
}

export class BudgetExhaustedError extends Error {
	constructor(readonly budgetMs: number) {
		super(`the narrative's time budget of ${budgetMs} ms ran out`);
		this.name = "BudgetExhaustedError";
	}
}
