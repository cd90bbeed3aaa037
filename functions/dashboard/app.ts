import { Hono } from "hono";
import { z } from "zod";
import { approveDispute, backfillNow, retryDispute } from "../../lib/dashboard/actions";
import { disputeDetail, listDisputes, listEarlyFraudWarnings } from "../../lib/dashboard/queries";
import { acceptByOperator } from "../../lib/decide/actions";
import { PermanentError } from "../../lib/errors";
import { type AppEnv, notFound, onError } from "../../lib/http/app";
import type { AssembleMessage, SubmitMessage } from "../../lib/messages";
import { whatWins } from "../../lib/outcomes/learn";
import { monitoringTrend } from "../../lib/outcomes/monitoring";
import { STAGES } from "../../schema";
import { evidencePdf } from "./evidence-pdf";
import { requireOperator, withClients } from "./middleware";
import { dashboardPages } from "./pages";

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

/**
 * The operator JSON API under /api: the bearer token, or a dashboard session plus its CSRF token for
 * state-changing calls (see middleware.ts).
 */
export const operatorApi = new Hono<AppEnv>();

operatorApi
	.use("*", requireOperator("api"), withClients)
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
	.get("/disputes/:id/evidence.pdf", evidencePdf)
	.post("/disputes/:id/retry", async (c) => {
		const id = parse(disputeId, c.req.param("id"));
		return c.json(await retryDispute({ db: c.var.db, ...queues(c.env) }, id, "api"), 202);
	})
	.post("/disputes/:id/approve", async (c) => {
		const id = parse(disputeId, c.req.param("id"));
		const result = await approveDispute({ db: c.var.db, ...queues(c.env) }, id, "api");
		return c.json(result, result.queued ? 202 : 200);
	})
	.get("/early-fraud-warnings", async (c) => {
		const { limit } = parse(z.object({ limit: listQuery.shape.limit }), c.req.query());
		return c.json(await listEarlyFraudWarnings(c.var.db, { limit }));
	})
	.get("/outcomes", async (c) => {
		return c.json({
			...(await whatWins(c.var.db)),
			monitoring: await monitoringTrend(c.var.db, new Date()),
		});
	})
	.post("/disputes/:id/accept", async (c) => {
		const id = parse(disputeId, c.req.param("id"));
		return c.json(await acceptByOperator({ db: c.var.db, ...queues(c.env) }, id, "api"), 202);
	})
	.post("/backfill", async (c) => {
		const deps = { db: c.var.db, stripe: c.var.stripe, accounts: c.var.config.STRIPE_ACCOUNTS, ...queues(c.env) };
		return c.json(await backfillNow(deps, "api"));
	});

operatorApi.onError(onError);

/** The operator API and the HTML dashboard, under the same access rules. */
export const dashboardApp = new Hono<AppEnv>().route("/api", operatorApi).route("/dashboard", dashboardPages);

dashboardApp.onError(onError);
dashboardApp.notFound(notFound);
