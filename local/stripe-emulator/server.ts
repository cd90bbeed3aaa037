import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
	listInvoicePayments,
	retrieveAccount,
	retrieveInvoice,
	retrieveOwnAccount,
	retrieveSubscription,
} from "./billing";
import {
	listCharges,
	retrieveCharge,
	retrieveCustomer,
	retrieveEarlyFraudWarning,
	retrievePaymentIntent,
} from "./charges";
import { type ApiRequest, type Handler, RawBody, type UploadedPart } from "./context";
import { ControlError, control } from "./controls";
import { closeDispute, listDisputes, retrieveDispute, updateDispute } from "./disputes";
import { apiError, rateLimited, StripeApiError, unauthorized } from "./errors";
import { API_VERSION } from "./events";
import { Faults, RateLimiter } from "./faults";
import { createFile, fileContents, retrieveFile } from "./files";
import { decodeForm, type FormObject, parseQuery } from "./forms";
import { IdempotencyStore } from "./idempotency";
import { parseMultipart } from "./multipart";
import { createRefund, listEarlyFraudWarnings, listRefunds, retrieveRefund } from "./refunds";
import { clone, type RequestLogEntry, Store, type StripeObject } from "./store";

const MAX_BODY_BYTES = 32 * 1024 * 1024;

const ROUTES: [string, RegExp, Handler][] = [
	["GET", /^\/v1\/disputes$/, listDisputes],
	["GET", /^\/v1\/disputes\/([^/]+)$/, retrieveDispute],
	["POST", /^\/v1\/disputes\/([^/]+)$/, updateDispute],
	["POST", /^\/v1\/disputes\/([^/]+)\/close$/, closeDispute],
	["GET", /^\/v1\/charges$/, listCharges],
	["GET", /^\/v1\/charges\/([^/]+)$/, retrieveCharge],
	["GET", /^\/v1\/customers\/([^/]+)$/, retrieveCustomer],
	["GET", /^\/v1\/payment_intents\/([^/]+)$/, retrievePaymentIntent],
	["GET", /^\/v1\/radar\/early_fraud_warnings$/, listEarlyFraudWarnings],
	["GET", /^\/v1\/radar\/early_fraud_warnings\/([^/]+)$/, retrieveEarlyFraudWarning],
	["POST", /^\/v1\/refunds$/, createRefund],
	["GET", /^\/v1\/refunds$/, listRefunds],
	["GET", /^\/v1\/refunds\/([^/]+)$/, retrieveRefund],
	["GET", /^\/v1\/invoices\/([^/]+)$/, retrieveInvoice],
	["GET", /^\/v1\/invoice_payments$/, listInvoicePayments],
	["GET", /^\/v1\/subscriptions\/([^/]+)$/, retrieveSubscription],
	["GET", /^\/v1\/account$/, retrieveOwnAccount],
	["GET", /^\/v1\/accounts\/([^/]+)$/, retrieveAccount],
	["POST", /^\/v1\/files$/, createFile],
	["GET", /^\/v1\/files\/([^/]+)$/, retrieveFile],
	["GET", /^\/v1\/files\/([^/]+)\/contents$/, fileContents],
	["GET", /^\/v1\/events\/([^/]+)$/, retrieveEvent],
];

function retrieveEvent(req: ApiRequest): StripeObject {
	const event = req.store.events.find((e) => e.id === req.params.id && (e.account ?? null) === req.account);
	if (!event)
		throw new StripeApiError(404, "invalid_request_error", `No such event: '${req.params.id}'`, {
			code: "resource_missing",
			param: "id",
		});
	return clone(event);
}

const KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

function apiKeyOf(req: IncomingMessage): string {
	const header = req.headers.authorization;
	if (!header) {
		throw unauthorized(
			"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
		);
	}
	let key = "";
	const [scheme, value = ""] = header.split(/\s+/, 2);
	if (scheme?.toLowerCase() === "bearer") key = value;
	else if (scheme?.toLowerCase() === "basic") key = Buffer.from(value, "base64").toString("utf8").split(":")[0] ?? "";
	if (!KEY_PATTERN.test(key)) {
		const shown =
			key.length > 8 ? `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
		throw unauthorized(`Invalid API Key provided: ${shown}`);
	}
	return key;
}

function accountOf(req: IncomingMessage): string | null {
	const header = req.headers["stripe-account"];
	if (header === undefined || header === "") return null;
	const value = Array.isArray(header) ? header[0]! : header;
	if (!/^acct_[A-Za-z0-9]+$/.test(value)) {
		throw new StripeApiError(
			403,
			"invalid_request_error",
			`The provided key does not have access to account '${value}' (or that account does not exist). Application access may have been revoked.`,
			{ code: "account_invalid", storable: false },
		);
	}
	return value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES)
			throw new StripeApiError(413, "invalid_request_error", "Request entity too large.", { storable: false });
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === "object") {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
		);
	}
	return value;
}

function fingerprint(body: FormObject, uploads: Map<string, UploadedPart>): string {
	const hash = createHash("sha256").update(JSON.stringify(sortKeys(body)));
	for (const [name, part] of [...uploads].sort(([a], [b]) => a.localeCompare(b))) {
		hash.update(`\u0000${name}\u0000${part.filename}\u0000`).update(part.data);
	}
	return hash.digest("hex");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface EmulatorServer {
	server: Server;
	store: Store;
	url: string;
	port: number;
}

export async function startServer(options: {
	port: number;
	host: string;
	rateLimit: { perSecond: number; filesPerSecond: number } | false;
}): Promise<EmulatorServer> {
	const store = new Store();
	const faults = new Faults();
	const idempotency = new IdempotencyStore();
	const rateLimiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
	let baseUrl = "";

	function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
		const text = `${JSON.stringify(body, null, 2)}\n`;
		res.writeHead(status, {
			"Content-Type": "application/json",
			"Content-Length": Buffer.byteLength(text),
			...headers,
		});
		res.end(text);
	}

	async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
		try {
			const raw = await readBody(req);
			let body: StripeObject = {};
			if (raw.length > 0) {
				try {
					body = JSON.parse(raw.toString("utf8"));
				} catch {
					throw new ControlError(400, "Body must be JSON");
				}
			}
			const result = control({ store, faults, idempotency, rateLimiter }, req.method ?? "GET", path, body);
			if (!result) throw new ControlError(404, `Unknown emulator control: ${req.method} ${path}`);
			if (result.raw) {
				res.writeHead(200, { "Content-Type": result.raw.contentType, "Content-Length": result.raw.data.length });
				res.end(result.raw.data);
				return;
			}
			send(res, result.status ?? 200, result.json, {});
		} catch (err) {
			const status = err instanceof ControlError || err instanceof StripeApiError ? err.status : 500;
			send(res, status, { error: { message: (err as Error).message } }, {});
		}
	}

	async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const requestId = `req_${randomBytes(10).toString("base64url").replace(/[-_]/g, "x")}`;
		const method = req.method ?? "GET";
		const rawKey = req.headers["idempotency-key"];
		const idemKey = method === "POST" && typeof rawKey === "string" && rawKey !== "" ? rawKey : null;
		const entry: RequestLogEntry = {
			request_id: requestId,
			method,
			path: url.pathname,
			query: url.search,
			status: 0,
			idempotency_key: idemKey,
			replayed: false,
			account: null,
			fault: null,
			at: new Date().toISOString(),
		};
		store.stats.requests += 1;
		store.requests.push(entry);
		const headers: Record<string, string> = {
			"Request-Id": requestId,
			"Stripe-Version": (req.headers["stripe-version"] as string | undefined) ?? API_VERSION,
		};
		if (idemKey) headers["Idempotency-Key"] = idemKey;
		const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
			entry.status = status;
			send(res, status, body, { ...headers, ...extra });
		};
		const drop = () => {
			entry.status = 0;
			entry.fault = "drop";
			req.socket.destroy();
		};

		let idem: ReturnType<IdempotencyStore["begin"]> | null = null;
		try {
			const route = ROUTES.find(([m, re]) => m === method && re.test(url.pathname));
			const isUpload = method === "POST" && url.pathname === "/v1/files";
			if (rateLimiter && !rateLimiter.admit(isUpload)) {
				store.stats.rateLimited += 1;
				throw rateLimited(false);
			}
			const apiKey = apiKeyOf(req);
			const account = accountOf(req);
			entry.account = account;
			if (!route) {
				throw new StripeApiError(
					404,
					"invalid_request_error",
					`Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
					{ storable: false },
				);
			}
			const raw = await readBody(req);
			const contentType = req.headers["content-type"] ?? "";
			let body: FormObject = {};
			let uploads = new Map<string, UploadedPart>();
			if (contentType.startsWith("multipart/form-data")) {
				const parsed = parseMultipart(raw, contentType);
				body = decodeForm(parsed.fields);
				uploads = parsed.files;
			} else if (raw.length > 0) {
				body = decodeForm(new URLSearchParams(raw.toString("utf8")).entries());
			}
			const query = parseQuery(url.search);

			if (idemKey) {
				idem = idempotency.begin(
					`${apiKey}|${account ?? ""}`,
					idemKey,
					method,
					url.pathname,
					fingerprint(body, uploads),
				);
				if (idem.kind === "replay") {
					entry.replayed = true;
					store.stats.replayed += 1;
					const replay = idem;
					idem = null;
					reply(replay.status, replay.body, { "Idempotent-Replayed": "true", "Original-Request": replay.requestId });
					return;
				}
			}

			const fault = faults.match(method, url.pathname);
			if (fault) {
				store.stats.faults += 1;
				entry.fault = fault.label;
				if (fault.latencyMs > 0) await sleep(fault.latencyMs);
				if (fault.phase === "before") {
					if (fault.drop) {
						idem?.release();
						drop();
						return;
					}
					if (fault.status === 429) throw rateLimited(true);
					if (fault.status) throw apiError(fault.status);
				}
			}

			const match = route[1].exec(url.pathname)!;
			const apiReq: ApiRequest = {
				method,
				path: url.pathname,
				params: match[1] ? { id: decodeURIComponent(match[1]) } : {},
				query,
				body,
				uploads,
				account,
				idempotencyKey: idemKey,
				baseUrl,
				store,
			};
			let status = 200;
			let result: unknown;
			try {
				result = await route[2](apiReq);
			} catch (err) {
				if (!(err instanceof StripeApiError) || !err.storable) throw err;
				status = err.status;
				result = err.body();
			}
			if (idem?.kind === "new") idem.complete(status, result, requestId);
			idem = null;

			if (fault && fault.phase === "after") {
				if (fault.drop) return drop();
				if (fault.status === 429) throw rateLimited(true);
				if (fault.status) throw apiError(fault.status);
			}
			if (result instanceof RawBody) {
				entry.status = 200;
				res.writeHead(200, { ...headers, "Content-Type": result.contentType, "Content-Length": result.data.length });
				res.end(result.data);
				return;
			}
			reply(status, result);
		} catch (err) {
			if (idem?.kind === "new") idem.release();
			if (err instanceof StripeApiError) {
				reply(err.status, err.body(), err.headers);
				return;
			}
			console.error("stripe-emulator: unexpected error", err);
			const error = apiError(500, "An unexpected error occurred in the Stripe emulator.");
			reply(500, error.body());
		}
	}

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://emulator.invalid");
		const handler = url.pathname.startsWith("/_emulator/")
			? handleControl(req, res, url.pathname)
			: handleApi(req, res, url);
		handler.catch((err) => {
			console.error("stripe-emulator: failed to answer", err);
			res.destroy();
		});
	});
	server.keepAliveTimeout = 5_000;
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port, options.host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	const host = options.host.includes(":") ? `[${options.host}]` : options.host;
	baseUrl = `http://${host}:${port}`;
	return { server, store, url: baseUrl, port };
}
