import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";

export function isHttps(c: Context<AppEnv>): boolean {
	return new URL(c.req.url).protocol === "https:";
}

/** Over https, browsers are told to come back only over https (a year, as is usual). */
export const transportSecurity = createMiddleware<AppEnv>(async (c, next) => {
	await next();
	if (isHttps(c)) c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
});

/** The operator API carries names, emails and IP addresses: no cache keeps it, no browser guesses its type. */
export const apiHeaders = createMiddleware<AppEnv>(async (c, next) => {
	await next();
	if (!c.res.headers.get("cache-control")?.includes("no-store")) c.header("Cache-Control", "no-store");
	c.header("X-Content-Type-Options", "nosniff");
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
