import { HTTPException } from "hono/http-exception";
import { ConfigError, describeError, RebuttalError } from "../errors";

/**
 * Every refusal the HTTP edge gives, by code. The code is what clients match on; the status follows from it, so a
 * route cannot answer "not_found" with a 400 by mistake.
 */
export const HTTP_ERROR_STATUS = {
	bad_request: 400,
	unauthorized: 401,
	csrf_failed: 403,
	not_found: 404,
	conflict: 409,
	payload_too_large: 413,
	dashboard_disabled: 503,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

/** A request refused at the edge. Its message is shown to the client, so it never carries internals. */
export class HttpError extends RebuttalError {
	readonly retryable = false;
	declare readonly code: HttpErrorCode;
	readonly headers: Record<string, string>;

	constructor(code: HttpErrorCode, message: string, options: { headers?: Record<string, string> } = {}) {
		super(code, message, { status: HTTP_ERROR_STATUS[code] });
		this.headers = options.headers ?? {};
	}
}

/** What a client is told about an error: status, code and a message that is safe to show. */
export interface Problem {
	status: number;
	code: string;
	message: string;
	headers: Record<string, string>;
}

/**
 * The one classification of errors into answers. Typed errors below 500 keep their status, code and message;
 * configuration problems are logged in full for the operator but answered as 503 (the service is unusable until
 * fixed); everything else is a 500 that says nothing about internals.
 */
export function classify(error: unknown): Problem {
	if (error instanceof HttpError) {
		return { status: error.status, code: error.code, message: error.message, headers: error.headers };
	}
	if (error instanceof HTTPException) {
		return { status: error.status, code: "http_error", message: error.message || "request rejected", headers: {} };
	}
	if (error instanceof ConfigError) {
		console.error(error.message);
		return { status: 503, code: error.code, message: "the service is not configured", headers: {} };
	}
	if (error instanceof RebuttalError && error.status < 500) {
		return { status: error.status, code: error.code, message: error.message, headers: {} };
	}
	console.error("unhandled error", describeError(error));
	return { status: 500, code: "internal_error", message: "internal error", headers: {} };
}
