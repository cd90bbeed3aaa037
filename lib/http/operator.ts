import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { bearerToken, timingSafeEqualText } from "./auth";
import { withOpenClients } from "./clients";
import { HttpError } from "./errors";
import { isHttps } from "./headers";
import { csrfToken, sessionCookieName, verifyCsrf, verifySession } from "./session";
import { activeSession } from "./session-store";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The operator token, or a 503: without one nothing answers (never open). */
export function configuredToken(c: Context<AppEnv>): string {
	const token = c.env.DASHBOARD_TOKEN;
	if (!token) throw new HttpError("dashboard_disabled", "DASHBOARD_TOKEN is not configured");
	return token;
}

/** The live session the request's cookie proves (signature first, then its row), or null. */
export async function cookieSession(c: Context<AppEnv>, token: string) {
	const value = getCookie(c, sessionCookieName(isHttps(c)));
	// A forged, tampered or expired cookie is refused without database work.
	if (!(await verifySession(token, value))) return null;
	return activeSession(c.var.db, token, value);
}

function unauthorized(): HttpError {
	return new HttpError("unauthorized", "a valid bearer token is required", {
		headers: { "WWW-Authenticate": 'Bearer realm="rebuttal"' },
	});
}

/**
 * The one gate for the operator API and the HTML dashboard. A request proves itself with `Authorization: Bearer
 * <token>` (API clients; no cookie, so no CSRF) or with a live session cookie, in which case every state-changing
 * request must also carry the session's CSRF token (`_csrf` form field or `X-CSRF-Token` header).
 * Unauthenticated API calls get 401; pages redirect to the login.
 */
export function requireOperator(kind: "api" | "page") {
	return createMiddleware<AppEnv>(async (c, next) => {
		const configured = configuredToken(c);
		const presented = bearerToken(c.req.header("authorization"));
		if (presented) {
			if (!(await timingSafeEqualText(presented, configured))) throw unauthorized();
			c.set("auth", "bearer");
			return next();
		}
		const refuse = () => {
			if (kind === "api") throw unauthorized();
			return c.redirect("/dashboard/login", SAFE_METHODS.has(c.req.method) ? 302 : 303);
		};
		if (!(await verifySession(configured, getCookie(c, sessionCookieName(isHttps(c)))))) return refuse();
		let refused: Response | undefined;
		await withOpenClients(c, async () => {
			const session = await cookieSession(c, configured);
			if (!session) {
				refused = refuse();
				return;
			}
			c.set("auth", "session");
			c.set("session", session);
			c.set("csrf", await csrfToken(configured, session));
			if (!SAFE_METHODS.has(c.req.method) && !(await verifyCsrf(configured, session, await presentedCsrf(c)))) {
				throw new HttpError("csrf_failed", "missing or invalid CSRF token");
			}
			await next();
		});
		return refused;
	});
}

async function presentedCsrf(c: Context<AppEnv>): Promise<string | undefined> {
	const header = c.req.header("x-csrf-token");
	if (header) return header;
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header("content-type") ?? "")) {
		return undefined;
	}
	const field = (await c.req.parseBody())._csrf;
	return typeof field === "string" ? field : undefined;
}
