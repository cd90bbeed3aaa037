import Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";
import { caseReason } from "../evidence/dispute-reasons";
import { FIELD_LIMIT } from "../evidence/text";
import type { EvidenceCase, EvidenceTextField, Narrative, NarrativeParagraph } from "../evidence/types";
import type { TimeBudget } from "./budget";
import type { CallTokens } from "./pricing";
import {
	argumentField,
	caseMessage,
	repairMessage,
	SUBMIT_TOOL_DESCRIPTION,
	SUBMIT_TOOL_NAME,
	SUBMIT_TOOL_SCHEMA,
	SYSTEM_PROMPT,
} from "./prompt";

/**
 * The Claude writer: one Messages API call that must answer with the `submit_case` tool, and on request one repair
 * call that shows the model the verifier's findings. It never decides whether its answer is good enough (the
 * verifier does) and never falls back (the chooser in writer.ts does); it reports what came back, what it cost, and
 * throws {@link ClaudeWriterError} for anything that is not an answer.
 *
 * The request: static instructions as a system block marked `cache_control: ephemeral` (tools and system are the
 * cached prefix, identical for every dispute), then one user turn with the case as a data block. `tool_choice` is
 * `auto`, not forced: current models (Claude Sonnet 5.5, Opus 5.5) reject a forced tool choice, and the
 * instructions ask for exactly one call; an answer without it is a finding like any other.
 */

/** A current, non-deprecated model: the best balance of speed, quality and price for a few-minute read. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

/** Models that take `output_config.effort`; the writer asks for `medium` to keep latency and thinking cost down. */
const EFFORT_MODELS = new Set([
	"claude-opus-5-5",
	"claude-sonnet-5-5",
	"claude-haiku-5-5",
	"claude-opus-5",
	"claude-sonnet-5",
]);

/** Output room for thinking plus the case; below the SDK's non-streaming ceiling. */
export const MAX_TOKENS = 16_000;

export interface ClaudeWriterOptions {
	apiKey: string;
	baseURL?: string | undefined;
	model?: string | undefined;
	fetch?: typeof fetch | undefined;
	/** `output_config.effort` for models that take it; null sends none. Default `medium`. */
	effort?: "low" | "medium" | "high" | null;
}

/** What the model submitted, before verification, plus what the call cost. */
export interface ClaudeDraft {
	narrative: Narrative;
	tokens: CallTokens;
	/** The assistant turn as returned, for a repair. */
	turn: Anthropic.ContentBlock[];
	toolUseId: string | null;
	/** Problems in the shape of the answer (no tool call, malformed input, truncated): findings for a repair. */
	problems: string[];
}

export type ClaudeFailure =
	| "budget"
	| "timeout"
	| "rate_limited"
	| "overloaded"
	| "api_error"
	| "auth"
	| "bad_request"
	| "connection"
	| "refusal";

export class ClaudeWriterError extends Error {
	constructor(
		readonly code: ClaudeFailure,
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
		this.name = "ClaudeWriterError";
	}
}

const submissionSchema = z.object({
	summary: z.string().min(1).max(4_000),
	paragraphs: z
		.array(z.object({ text: z.string().min(1).max(5_000), factIds: z.array(z.string().max(200)).max(60) }))
		.min(1)
		.max(20),
	fields: z.record(z.string(), z.string().max(FIELD_LIMIT)).default({}),
});

export class ClaudeWriter {
	readonly model: string;
	private readonly options: ClaudeWriterOptions;

	constructor(options: ClaudeWriterOptions) {
		this.options = options;
		this.model = options.model?.trim() || DEFAULT_MODEL;
	}

	/** The request body of the first call (exposed for tests and for inspection). */
	request(evidenceCase: EvidenceCase): Anthropic.MessageCreateParamsNonStreaming {
		return this.body([{ role: "user", content: [{ type: "text", text: caseMessage(evidenceCase) }] }]);
	}

	/** First attempt. */
	async write(evidenceCase: EvidenceCase, budget: TimeBudget): Promise<ClaudeDraft> {
		return this.call(evidenceCase, this.request(evidenceCase), budget);
	}

	/** The repair: the first exchange, then the findings as the tool's error result, then the model's second try. */
	async repair(
		evidenceCase: EvidenceCase,
		previous: ClaudeDraft,
		findings: readonly string[],
		budget: TimeBudget,
	): Promise<ClaudeDraft> {
		const first = this.request(evidenceCase);
		const feedback: Anthropic.ContentBlockParam[] = previous.toolUseId
			? [{ type: "tool_result", tool_use_id: previous.toolUseId, is_error: true, content: repairMessage(findings) }]
			: [{ type: "text", text: repairMessage(findings) }];
		const messages: Anthropic.MessageParam[] = [
			...first.messages,
			{ role: "assistant", content: previous.turn as unknown as Anthropic.ContentBlockParam[] },
			{ role: "user", content: feedback },
		];
		return this.call(evidenceCase, this.body(messages), budget);
	}

	private body(messages: Anthropic.MessageParam[]): Anthropic.MessageCreateParamsNonStreaming {
		const effort = this.options.effort === undefined ? "medium" : this.options.effort;
		return {
			model: this.model,
			max_tokens: MAX_TOKENS,
			system: [{ type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }],
			tools: [
				{
					name: SUBMIT_TOOL_NAME,
					description: SUBMIT_TOOL_DESCRIPTION,
					input_schema: SUBMIT_TOOL_SCHEMA,
				},
			],
			tool_choice: { type: "auto" },
			messages,
			...(effort && EFFORT_MODELS.has(this.model) ? { output_config: { effort } } : {}),
		};
	}

	private client(budget: TimeBudget): Anthropic {
		// Called as a plain function: workerd rejects a fetch invoked with another object as `this`.
		const base = this.options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
		return new Anthropic({
			apiKey: this.options.apiKey,
			...(this.options.baseURL ? { baseURL: this.options.baseURL } : {}),
			fetch: budgetAwareFetch(base, budget),
			// Settings per call below; the client's own defaults (10 minutes, 2 retries) never apply.
			maxRetries: 0,
		});
	}

	private async call(
		evidenceCase: EvidenceCase,
		body: Anthropic.MessageCreateParamsNonStreaming,
		budget: TimeBudget,
	): Promise<ClaudeDraft> {
		if (budget.exhausted) throw budgetError(budget);
		const { timeout, maxRetries } = budget.requestSettings();
		let message: Anthropic.Message;
		try {
			message = await this.client(budget).messages.create(body, { timeout, maxRetries, signal: budget.signal });
		} catch (error) {
			throw classify(error, budget);
		}
		return readDraft(message, evidenceCase);
	}
}

/** Reads the tool call out of a response; a response without a usable one yields problems, not an exception. */
export function readDraft(message: Anthropic.Message, evidenceCase: EvidenceCase): ClaudeDraft {
	const tokens: CallTokens = {
		inputTokens: message.usage?.input_tokens ?? 0,
		outputTokens: message.usage?.output_tokens ?? 0,
		cacheReadTokens: message.usage?.cache_read_input_tokens ?? 0,
		cacheWriteTokens: message.usage?.cache_creation_input_tokens ?? 0,
	};
	const empty: Narrative = { writer: "claude", summary: "", paragraphs: [], fields: {} };
	const draft = (narrative: Narrative, toolUseId: string | null, problems: string[]): ClaudeDraft => ({
		narrative,
		tokens,
		turn: message.content,
		toolUseId,
		problems,
	});
	if (message.stop_reason === "refusal") {
		throw new ClaudeWriterError("refusal", "the model declined to write the case");
	}
	const calls = message.content.filter(
		(b): b is Anthropic.ToolUseBlock => b.type === "tool_use" && b.name === SUBMIT_TOOL_NAME,
	);
	const call = calls.at(-1);
	if (!call) {
		return draft(empty, null, [
			`the answer did not call ${SUBMIT_TOOL_NAME} (stop reason: ${message.stop_reason ?? "none"})`,
		]);
	}
	if (message.stop_reason === "max_tokens") {
		return draft(empty, call.id, ["the answer was cut off at the output limit: write a shorter case"]);
	}
	const parsed = submissionSchema.safeParse(call.input);
	if (!parsed.success) {
		const problems = parsed.error.issues
			.slice(0, 10)
			.map((i) => `the ${SUBMIT_TOOL_NAME} input is malformed at "${i.path.join(".") || "(root)"}": ${i.message}`);
		return draft(empty, call.id, problems);
	}
	return draft(toNarrative(parsed.data, evidenceCase), call.id, []);
}

/** The fields the model may write: the product description and the reason's argument; the rest is deterministic. */
export function claudeFields(reason: string): EvidenceTextField[] {
	return ["product_description", argumentField(reason)];
}

function toNarrative(input: z.infer<typeof submissionSchema>, evidenceCase: EvidenceCase): Narrative {
	const paragraphs: NarrativeParagraph[] = input.paragraphs.map((p) => ({
		text: p.text.trim(),
		factIds: [...new Set(p.factIds.map((id) => id.trim()))],
	}));
	const fields: Narrative["fields"] = {};
	for (const name of claudeFields(caseReason(evidenceCase.dispute))) {
		const text = input.fields[name]?.trim();
		if (text) fields[name] = text;
	}
	return { writer: "claude", summary: input.summary.trim(), paragraphs, fields };
}

/**
 * The SDK honours any `retry-after`, however long. A wait that cannot end before the budget does is pointless: the
 * response is passed on marked `x-should-retry: false`, so the SDK gives up at once and the template answers now
 * rather than when the budget runs out.
 */
function budgetAwareFetch(base: typeof fetch, budget: TimeBudget): typeof fetch {
	return async (input, init) => {
		const response = await base(input, init);
		if (response.ok || !isRetryableStatus(response.status)) return response;
		const waitMs = retryAfterMs(response.headers);
		if (waitMs === null || waitMs < budget.remainingMs()) return response;
		const headers = new Headers(response.headers);
		headers.set("x-should-retry", "false");
		headers.set("x-rebuttal-retry-after-exceeds-budget", String(Math.ceil(waitMs / 1000)));
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	};
}

function isRetryableStatus(status: number): boolean {
	return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function retryAfterMs(headers: Headers): number | null {
	const ms = headers.get("retry-after-ms");
	if (ms && Number.isFinite(Number(ms))) return Number(ms);
	const value = headers.get("retry-after");
	if (!value) return null;
	if (Number.isFinite(Number(value))) return Number(value) * 1000;
	const at = Date.parse(value);
	return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function budgetError(budget: TimeBudget): ClaudeWriterError {
	return new ClaudeWriterError("budget", `no answer within the time budget of ${(budget.totalMs / 1000).toFixed(1)} s`);
}

/** Every way a call can fail, as a {@link ClaudeWriterError} whose message is safe to show to operators. */
function classify(error: unknown, budget: TimeBudget): ClaudeWriterError {
	if (error instanceof ClaudeWriterError) return error;
	if (error instanceof Anthropic.APIUserAbortError || budget.signal.aborted) return budgetError(budget);
	if (error instanceof Anthropic.APIConnectionTimeoutError) {
		return new ClaudeWriterError("timeout", "the request to the model timed out", { cause: error });
	}
	if (error instanceof Anthropic.APIError && typeof error.status === "number") {
		const status = error.status;
		const headers = error.headers instanceof Headers ? error.headers : null;
		const exceeded = headers?.get("x-rebuttal-retry-after-exceeds-budget");
		const type = apiErrorType(error);
		const detail = `HTTP ${status}${type ? ` ${type}` : ""}`;
		if (status === 429) {
			return new ClaudeWriterError(
				"rate_limited",
				exceeded
					? `${detail}: retry-after ${exceeded} s does not fit in the remaining time budget`
					: `${detail} after retries`,
				{ cause: error },
			);
		}
		if (status === 529) {
			return new ClaudeWriterError(
				"overloaded",
				exceeded
					? `${detail}: retry-after ${exceeded} s does not fit in the remaining time budget`
					: `${detail} after retries`,
				{ cause: error },
			);
		}
		if (status === 401 || status === 403)
			return new ClaudeWriterError("auth", `${detail}: check ANTHROPIC_API_KEY`, { cause: error });
		if (status >= 500 || status === 408 || status === 409) {
			return new ClaudeWriterError(
				"api_error",
				exceeded
					? `${detail}: retry-after ${exceeded} s does not fit in the remaining time budget`
					: `${detail} after retries`,
				{ cause: error },
			);
		}
		return new ClaudeWriterError("bad_request", `${detail}: ${apiErrorMessage(error)}`, { cause: error });
	}
	if (error instanceof Anthropic.APIConnectionError) {
		return new ClaudeWriterError("connection", "could not reach the Anthropic API", { cause: error });
	}
	throw error;
}

function apiErrorType(error: InstanceType<typeof Anthropic.APIError>): string | null {
	const body = error.error as { error?: { type?: unknown } } | undefined;
	const type = body?.error?.type;
	return typeof type === "string" ? type.slice(0, 60) : null;
}

function apiErrorMessage(error: InstanceType<typeof Anthropic.APIError>): string {
	const body = error.error as { error?: { message?: unknown } } | undefined;
	const message = body?.error?.message;
	return typeof message === "string" ? message.slice(0, 200) : "request rejected";
}
