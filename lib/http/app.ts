import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type Stripe from "stripe";
import type { DashboardConfig } from "../config";
import type { Db } from "../db/client";
import { ConfigError, describeError, RebuttalError } from "../errors";
import type { Session } from "./session";

/** The one Hono app type every function shares. */
export interface AppEnv {
	Bindings: Env;
	Variables: {
		config: DashboardConfig;
		db: Db;
		/** The platform's Stripe client (per-account calls pass `stripeAccount`). */
		stripe: Stripe;
		/** How the operator proved who they are: the bearer token (API clients) or a session cookie (browser). */
		auth: "bearer" | "session";
		/** The browser session and its CSRF token, when `auth` is "session". */
		session: Session | undefined;
		csrf: string | undefined;
	};
}

/**
 * The single place errors become HTTP responses: typed errors keep their status and code, everything else is a
 * 500 that says nothing about internals. Configuration problems are logged in full for the operator but
 * answered as 503, since the service is not usable until they are fixed.
 */
export function onError(error: Error, c: Context<AppEnv>) {
	if (error instanceof HTTPException) {
		return c.json({ error: { code: "http_error", message: error.message || "request rejected" } }, error.status);
	}
	if (error instanceof ConfigError) {
		console.error(error.message);
		return c.json({ error: { code: error.code, message: "the service is not configured" } }, 503);
	}
	if (error instanceof RebuttalError && error.status < 500) {
		return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
	}
	console.error("unhandled error", describeError(error));
	return c.json({ error: { code: "internal_error", message: "internal error" } }, 500);
}

export function notFound(c: Context<AppEnv>) {
	return c.json({ error: { code: "not_found", message: "no such route" } }, 404);
}
