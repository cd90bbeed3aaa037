import { Hono } from "hono";
import { z } from "zod";
import { fileAppealByPerson } from "../../lib/appeals/by-person";
import { approveDispute, backfillNow, retryDispute } from "../../lib/dashboard/actions";
import { disputeDetail, listDisputes, listEarlyFraudWarnings } from "../../lib/dashboard/queries";
import { acceptByOperator } from "../../lib/decide/actions";
import { type AppEnv, notFound, onError } from "../../lib/http/app";
import { withClients } from "../../lib/http/clients";
import { apiHeaders, transportSecurity } from "../../lib/http/headers";
import { requireOperator } from "../../lib/http/operator";
import { accountId, cursor, disputeId, limit, parseInput, stage } from "../../lib/http/params";
import { whatWins } from "../../lib/outcomes/learn";
import { monitoringTrend } from "../../lib/outcomes/monitoring";
import { evidencePdf } from "./evidence-pdf";
import { dashboardPages } from "./pages";

const listQuery = z.object({
	stage: stage.optional(),
	account: accountId.optional(),
	limit,
	cursor: cursor.optional(),
});

function queues(env: Env) {
	return {
		assembleQueue: env.ASSEMBLE_QUEUE,
		submitQueue: env.SUBMIT_QUEUE,
	};
}

/**
 * The operator JSON API under /api: the bearer token, or a dashboard session plus its CSRF token for
 * state-changing calls (lib/http/operator.ts).
 */
export const operatorApi = new Hono<AppEnv>();

operatorApi
	.use("*", apiHeaders, requireOperator("api"), withClients)
	.get("/disputes", async (c) => {
		const query = parseInput(listQuery, c.req.query());
		return c.json(await listDisputes(c.var.db, query));
	})
	.get("/disputes/:id", async (c) => {
		return c.json(await disputeDetail(c.var.db, parseInput(disputeId, c.req.param("id"))));
	})
	.get("/disputes/:id/evidence.pdf", evidencePdf)
	.post("/disputes/:id/retry", async (c) => {
		const id = parseInput(disputeId, c.req.param("id"));
		return c.json(await retryDispute({ db: c.var.db, ...queues(c.env) }, id, "api"), 202);
	})
	.post("/disputes/:id/approve", async (c) => {
		const id = parseInput(disputeId, c.req.param("id"));
		const result = await approveDispute({ db: c.var.db, ...queues(c.env) }, id, "api");
		return c.json(result, result.queued ? 202 : 200);
	})
	.get("/early-fraud-warnings", async (c) => {
		const query = parseInput(z.object({ limit }), c.req.query());
		return c.json(await listEarlyFraudWarnings(c.var.db, query));
	})
	.get("/outcomes", async (c) => {
		return c.json({
			...(await whatWins(c.var.db)),
			monitoring: await monitoringTrend(c.var.db, new Date()),
		});
	})
	.post("/disputes/:id/accept", async (c) => {
		const id = parseInput(disputeId, c.req.param("id"));
		return c.json(await acceptByOperator({ db: c.var.db, ...queues(c.env) }, id, "api"), 202);
	})
	.post("/disputes/:id/appeal", async (c) => {
		const id = parseInput(disputeId, c.req.param("id"));
		const deps = { db: c.var.db, stripe: c.var.stripe, appealFees: c.var.config.APPEAL_FEES ?? {} };
		return c.json(await fileAppealByPerson(deps, id, "api"));
	})
	.post("/backfill", async (c) => {
		const deps = { db: c.var.db, stripe: c.var.stripe, accounts: c.var.config.STRIPE_ACCOUNTS, ...queues(c.env) };
		return c.json(await backfillNow(deps, "api"));
	});

operatorApi.notFound(notFound);
operatorApi.onError(onError);

/** The operator API and the HTML dashboard, under the same access rules. */
export const dashboardApp = new Hono<AppEnv>()
	.use("*", transportSecurity)
	.route("/api", operatorApi)
	.route("/dashboard", dashboardPages);

dashboardApp.onError(onError);
dashboardApp.notFound(notFound);
