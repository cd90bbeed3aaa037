import type { z } from "zod";
import { describeError, isRetryable, RetryableError } from "./errors";

/** The part of a Cloudflare Queues message a consumer uses (structural, so lib/ stays runtime-agnostic). */
export interface ConsumedMessage {
	readonly id: string;
	readonly body: unknown;
	readonly attempts: number;
	ack(): void;
	retry(options?: { delaySeconds?: number }): void;
}

export interface ConsumeOptions<T> {
	/** Seconds of the first retry delay; it doubles with each delivery, capped at an hour. */
	baseDelaySeconds: number;
	/** Records a failure that retrying cannot fix. When it throws, the message is retried instead of lost. */
	onPermanentFailure(error: unknown, body: T | undefined, message: ConsumedMessage): Promise<void>;
	/** Best-effort record of a retry; its own failure never changes the outcome. */
	onRetry?(error: unknown, body: T, message: ConsumedMessage, delaySeconds: number): Promise<void>;
	/**
	 * Sends a fresh copy of a message whose work was rate-limited, after a delay. Without it, a rate limit is
	 * retried like any other transient error and counts against the queue's max_retries.
	 */
	requeue?(body: T, delaySeconds: number): Promise<unknown>;
}

const MAX_DELAY_SECONDS = 3600;
/**
 * Fresh copies one message may get for rate limits. Each waits up to an hour, so this spans days — far longer
 * than any burst — while still ending a loop that would otherwise never stop (then ordinary retries take over).
 */
export const MAX_THROTTLED_REQUEUES = 48;

/**
 * Delay before the n-th fresh copy of a rate-limited message: exponential with full jitter, so a burst of
 * messages that met the limit together spreads out instead of meeting it together again.
 */
export function throttleDelaySeconds(requeues: number, baseDelaySeconds: number, retryAfterSeconds?: number): number {
	const exponential = Math.max(1, baseDelaySeconds) * 2 ** Math.max(0, requeues - 1);
	const delay = Math.max(exponential * (1 + Math.random()), retryAfterSeconds ?? 0);
	return Math.min(Math.round(delay), MAX_DELAY_SECONDS);
}

export function backoffSeconds(attempts: number, baseDelaySeconds: number, retryAfterSeconds?: number): number {
	const exponential = baseDelaySeconds * 2 ** Math.max(0, attempts - 1);
	const jitter = exponential * 0.2 * Math.random();
	const delay = Math.max(exponential + jitter, retryAfterSeconds ?? 0);
	return Math.min(Math.round(delay), MAX_DELAY_SECONDS);
}

/**
 * Handles every message of a batch on its own: ack on success, retry with backoff when retrying can help,
 * record and ack when it cannot. A message is never acked on an error we cannot classify: that one is retried
 * and, after the queue's max_retries, lands in the dead-letter queue.
 */
export async function consumeEach<T>(
	messages: readonly ConsumedMessage[],
	schema: z.ZodType<T>,
	handle: (body: T, message: ConsumedMessage) => Promise<void>,
	options: ConsumeOptions<T>,
): Promise<void> {
	await Promise.all(messages.map((message) => consumeOne(message, schema, handle, options)));
}

async function consumeOne<T>(
	message: ConsumedMessage,
	schema: z.ZodType<T>,
	handle: (body: T, message: ConsumedMessage) => Promise<void>,
	options: ConsumeOptions<T>,
): Promise<void> {
	const parsed = schema.safeParse(message.body);
	if (!parsed.success) {
		// A malformed message will never parse: record it and drop it rather than poison the queue.
		await settlePermanent(new Error(`malformed message: ${parsed.error.message}`), undefined, message, options);
		return;
	}
	try {
		await handle(parsed.data, message);
		message.ack();
	} catch (error) {
		if (
			error instanceof RetryableError &&
			error.throttled &&
			(await requeueThrottled(error, parsed.data, message, options))
		)
			return;
		if (isRetryable(error)) {
			const retryAfter = error instanceof RetryableError ? error.retryAfterSeconds : undefined;
			const delaySeconds = backoffSeconds(message.attempts, options.baseDelaySeconds, retryAfter);
			await options.onRetry?.(error, parsed.data, message, delaySeconds).catch((recordError) => {
				console.warn("could not record retry", describeError(recordError));
			});
			message.retry({ delaySeconds });
			return;
		}
		await settlePermanent(error, parsed.data, message, options);
	}
}

/**
 * A rate-limited message goes back on the queue as a fresh copy (its delivery count starts again) and this
 * delivery is acked, so waiting for Stripe never exhausts max_retries and never dead-letters a dispute. False
 * when that is not possible (no requeue, too many copies already, or the send failed): retry as usual.
 */
async function requeueThrottled<T>(
	error: RetryableError,
	body: T,
	message: ConsumedMessage,
	options: ConsumeOptions<T>,
): Promise<boolean> {
	if (!options.requeue) return false;
	const requeues = ((body as { throttled?: number }).throttled ?? 0) + 1;
	if (requeues > MAX_THROTTLED_REQUEUES) return false;
	const delaySeconds = throttleDelaySeconds(requeues, options.baseDelaySeconds, error.retryAfterSeconds);
	try {
		await options.requeue({ ...body, throttled: requeues }, delaySeconds);
	} catch (sendError) {
		console.warn("could not requeue a rate-limited message; retrying it", describeError(sendError));
		return false;
	}
	await options.onRetry?.(error, body, message, delaySeconds).catch((recordError) => {
		console.warn("could not record retry", describeError(recordError));
	});
	message.ack();
	return true;
}

async function settlePermanent<T>(
	error: unknown,
	body: T | undefined,
	message: ConsumedMessage,
	options: ConsumeOptions<T>,
): Promise<void> {
	try {
		await options.onPermanentFailure(error, body, message);
	} catch (recordError) {
		console.error("could not record a permanent failure; retrying", describeError(recordError));
		message.retry({ delaySeconds: backoffSeconds(message.attempts, options.baseDelaySeconds) });
		return;
	}
	message.ack();
}

/**
 * Handles each message of a dead-letter queue on its own: `record` writes down what became of it (its body is
 * undefined when it does not parse). A message is acked only once that is written; when recording fails (the
 * database down too, say) it stays in the dead-letter queue for another delivery.
 */
export async function consumeDeadLetters<T>(
	messages: readonly ConsumedMessage[],
	schema: z.ZodType<T>,
	record: (body: T | undefined, message: ConsumedMessage) => Promise<void>,
): Promise<void> {
	for (const message of messages) {
		const parsed = schema.safeParse(message.body);
		try {
			await record(parsed.success ? parsed.data : undefined, message);
			message.ack();
		} catch (error) {
			console.error("dead letter not recorded; will retry", describeError(error));
			message.retry({ delaySeconds: 30 });
		}
	}
}
