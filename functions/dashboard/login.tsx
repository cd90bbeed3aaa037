import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { LoginPage } from "../../lib/dashboard/views/pages/login";
import type { AppEnv } from "../../lib/http/app";
import { withClients, withOpenClients } from "../../lib/http/clients";
import { logIn, loginBodyLimit, logOut } from "../../lib/http/login";
import { configuredToken, cookieSession, requireOperator } from "../../lib/http/operator";
import { render } from "./render";

/** The database, once the token is known to be configured (a disabled dashboard is a 503 page, not a config error). */
const tokenAndClients = createMiddleware<AppEnv>(async (c, next) => {
	configuredToken(c);
	return withOpenClients(c, next);
});

const BYE = { one: "You are logged out.", all: "You are logged out everywhere." } as const;

/** Logging in and out of the dashboard (the rules live in lib/http/login.ts). */
export const loginRoutes = new Hono<AppEnv>();

loginRoutes.get("/login", tokenAndClients, async (c) => {
	if (await cookieSession(c, configuredToken(c))) return c.redirect("/dashboard", 302);
	const bye = c.req.query("bye");
	return render(c, LoginPage({ status: bye === "1" ? BYE.one : bye === "all" ? BYE.all : undefined }));
});

loginRoutes.post("/login", loginBodyLimit, tokenAndClients, async (c) => {
	const outcome = await logIn(c, configuredToken(c));
	switch (outcome.kind) {
		case "cross_site":
			return render(c, LoginPage({ error: "Cross-site login refused." }), 403);
		case "throttled":
			c.header("Retry-After", String(outcome.retryAfterSeconds));
			return render(c, LoginPage({ error: "Too many failed attempts. Try again later." }), 429);
		case "wrong_token":
			return render(c, LoginPage({ error: "That token is not right." }), 401);
		case "logged_in":
			return c.redirect("/dashboard", 303);
	}
});

loginRoutes.post("/logout", requireOperator("page"), withClients, async (c) => {
	await logOut(c, { everywhere: false });
	return c.redirect("/dashboard/login?bye=1", 303);
});

loginRoutes.post("/logout-everywhere", requireOperator("page"), withClients, async (c) => {
	await logOut(c, { everywhere: true });
	return c.redirect("/dashboard/login?bye=all", 303);
});
