import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { dashboardConfigSchema, parseConfig } from "../../lib/config";
import { approveDispute, retryDispute } from "../../lib/dashboard/actions";
import { disputeDetail, listDisputes } from "../../lib/dashboard/queries";
import { openDb } from "../../lib/db/client";
import { PermanentError } from "../../lib/errors";
import { type AppEnv, notFound, onError } from "../../lib/http/app";
import { bearerToken, timingSafeEqualText } from "../../lib/http/auth";
import type { AssembleMessage, SubmitMessage } from "../../lib/messages";
import { STAGES } from "../../schema";

/** Bearer auth for the operator API: 503 when no token is configured (never open), 401 otherwise. */
const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
	const configured = c.env.DASHBOARD_TOKEN;
	if (!configured) {
		return c.json({ error: { code: "dashboard_disabled", message: "DASHBOARD_TOKEN is not configured" } }, 503);
	}
	const presented = bearerToken(c.req.header("authorization"));
	if (!presented || !(await timingSafeEqualText(presented, configured))) {
		return c.json({ error: { code: "unauthorized", message: "a valid bearer token is required" } }, 401, {
			"WWW-Authenticate": 'Bearer realm="rebuttal"',
		});
	}
	await next();
});

/** Validated configuration and one database pool per request, closed after the response. */
const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
	const config = parseConfig(dashboardConfigSchema, c.env);
	const { db, close } = openDb(config.DATABASE_URL, config.DATABASE_WS_PROXY);
	c.set("config", config);
	c.set("db", db);
	try {
		await next();
	} finally {
		c.executionCtx.waitUntil(close().catch(() => {}));
	}
});

const disputeId = z.string().regex(/^(du|dp)_\w{1,100}$/, "not a dispute id");
const listQuery = z.object({
	stage: z.enum(STAGES).optional(),
	account: z
		.string()
		.regex(/^acct_\w{1,100}$/, "not a connected account id")
		.optional(),
	limit: z.coerce.number().int().min(1).max(200).default(50),
	cursor: z
		.string()
		.regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z\|(du|dp)_\w+$/, "malformed cursor")
		.optional(),
});

class BadRequest extends PermanentError {
	constructor(message: string) {
		super("bad_request", message, { status: 400 });
	}
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
	const result = schema.safeParse(value);
	if (!result.success) throw new BadRequest(result.error.issues.map((i) => i.message).join("; "));
	return result.data;
}

function queues(env: Env) {
	return {
		assembleQueue: env.ASSEMBLE_QUEUE as Queue<AssembleMessage>,
		submitQueue: env.SUBMIT_QUEUE as Queue<SubmitMessage>,
	};
}

/** The operator JSON API. The HTML dashboard will sit beside it under the same session rules. */
export const dashboardApp = new Hono<AppEnv>().basePath("/api");

dashboardApp
	.use("*", requireOperator, withDatabase)
	.get("/disputes", async (c) => {
		const query = parse(listQuery, c.req.query());
		const [updatedAt, id] = query.cursor?.split("|") ?? [];
		const cursor = updatedAt && id ? { updatedAt: new Date(updatedAt), id } : undefined;
		return c.json(
			await listDisputes(c.var.db, { stage: query.stage, account: query.account, limit: query.limit, cursor }),
		);
	})
	.get("/disputes/:id", async (c) => {
		return c.json(await disputeDetail(c.var.db, parse(disputeId, c.req.param("id"))));
	})
	.post("/disputes/:id/retry", async (c) => {
		const id = parse(disputeId, c.req.param("id"));
		return c.json(await retryDispute({ db: c.var.db, ...queues(c.env) }, id, "api"), 202);
	})
	.post("/disputes/:id/approve", async (c) => {
		const id = parse(disputeId, c.req.param("id"));
		const result = await approveDispute({ db: c.var.db, ...queues(c.env) }, id, "api");
		return c.json(result, result.queued ? 202 : 200);
	});

dashboardApp.onError(onError);
dashboardApp.notFound(notFound);
