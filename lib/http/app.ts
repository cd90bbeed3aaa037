import type { Context } from "hono";
import type Stripe from "stripe";
import type { DashboardConfig } from "../config";
import { ProblemPage } from "../dashboard/views/pages/message";
import type { Db } from "../db/client";
import { classify, HttpError } from "./errors";
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

/** Dashboard pages answer in HTML; everything else (the API, webhooks, the dashboard's own JSON) in JSON. */
function wantsHtml(c: Context<AppEnv>): boolean {
	const path = new URL(c.req.url).pathname;
	return (path === "/dashboard" || path.startsWith("/dashboard/")) && !path.endsWith(".json");
}

/** The single place errors become HTTP responses (see `classify` for what each kind of error is told). */
export async function onError(error: unknown, c: Context<AppEnv>): Promise<Response> {
	const problem = classify(error);
	if (wantsHtml(c)) {
		const page = await ProblemPage({ ...problem, csrf: c.var.csrf });
		return c.html(`<!doctype html>${page}`, problem.status as 400, problem.headers);
	}
	return c.json({ error: { code: problem.code, message: problem.message } }, problem.status as 400, problem.headers);
}

export function notFound(c: Context<AppEnv>) {
	return onError(new HttpError("not_found", "no such route"), c);
}
