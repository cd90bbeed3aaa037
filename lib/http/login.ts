import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./app";
import { timingSafeEqualText } from "./auth";
import { HttpError } from "./errors";
import { isHttps } from "./headers";
import { SESSION_TTL_SECONDS, sessionCookieName } from "./session";
import { openSession, revokeAllSessions, revokeSession } from "./session-store";
import { LoginThrottle } from "./throttle";

/**
 * A login form holds one token of at most 512 characters; anything much larger is refused (413) before it is
 * read, since the isolate that parses it also takes webhook deliveries.
 */
export const LOGIN_BODY_LIMIT_BYTES = 8 * 1024;

export const loginBodyLimit = bodyLimit({
	maxSize: LOGIN_BODY_LIMIT_BYTES,
	onError: () => {
		throw new HttpError("payload_too_large", "the login form is too large");
	},
});

/** Login failures per client address, for this isolate (bounded). */
export const loginThrottle = new LoginThrottle();

/**
 * The address attempts are counted against: Cloudflare's `CF-Connecting-IP`, which a client cannot set. Without
 * it (a local run) every attempt shares one address.
 */
export function clientAddress(c: Context<AppEnv>): string {
	return (c.req.header("cf-connecting-ip") ?? "unknown").slice(0, 64);
}

/**
 * Login CSRF: is this login posted from another site? Fetch Metadata decides where the browser sends it, `Origin`
 * where it does not; an `Origin` that is not a URL at all is bad input (400).
 */
export function isCrossSite(c: Context<AppEnv>): boolean {
	const site = c.req.header("sec-fetch-site");
	if (site) return site !== "same-origin" && site !== "none";
	const origin = c.req.header("origin");
	if (!origin || origin === "null") return false;
	let host: string;
	try {
		host = new URL(origin).host;
	} catch {
		throw new HttpError("bad_request", "the Origin header is not a URL");
	}
	return host !== (c.req.header("host") ?? new URL(c.req.url).host);
}

export type LoginOutcome =
	| { kind: "cross_site" }
	| { kind: "throttled"; retryAfterSeconds: number }
	| { kind: "wrong_token" }
	| { kind: "logged_in" };

/**
 * Checks a posted login and, when the token is right, opens a session and sets its cookie. The attempt is counted
 * before the token is compared, so slow concurrent attempts cannot all be evaluated past the limit.
 */
export async function logIn(c: Context<AppEnv>, configured: string): Promise<LoginOutcome> {
	if (isCrossSite(c)) return { kind: "cross_site" };
	const address = clientAddress(c);
	const attempt = loginThrottle.reserve(address);
	if (attempt.blockedMs > 0) return { kind: "throttled", retryAfterSeconds: Math.ceil(attempt.blockedMs / 1000) };
	const body = await c.req.parseBody();
	const token = typeof body.token === "string" ? body.token : "";
	if (!token || token.length > 512 || !(await timingSafeEqualText(token, configured))) {
		await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
		return { kind: "wrong_token" };
	}
	loginThrottle.succeed(address);
	const { value } = await openSession(c.var.db, configured);
	const secure = isHttps(c);
	setCookie(c, sessionCookieName(secure), value, {
		httpOnly: true,
		sameSite: "Strict",
		secure,
		path: "/",
		maxAge: SESSION_TTL_SECONDS,
	});
	return { kind: "logged_in" };
}

/** Ends this session (or, `everywhere`, every session) server-side and clears the cookie. */
export async function logOut(c: Context<AppEnv>, options: { everywhere: boolean }): Promise<void> {
	if (options.everywhere) await revokeAllSessions(c.var.db);
	else if (c.var.session) await revokeSession(c.var.db, c.var.session);
	const secure = isHttps(c);
	deleteCookie(c, sessionCookieName(secure), { path: "/", secure, httpOnly: true, sameSite: "Strict" });
}
