import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { dashboardConfigSchema, parseConfig } from "../../lib/config";
import { openDb } from "../../lib/db/client";
import type { AppEnv } from "../../lib/http/app";
import { bearerToken, timingSafeEqualText } from "../../lib/http/auth";
import { csrfToken, sessionCookieName, verifyCsrf, verifySession } from "../../lib/http/session";
import { createStripe } from "../../lib/stripe/client";
import { sharedLimiter } from "../stripe-rate-limiter";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isHttps(c: Context<AppEnv>): boolean {
	return new URL(c.req.url).protocol === "https:";
}

/**
 * The one gate for the operator API and the HTML dashboard. Nothing answers without a configured token (503, never
 * open). A request proves itself with `Authorization: Bearer <token>` (API clients; no cookie, so no CSRF) or with
 * the signed session cookie, in which case every state-changing request must also carry the session's CSRF token
 * (`_csrf` form field or `X-CSRF-Token` header). Unauthenticated API calls get 401; pages redirect to the login.
 */
export function requireOperator(kind: "api" | "page") {
	return createMiddleware<AppEnv>(async (c, next) => {
		const configured = c.env.DASHBOARD_TOKEN;
		if (!configured) {
			return c.json({ error: { code: "dashboard_disabled", message: "DASHBOARD_TOKEN is not configured" } }, 503);
		}
		const presented = bearerToken(c.req.header("authorization"));
		if (presented) {
			if (await timingSafeEqualText(presented, configured)) {
				c.set("auth", "bearer");
				return next();
			}
			return unauthorized(c);
		}
		const session = await verifySession(configured, getCookie(c, sessionCookieName(isHttps(c))));
		if (!session) {
			if (kind === "page" && SAFE_METHODS.has(c.req.method)) return c.redirect("/dashboard/login", 302);
			return kind === "api" ? unauthorized(c) : c.redirect("/dashboard/login", 303);
		}
		c.set("auth", "session");
		c.set("session", session);
		c.set("csrf", await csrfToken(configured, session));
		if (!SAFE_METHODS.has(c.req.method)) {
			let token = c.req.header("x-csrf-token");
			if (
				!token &&
				/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header("content-type") ?? "")
			) {
				const field = (await c.req.parseBody())._csrf;
				token = typeof field === "string" ? field : undefined;
			}
			if (!(await verifyCsrf(configured, session, token))) {
				return c.json({ error: { code: "csrf_failed", message: "missing or invalid CSRF token" } }, 403);
			}
		}
		await next();
	});
}

function unauthorized(c: Context<AppEnv>) {
	return c.json({ error: { code: "unauthorized", message: "a valid bearer token is required" } }, 401, {
		"WWW-Authenticate": 'Bearer realm="rebuttal"',
	});
}

/** Validated configuration, one database pool (closed after the response) and one Stripe client per request. */
export const withClients = createMiddleware<AppEnv>(async (c, next) => {
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
});

/** Headers for every HTML page: nothing from elsewhere loads, nothing frames it, nothing is cached. */
export const pageHeaders = createMiddleware<AppEnv>(async (c, next) => {
	await next();
	c.header(
		"Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; object-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	);
	c.header("X-Content-Type-Options", "nosniff");
	c.header("Referrer-Policy", "no-referrer");
	c.header("Cache-Control", "no-store");
});
