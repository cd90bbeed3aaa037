import type { Context, Next } from "hono";
import { createMiddleware } from "hono/factory";
import { dashboardConfigSchema, parseConfig } from "../config";
import { openDb } from "../db/client";
import { createStripe } from "../stripe/client";
import { sharedLimiter } from "../stripe/shared-pacing";
import type { AppEnv } from "./app";

/**
 * Validated configuration, one database pool (closed after the response) and one Stripe client per request.
 * Opened at most once: the session check opens them early for a signed cookie, later middleware reuses them.
 */
export async function withOpenClients(c: Context<AppEnv>, next: Next): Promise<void> {
	if (c.var.db) return next();
	const config = parseConfig(dashboardConfigSchema, c.env);
	const { db, close } = openDb(config.DATABASE_URL, config.DATABASE_WS_PROXY);
	c.set("config", config);
	c.set("db", db);
	c.set("stripe", createStripe(config, sharedLimiter(c.env.STRIPE_RATE_LIMITER)));
	try {
		await next();
	} finally {
		c.executionCtx.waitUntil(close().catch(() => {}));
	}
}

export const withClients = createMiddleware<AppEnv>(withOpenClients);
