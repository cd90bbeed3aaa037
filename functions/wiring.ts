import regular from "dejavu-fonts-ttf/ttf/DejaVuSans.ttf";
import bold from "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf";
import { type PipelineConfig, parseConfig, pipelineConfigSchema } from "../lib/config";
import { openDb } from "../lib/db/client";
import type { NotifyMessage } from "../lib/lifecycle/messages";
import type { AssembleMessage, SubmitMessage } from "../lib/messages";
import type { PipelineDeps } from "../lib/pipeline/deps";
import { createStripe } from "../lib/stripe/client";

/** The Unicode fonts the evidence PDF embeds (subsetted), bundled as Data modules. */
export const pdfFonts = { regular, bold };

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
	const deps: PipelineDeps = {
		db,
		stripe: createStripe(config),
		config,
		evidenceBucket: env.EVIDENCE,
		assembleQueue: env.ASSEMBLE_QUEUE as Queue<AssembleMessage>,
		submitQueue: env.SUBMIT_QUEUE as Queue<SubmitMessage>,
		notifyQueue: env.NOTIFY_QUEUE as Queue<NotifyMessage>,
		fonts: pdfFonts,
		artifactsBucket: env.ARTIFACTS,
		// Timeout and size cap are applied by the loader; a plain function, as workerd rejects a foreign `this`.
		fetchArtifact: (url, init) => fetch(url, init),
		now: () => new Date(),
	};
	try {
		return await work(deps, config);
	} finally {
		ctx.waitUntil(close().catch(() => {}));
	}
}
