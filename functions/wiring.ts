import regular from "dejavu-fonts-ttf/ttf/DejaVuSans.ttf";
import bold from "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf";
import type { z } from "zod";
import { type PipelineConfig, parseConfig, pipelineConfigSchema } from "../lib/config";
import { openDb } from "../lib/db/client";
import { recordAttempt } from "../lib/dispute/store";
import { describeError } from "../lib/errors";
import { queuedNotices } from "../lib/lifecycle/notify";
import type { AssembleMessage, QueueSender, SubmitMessage } from "../lib/messages";
import type { FontSource } from "../lib/pdf/fonts/registry";
import { bucketFontSource } from "../lib/pdf/fonts/sources";
import type { PipelineDeps } from "../lib/pipeline/deps";
import { disputeIdOf, type FailedStage, recordDeadLetter, recordPermanentFailure } from "../lib/pipeline/failures";
import { consumeDeadLetters, consumeEach } from "../lib/queue";
import { AccountCache } from "../lib/stripe/accounts";
import { createStripe } from "../lib/stripe/client";
import { keyMode } from "../lib/stripe/pacing";
import { bucketName, sharedLimiter } from "../lib/stripe/shared-pacing";

/** The Unicode fonts the evidence PDF embeds (subsetted), bundled as Data modules. */
export const pdfFonts = { regular, bold };

/** The Noto range files live in the FONTS bucket (too large to bundle); one cached source per bucket. */
const fontSources = new WeakMap<R2Bucket, FontSource>();
export function fontSourceOf(bucket: R2Bucket): FontSource {
	let source = fontSources.get(bucket);
	if (!source) {
		source = bucketFontSource(bucket);
		fontSources.set(bucket, source);
	}
	return source;
}

/** The Stripe accounts this isolate has read, for every batch it runs (one read per account and expiry). */
const accounts = new AccountCache();

/**
 * Builds the pipeline's clients once for a batch (or request), runs `work`, and closes the database pool after
 * the invocation. Configuration is validated first: a bad value fails the whole batch, which the queue retries.
 */
export async function withPipeline<T>(
	env: Env,
	ctx: ExecutionContext,
	work: (deps: PipelineDeps, config: PipelineConfig) => Promise<T>,
): Promise<T> {
	const config = parseConfig(pipelineConfigSchema, env);
	const { db, close } = openDb(config.DATABASE_URL, config.DATABASE_WS_PROXY);
	const now = () => new Date();
	const stripe = createStripe(config, sharedLimiter(env.STRIPE_RATE_LIMITER));
	// The key's fingerprint and the API base it talks to: accounts read with one key never answer for another.
	const accountScope = bucketName(config.STRIPE_SECRET_KEY, keyMode(config.STRIPE_SECRET_KEY)).then(
		(bucket) => `${config.STRIPE_API_BASE ?? ""}|${bucket}`,
	);
	const deps: PipelineDeps = {
		db,
		stripe,
		account: accounts.reader(stripe, accountScope),
		config,
		evidenceBucket: env.EVIDENCE,
		assembleQueue: env.ASSEMBLE_QUEUE,
		submitQueue: env.SUBMIT_QUEUE,
		// The notification port: notices go through the notify queue, so a step never waits on the endpoint.
		notices: queuedNotices({ db, notifyQueue: env.NOTIFY_QUEUE, now }, config.NOTIFY_WEBHOOK_URL),
		fonts: pdfFonts,
		fontSource: fontSourceOf(env.FONTS),
		artifactsBucket: env.ARTIFACTS,
		// Timeout and size cap are applied by the loader; a plain function, as workerd rejects a foreign `this`.
		fetchArtifact: (url, init) => fetch(url, init),
		now,
	};
	try {
		return await work(deps, config);
	} finally {
		ctx.waitUntil(close().catch(() => {}));
	}
}

/**
 * The queue consumer of a pipeline stage (and of its dead-letter queue): dead letters are recorded as failures;
 * other messages are handled one by one by `handle`, a retry is logged as an attempt, a permanent failure is
 * recorded on the dispute, and a rate-limited message goes back on the stage's own queue (`queueOf`).
 */
export function stageConsumer<T extends AssembleMessage | SubmitMessage>(
	stage: FailedStage,
	schema: z.ZodType<T>,
	handle: (deps: PipelineDeps, body: T, deliveryAttempt: number) => Promise<void>,
	queueOf: (deps: PipelineDeps) => QueueSender<T>,
): (batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) => Promise<void> {
	return async (batch, env, ctx) => {
		await withPipeline(env, ctx, async (deps, config) => {
			if (batch.queue.endsWith("-dlq")) {
				await consumeDeadLetters(batch.messages, schema, (body, m) => recordDeadLetter(deps, stage, body, m.attempts));
				return;
			}
			await consumeEach(batch.messages, schema, (body, m) => handle(deps, body, m.attempts), {
				baseDelaySeconds: config.QUEUE_RETRY_BASE_SECONDS,
				requeue: (body, delaySeconds) => queueOf(deps).send(body, { delaySeconds }),
				onPermanentFailure: (error, body, m) =>
					recordPermanentFailure(deps, stage, error, body, m.attempts, batch.queue),
				onRetry: (error, body, m, delaySeconds) =>
					recordAttempt(deps.db, {
						disputeId: disputeIdOf(body),
						eventId: "kind" in body && body.kind === "event" ? body.eventId : null,
						stage,
						outcome: "retry",
						retryable: true,
						error: describeError(error).slice(0, 2000),
						detail: { delaySeconds },
						deliveryAttempt: m.attempts,
					}),
			});
		});
	};
}
