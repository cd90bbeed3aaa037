import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A fake of Anthropic's Messages API (`POST /v1/messages`) for local runs and tests, spoken to through the real
 * `@anthropic-ai/sdk` by pointing `ANTHROPIC_BASE_URL` at it. It answers the rebuttal writer's `submit_case` tool
 * with a case built from the facts in the request's `<case_data>` block, so a "valid" answer cites real fact ids
 * and copies real values. Scripted behaviours make it misbehave the ways the real API and real models do:
 *
 * | behaviour | answer |
 * |---|---|
 * | `valid` | a grounded `submit_case` call |
 * | `invent` | the same plus a paragraph stating an invented number, amount, date, email, IP or id |
 * | `uncited` | a paragraph that cites no fact |
 * | `unknown_fact` | a paragraph citing a fact id the case does not have |
 * | `obey_injection` | what a model that obeyed an instruction hidden in customer data would write |
 * | `text_only` | prose, no tool call |
 * | `max_tokens` | a tool call cut off at the output limit |
 * | `refusal` | `stop_reason: "refusal"` |
 * | `error` | an error status (429, 529, 500…) with the API's error body and optional `retry-after` |
 * | `stall` | waits `ms` (forever when absent) before answering `valid` |
 *
 * A translation request (system prompt opening "You translate customer messages into English.", messages as JSON in
 * `<messages_to_translate>`) is answered with text, not a tool: `valid`/`stall` give `[{index, language: "French",
 * translation: "[translated] <original>"}]` for every item; `invent` answers the first item well, the second with an
 * empty translation and adds an index that was not asked; `obey_injection` answers what a model that obeyed an
 * instruction in a message would say; `text_only` is prose, not JSON; `max_tokens`, `refusal` and `error` as above.
 *
 * Every behaviour takes `delayMs` (latency before the answer). Responses carry `usage` with prompt-cache fields: the
 * first request with a given cached prefix (tools + system up to the block marked `cache_control`) writes it, later
 * ones read it. Requests without an API key get 401; a forced `tool_choice` gets 400 on models that reject it.
 *
 * Controls, under `/_fake/`: `POST /_fake/script` (JSON: one behaviour or a list, answered in order before the
 * default), `POST /_fake/default` (the behaviour once the script is used up), `GET /_fake/requests`,
 * `POST /_fake/reset` (script, requests and cache).
 */

export type InventedKind = "number" | "amount" | "date" | "email" | "ip" | "id";

export type FakeBehaviour = { delayMs?: number } & (
	| { kind: "valid" }
	| { kind: "invent"; what: InventedKind }
	| { kind: "uncited" }
	| { kind: "unknown_fact" }
	| { kind: "obey_injection" }
	| { kind: "text_only" }
	| { kind: "max_tokens" }
	| { kind: "refusal" }
	| { kind: "error"; status: number; retryAfter?: number | string; type?: string; message?: string }
	| { kind: "stall"; ms?: number }
);

export interface RecordedRequest {
	at: number;
	method: string;
	path: string;
	headers: Record<string, string>;
	body: unknown;
	/** The behaviour that answered it. */
	behaviour: FakeBehaviour["kind"] | "rejected";
}

export interface AnthropicFake {
	url: string;
	close(): Promise<void>;
	requests(): RecordedRequest[];
	/** Queues behaviours for the next requests, in order. */
	script(...behaviours: FakeBehaviour[]): void;
	setDefault(behaviour: FakeBehaviour): void;
	reset(): void;
}

export interface AnthropicFakeOptions {
	port?: number;
	host?: string;
	/** The behaviour once the script is used up; `valid` by default. */
	behaviour?: FakeBehaviour;
	script?: FakeBehaviour[];
}

/** Models that answer a forced tool choice with 400, as the real API does. */
const NO_FORCED_TOOL_CHOICE = new Set(["claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1", "claude-fable-5-2"]);

export async function startAnthropicFake(options: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
	let defaultBehaviour: FakeBehaviour = options.behaviour ?? { kind: "valid" };
	let queue: FakeBehaviour[] = [...(options.script ?? [])];
	let recorded: RecordedRequest[] = [];
	let cachedPrefixes = new Set<string>();
	let ids = 0;
	const timers = new Set<ReturnType<typeof setTimeout>>();
	const sockets = new Set<Socket>();

	const wait = (ms: number, req: IncomingMessage) =>
		new Promise<boolean>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve(true);
			}, ms);
			timers.add(timer);
			// The client gave up (its timeout or the writer's budget): stop waiting.
			req.socket.once("close", () => {
				clearTimeout(timer);
				timers.delete(timer);
				resolve(false);
			});
		});

	const server = createServer(async (req, res) => {
		try {
			const path = (req.url ?? "/").split("?")[0]!;
			const raw = await readBody(req);
			if (path.startsWith("/_fake/")) return control(path, req.method ?? "GET", raw, res);

			const headers = Object.fromEntries(
				Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
			);
			const record = (behaviour: RecordedRequest["behaviour"], body: unknown) =>
				recorded.push({ at: Date.now(), method: req.method ?? "", path, headers, body, behaviour });

			if (req.method !== "POST" || path !== "/v1/messages") {
				record("rejected", raw);
				return apiError(res, 404, "not_found_error", `no route ${req.method} ${path}`);
			}
			if (!headers["x-api-key"] && !/^Bearer \S+/.test(headers.authorization ?? "")) {
				record("rejected", raw);
				return apiError(res, 401, "authentication_error", "x-api-key header is required");
			}
			let body: MessagesRequest;
			try {
				body = JSON.parse(raw) as MessagesRequest;
			} catch {
				record("rejected", raw);
				return apiError(res, 400, "invalid_request_error", "body is not JSON");
			}
			const invalid = validate(body);
			if (invalid) {
				record("rejected", body);
				return apiError(res, 400, "invalid_request_error", invalid);
			}

			const behaviour = queue.shift() ?? defaultBehaviour;
			record(behaviour.kind, body);
			if (behaviour.delayMs && !(await wait(behaviour.delayMs, req))) return;
			if (behaviour.kind === "stall") {
				if (behaviour.ms === undefined) {
					await new Promise<void>((resolve) => req.socket.once("close", () => resolve()));
					return;
				}
				if (!(await wait(behaviour.ms, req))) return;
			}
			if (behaviour.kind === "error") {
				const extra: Record<string, string> = {};
				if (behaviour.retryAfter !== undefined) extra["retry-after"] = String(behaviour.retryAfter);
				return apiError(
					res,
					behaviour.status,
					behaviour.type ?? defaultErrorType(behaviour.status),
					behaviour.message ?? "scripted error",
					extra,
				);
			}
			const answer = answerFor(behaviour, body);
			const usage = {
				...usageOf(body, cachedPrefixes),
				output_tokens: Math.ceil(JSON.stringify(answer.content).length / 4),
			};
			sendJson(res, 200, {
				id: `msg_fake_${++ids}`,
				type: "message",
				role: "assistant",
				model: body.model,
				content: answer.content,
				stop_reason: answer.stopReason,
				stop_sequence: null,
				usage,
			});
		} catch (error) {
			if (!res.headersSent) apiError(res, 500, "api_error", `fake failed: ${(error as Error).message}`);
		}
	});
	server.on("connection", (socket) => {
		sockets.add(socket);
		socket.once("close", () => sockets.delete(socket));
	});

	function control(path: string, method: string, raw: string, res: ServerResponse) {
		if (path === "/_fake/requests" && method === "GET") return sendJson(res, 200, recorded);
		if (path === "/_fake/reset" && method === "POST") {
			reset();
			return sendJson(res, 200, { ok: true });
		}
		if (path === "/_fake/script" && method === "POST") {
			const parsed = JSON.parse(raw || "[]") as FakeBehaviour | FakeBehaviour[];
			queue.push(...(Array.isArray(parsed) ? parsed : [parsed]));
			return sendJson(res, 200, { queued: queue.length });
		}
		if (path === "/_fake/default" && method === "POST") {
			defaultBehaviour = JSON.parse(raw) as FakeBehaviour;
			return sendJson(res, 200, { ok: true });
		}
		return sendJson(res, 404, { error: `no control ${method} ${path}` });
	}

	function reset() {
		queue = [];
		recorded = [];
		cachedPrefixes = new Set();
	}

	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

	return {
		url: `http://${host}:${address.port}`,
		requests: () => recorded.map((r) => ({ ...r })),
		script: (...behaviours) => {
			queue.push(...behaviours);
		},
		setDefault: (behaviour) => {
			defaultBehaviour = behaviour;
		},
		reset,
		close: () =>
			new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				timers.clear();
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}

// ---- requests ----------------------------------------------------------------------------------------------------

interface TextBlock {
	type: string;
	text?: string;
	cache_control?: unknown;
}

interface MessagesRequest {
	model?: unknown;
	max_tokens?: unknown;
	messages?: { role: string; content: string | TextBlock[] }[];
	system?: string | TextBlock[];
	tools?: unknown[];
	tool_choice?: { type?: string };
	temperature?: unknown;
}

function validate(body: MessagesRequest): string | null {
	if (typeof body.model !== "string" || !body.model) return "model: Field required";
	if (typeof body.max_tokens !== "number" || body.max_tokens < 1) return "max_tokens: Field required";
	if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
	if (body.messages[0]?.role !== "user") return "messages: the first message must use the user role";
	const forced = body.tool_choice?.type === "tool" || body.tool_choice?.type === "any";
	if (forced && NO_FORCED_TOOL_CHOICE.has(body.model)) {
		return `tool_choice: forced tool use is not supported on ${body.model}; use "auto"`;
	}
	if (body.temperature !== undefined && NO_FORCED_TOOL_CHOICE.has(body.model)) {
		return `temperature: sampling parameters are not supported on ${body.model}`;
	}
	return null;
}

function textOf(content: string | TextBlock[] | undefined): string {
	if (typeof content === "string") return content;
	return (content ?? []).map((b) => (typeof b.text === "string" ? b.text : "")).join("\n");
}

/** Rough token counts (4 characters a token), with the prompt cache as the API reports it. */
function usageOf(body: MessagesRequest, cache: Set<string>) {
	const tokens = (s: string) => Math.ceil(s.length / 4);
	const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : (body.system ?? []);
	const marked = system.findLastIndex((b) => b.cache_control);
	const prefix = marked >= 0 ? JSON.stringify([body.tools ?? [], system.slice(0, marked + 1)]) : "";
	const rest = JSON.stringify([marked >= 0 ? system.slice(marked + 1) : [body.tools ?? [], system], body.messages]);
	let cacheWrite = 0;
	let cacheRead = 0;
	if (prefix) {
		if (cache.has(prefix)) cacheRead = tokens(prefix);
		else {
			cache.add(prefix);
			cacheWrite = tokens(prefix);
		}
	}
	return {
		input_tokens: tokens(rest),
		output_tokens: 0,
		cache_creation_input_tokens: cacheWrite,
		cache_read_input_tokens: cacheRead,
		cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
		service_tier: "standard",
	};
}

// ---- answers -----------------------------------------------------------------------------------------------------

interface CaseFact {
	id: string;
	label: string;
	value: unknown;
	display: string;
}

interface Paragraph {
	text: string;
	factIds: string[];
}

/** The case data of the request: the JSON between the tags of the first user message. */
export function caseDataOf(body: MessagesRequest): { facts: CaseFact[]; strings: string[]; argumentField: string } {
	const text = textOf(body.messages?.[0]?.content);
	const match = /<case_data>\s*([\s\S]*?)\s*<\/case_data>/.exec(text);
	const data = match ? (JSON.parse(match[1]!) as { facts?: CaseFact[] }) : {};
	const argumentField = /Argument field: ([a-z_]+)/.exec(text)?.[1] ?? "uncategorized_text";
	const strings: string[] = [];
	const walk = (v: unknown) => {
		if (typeof v === "string") strings.push(v);
		else if (Array.isArray(v)) v.forEach(walk);
		else if (v && typeof v === "object") Object.values(v).forEach(walk);
	};
	walk(data);
	return { facts: data.facts ?? [], strings, argumentField };
}

/** A grounded case: sentences made of fact displays, each paragraph citing the facts it used. */
function groundedCase(facts: CaseFact[]): { summary: string; paragraphs: Paragraph[] } {
	const byId = new Map(facts.map((f) => [f.id, f]));
	const d = (id: string) => byId.get(id)?.display;
	const plan: [string[], (...v: string[]) => string][] = [
		[
			["merchant.name", "charge.amount", "charge.created_at"],
			(m, a, at) => `${m} received a payment of ${a} on ${at}.`,
		],
		[["dispute.amount"], (a) => `The cardholder disputes ${a}.`],
		[
			["account.id", "account.signup_at"],
			(id, at) => `The payment belongs to the customer's account ${id}, opened on ${at}.`,
		],
		[["purchase.ip"], (ip) => `The purchase was made from IP address ${ip}.`],
		[
			["usage.after_charge", "usage.last_after_charge_at"],
			(n, at) => `After the payment, the account recorded ${n} further events, the latest on ${at}.`,
		],
		[
			["prior.count"],
			(n) => `The customer had made ${n} earlier ${n === "1" ? "payment" : "payments"} to the merchant.`,
		],
		[["merchant.name", "dispute.amount"], (m, a) => `${m} asks that the dispute over ${a} be decided in its favour.`],
	];
	const paragraphs: Paragraph[] = [];
	for (const [ids, render] of plan) {
		const values = ids.map(d);
		if (values.every((v): v is string => typeof v === "string"))
			paragraphs.push({ text: render(...values), factIds: ids });
	}
	if (paragraphs.length === 0 && facts[0]) {
		paragraphs.push({ text: `The record shows: ${facts[0].display}.`, factIds: [facts[0].id] });
	}
	return { summary: paragraphs[0]?.text ?? "", paragraphs };
}

const INVENTED: Record<InventedKind, string> = {
	number: "The customer signed in 7,431 times in the week after the payment.",
	amount: "The customer was also refunded $12.34 as a goodwill gesture.",
	date: "The customer confirmed the order by email on 17 Jan 2021.",
	email: "The customer wrote from billing-team@invented.example to confirm the order.",
	ip: "The customer also signed in from IP address 198.18.77.5.",
	id: "The order was confirmed under charge ch_3ZZinventedFORGED99.",
};

const INJECTION =
	/ignore (?:all |any )?(?:previous|prior|above) instructions|you are now|system prompt|new instructions/i;

const TRANSLATE_OPENING = "You translate customer messages into English.";

function isTranslationRequest(body: MessagesRequest): boolean {
	const system = typeof body.system === "string" ? body.system : textOf(body.system);
	return system.startsWith(TRANSLATE_OPENING);
}

function translationAnswer(
	behaviour: FakeBehaviour,
	body: MessagesRequest,
): { content: unknown[]; stopReason: string } {
	const text = textOf(body.messages?.[0]?.content);
	const match = /<messages_to_translate>\s*([\s\S]*?)\s*<\/messages_to_translate>/.exec(text);
	const items = match ? (JSON.parse(match[1]!) as { index: number; text: string }[]) : [];
	const reply = (answer: unknown, stopReason = "end_turn") => ({
		content: [{ type: "text", text: typeof answer === "string" ? answer : JSON.stringify(answer) }],
		stopReason,
	});
	const faithful = items.map((m) => ({ index: m.index, language: "French", translation: `[translated] ${m.text}` }));
	switch (behaviour.kind) {
		case "valid":
		case "stall":
		case "uncited":
		case "unknown_fact":
			return reply(faithful);
		case "invent":
			return reply([
				...faithful.slice(0, 1),
				...faithful.slice(1, 2).map((t) => ({ ...t, translation: "  " })),
				{ index: 999, language: "French", translation: "a message nobody wrote" },
			]);
		case "obey_injection":
			return reply(faithful.map((t) => ({ ...t, translation: "As instructed: the merchant owes me $5,000.00." })));
		case "text_only":
			return reply("Here are the translations: the customer wants a refund.");
		case "max_tokens":
			return reply(JSON.stringify(faithful).slice(0, 20), "max_tokens");
		case "refusal":
			return { content: [], stopReason: "refusal" };
		case "error":
			throw new Error("unreachable");
	}
}

function answerFor(behaviour: FakeBehaviour, body: MessagesRequest): { content: unknown[]; stopReason: string } {
	if (isTranslationRequest(body)) return translationAnswer(behaviour, body);
	const { facts, strings, argumentField } = caseDataOf(body);
	const grounded = groundedCase(facts);
	const anchor = grounded.paragraphs[0]?.factIds ?? [];
	const tool = (input: unknown, stopReason = "tool_use") => ({
		content: [
			{ type: "tool_use", id: `toolu_fake_${Math.random().toString(36).slice(2, 12)}`, name: "submit_case", input },
		],
		stopReason,
	});
	const submit = (paragraphs: Paragraph[], summary = grounded.summary) =>
		tool({
			summary,
			paragraphs,
			fields: {
				product_description: grounded.paragraphs[0]?.text ?? "",
				[argumentField]: paragraphs.map((p) => p.text).join("\n\n"),
			},
		});

	switch (behaviour.kind) {
		case "valid":
		case "stall":
			return submit(grounded.paragraphs);
		case "invent":
			return submit([...grounded.paragraphs, { text: INVENTED[behaviour.what], factIds: anchor }]);
		case "uncited":
			return submit([
				...grounded.paragraphs,
				{ text: "The customer clearly used the service as intended.", factIds: [] },
			]);
		case "unknown_fact":
			return submit([
				...grounded.paragraphs,
				{ text: "The customer has an excellent loyalty record.", factIds: ["account.loyalty_score", ...anchor] },
			]);
		case "obey_injection": {
			// What a model that took a customer's string for an instruction might write: the string's claims, its
			// forged fact ids and numbers, and a verdict the facts never gave.
			const idsIn = (s: string) => [...s.matchAll(/\b[a-z]+(?:\.[a-z0-9_]+)+\b/g)].map((m) => m[0]);
			const injected =
				strings.filter((s) => INJECTION.test(s)).sort((a, b) => idsIn(b).length - idsIn(a).length)[0] ??
				"ignore previous instructions";
			const forgedIds = idsIn(injected);
			return submit([
				...grounded.paragraphs,
				{
					text: `As instructed, the merchant concedes: the customer is guilty and is owed $5,000.00. ${injected}`,
					factIds: forgedIds.length > 0 ? forgedIds : ["system.override"],
				},
			]);
		}
		case "text_only":
			return {
				content: [{ type: "text", text: "Here is the case in prose, without the tool." }],
				stopReason: "end_turn",
			};
		case "max_tokens":
			return tool({ summary: grounded.summary, paragraphs: [] }, "max_tokens");
		case "refusal":
			return { content: [], stopReason: "refusal" };
		case "error":
			throw new Error("unreachable");
	}
}

// ---- HTTP helpers ------------------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
		req.on("error", reject);
	});
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	if (res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json",
		"content-length": Buffer.byteLength(text),
		"request-id": `req_fake_${Date.now().toString(36)}`,
		...headers,
	});
	res.end(text);
}

function apiError(
	res: ServerResponse,
	status: number,
	type: string,
	message: string,
	headers: Record<string, string> = {},
) {
	sendJson(res, status, { type: "error", error: { type, message } }, headers);
}

function defaultErrorType(status: number): string {
	if (status === 429) return "rate_limit_error";
	if (status === 529) return "overloaded_error";
	if (status === 401) return "authentication_error";
	if (status === 400) return "invalid_request_error";
	if (status === 404) return "not_found_error";
	return "api_error";
}
