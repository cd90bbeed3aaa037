/** A Stripe API error, rendered as `{"error":{type,code,message,param}}` with its HTTP status. */
export class StripeApiError extends Error {
	readonly status: number;
	readonly type: string;
	readonly code: string | undefined;
	readonly param: string | undefined;
	/** Validation errors are not saved by the idempotency layer (as at Stripe): a retry runs again. */
	readonly storable: boolean;
	readonly headers: Record<string, string>;

	constructor(
		status: number,
		type: string,
		message: string,
		opts: { code?: string; param?: string; storable?: boolean; headers?: Record<string, string> } = {},
	) {
		super(message);
		this.status = status;
		this.type = type;
		this.code = opts.code;
		this.param = opts.param;
		this.storable = opts.storable ?? true;
		this.headers = opts.headers ?? {};
	}

	body(): { error: Record<string, string> } {
		const error: Record<string, string> = { type: this.type, message: this.message };
		if (this.code) {
			error.code = this.code;
			error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll("_", "-")}`;
		}
		if (this.param) error.param = this.param;
		return { error };
	}
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", message, { param, code, storable: false });
}

/** A request that was valid but conflicts with the object's state (saved for idempotent replay). */
export function stateError(message: string, param?: string, code?: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", message, { param, code });
}

export function unknownParameter(param: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", `Received unknown parameter: ${param}`, {
		code: "parameter_unknown",
		param,
		storable: false,
	});
}

export function missingParameter(param: string): StripeApiError {
	return new StripeApiError(400, "invalid_request_error", `Missing required param: ${param}.`, {
		code: "parameter_missing",
		param,
		storable: false,
	});
}

/** `No such dispute: 'dp_x'` — 404 when the path names it, 400 when a parameter does. */
export function noSuch(kind: string, id: string, param = "id", status = 404): StripeApiError {
	return new StripeApiError(status, "invalid_request_error", `No such ${kind}: '${id}'`, {
		code: "resource_missing",
		param,
		storable: status === 404,
	});
}

export function unauthorized(message: string): StripeApiError {
	return new StripeApiError(401, "invalid_request_error", message, { storable: false });
}

export function apiError(status = 500, message = "An unknown error occurred"): StripeApiError {
	return new StripeApiError(status, "api_error", message, { storable: false });
}

export function rateLimited(shouldRetry: boolean): StripeApiError {
	return new StripeApiError(
		429,
		"rate_limit_error",
		"Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.",
		{ code: "rate_limit", storable: false, headers: shouldRetry ? { "Stripe-Should-Retry": "true" } : {} },
	);
}
