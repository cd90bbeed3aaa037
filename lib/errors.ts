/**
 * Errors inside lib/ say whether trying again can help. Queue consumers retry the first kind with backoff and
 * record-and-ack the second; the HTTP edge maps both to a status without leaking internals.
 */
export abstract class RebuttalError extends Error {
	abstract readonly retryable: boolean;
	/** A stable machine-readable code, safe to show to operators. */
	readonly code: string;
	/** HTTP status when this error reaches the edge. */
	readonly status: number;

	constructor(code: string, message: string, options?: { cause?: unknown; status?: number }) {
		super(message, { cause: options?.cause });
		this.name = new.target.name;
		this.code = code;
		this.status = options?.status ?? 500;
	}
}

/** Transient: a timeout, a 429, a 5xx, a lost connection, a lock held by another delivery. */
export class RetryableError extends RebuttalError {
	readonly retryable = true;
	/** Seconds the caller asked us to wait, when known (Retry-After). */
	readonly retryAfterSeconds: number | undefined;
	/**
	 * A rate limit: the work itself is fine and only has to wait its turn, so waiting must not use up the
	 * delivery budget that protects against work that keeps failing.
	 */
	readonly throttled: boolean;

	constructor(
		code: string,
		message: string,
		options?: { cause?: unknown; status?: number; retryAfterSeconds?: number; throttled?: boolean },
	) {
		super(code, message, { status: 503, ...options });
		this.retryAfterSeconds = options?.retryAfterSeconds;
		this.throttled = options?.throttled ?? false;
	}
}

/** Permanent: retrying the same input gives the same answer (a 400 from Stripe, a limit, bad input). */
export class PermanentError extends RebuttalError {
	readonly retryable = false;
}

/** Configuration is missing or malformed. The message names variables, never their values. */
export class ConfigError extends PermanentError {
	constructor(message: string) {
		super("config_invalid", message, { status: 500 });
	}
}

export class NotFoundError extends PermanentError {
	constructor(message: string) {
		super("not_found", message, { status: 404 });
	}
}

/** The request is understood but not allowed in the resource's current state. */
export class ConflictError extends PermanentError {
	constructor(message: string) {
		super("conflict", message, { status: 409 });
	}
}

export function isRetryable(error: unknown): boolean {
	return error instanceof RebuttalError ? error.retryable : true;
}

/** One line for logs and the attempts log: the error, and what caused it (a driver's error under a query's). */
export function describeError(error: unknown): string {
	const head =
		error instanceof RebuttalError
			? `${error.code}: ${error.message}`
			: error instanceof Error
				? `${error.name}: ${error.message}`
				: String(error);
	const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
	return cause && !head.includes(cause) ? `${head} (caused by: ${cause})` : head;
}
