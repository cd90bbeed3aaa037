import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { needsAPerson } from "../../lib/dashboard/attention";
import {
	disputeDetail,
	disputeFacts,
	disputeRatio,
	failedDisputes,
	inFlightCount,
	knownReasons,
	listDisputes,
	listEarlyFraudWarnings,
	outcomeStats,
	overview,
} from "../../lib/dashboard/queries";
import { disputeAction, disputeActions, globalActions } from "../../lib/dashboard/registry";
import { DisputePage } from "../../lib/dashboard/views/pages/dispute";
import { FailedPage } from "../../lib/dashboard/views/pages/failed";
import { ListPage } from "../../lib/dashboard/views/pages/list";
import { OutcomesPage } from "../../lib/dashboard/views/pages/outcomes";
import { OverviewPage } from "../../lib/dashboard/views/pages/overview";
import { WarningsPage } from "../../lib/dashboard/views/pages/warnings";
import { IN_FLIGHT_STAGES } from "../../lib/dispute/transitions";
import { type AppEnv, onError } from "../../lib/http/app";
import { withClients } from "../../lib/http/clients";
import { HttpError } from "../../lib/http/errors";
import { pageHeaders } from "../../lib/http/headers";
import { requireOperator } from "../../lib/http/operator";
import { cursor, disputeId, lenient, stage } from "../../lib/http/params";
import { whatWins } from "../../lib/outcomes/learn";
import { monitoringTrend } from "../../lib/outcomes/monitoring";
import { actionRoutes } from "./actions";
import { loginRoutes } from "./login";
import { notFoundPage, render } from "./render";

// Pages read their filters leniently: a stale or hand-edited link shows the unfiltered first page.
const listQuery = z.object({
	stage: lenient(stage),
	reason: lenient(z.string().regex(/^[a-z_]{1,60}$/)),
	due: lenient(z.enum(["48h", "7d", "overdue"])),
	cursor: lenient(z.string()),
});
const pageCursor = lenient(cursor);

/** Dashboard forms are small; nothing larger is read (the isolate also takes webhook deliveries). */
const FORM_LIMIT_BYTES = 64 * 1024;

/** The server-rendered dashboard under /dashboard. */
export const dashboardPages = new Hono<AppEnv>();

dashboardPages.use("*", pageHeaders);
dashboardPages.use(
	"*",
	bodyLimit({
		maxSize: FORM_LIMIT_BYTES,
		onError: () => {
			throw new HttpError("payload_too_large", "the form is too large");
		},
	}),
);
dashboardPages.route("/", loginRoutes);
dashboardPages.use("*", requireOperator("page"), withClients);

dashboardPages.get("/", async (c) => {
	const [data, ratio, items] = await Promise.all([overview(c.var.db), disputeRatio(c.var.db), needsAPerson(c.var.db)]);
	return render(
		c,
		OverviewPage({
			csrf: c.var.csrf ?? "",
			data,
			ratio,
			backfill: ["backfill", globalActions.backfill],
			attention: items,
		}),
	);
});

/** For scripts and tests: is any dispute being worked on? (Pages refresh themselves while it is.) */
dashboardPages.get("/live.json", async (c) => {
	return c.json({ inFlight: await inFlightCount(c.var.db), stages: IN_FLIGHT_STAGES });
});

dashboardPages.get("/disputes", async (c) => {
	const filters = listQuery.parse(c.req.query());
	const [list, reasons, inFlight] = await Promise.all([
		listDisputes(c.var.db, {
			stage: filters.stage,
			reason: filters.reason,
			due: filters.due,
			limit: 50,
			cursor: pageCursor.parse(filters.cursor),
		}),
		knownReasons(c.var.db),
		inFlightCount(c.var.db),
	]);
	return render(c, ListPage({ csrf: c.var.csrf ?? "", list, filters, reasons, live: inFlight > 0 }));
});

dashboardPages.get("/failed", async (c) => {
	const list = await failedDisputes(c.var.db, { limit: 50, cursor: pageCursor.parse(c.req.query("cursor")) });
	const inFlight = await inFlightCount(c.var.db);
	return render(
		c,
		FailedPage({
			csrf: c.var.csrf ?? "",
			list,
			retryAll: ["retry-failed", globalActions["retry-failed"]],
			live: inFlight > 0,
		}),
	);
});

dashboardPages.get("/outcomes", async (c) => {
	const [stats, ratio, trend, wins] = await Promise.all([
		outcomeStats(c.var.db),
		disputeRatio(c.var.db),
		monitoringTrend(c.var.db, new Date()),
		whatWins(c.var.db),
	]);
	return render(c, OutcomesPage({ csrf: c.var.csrf ?? "", stats, ratio, trend, wins }));
});

dashboardPages.get("/warnings", async (c) => {
	const data = await listEarlyFraudWarnings(c.var.db, { limit: 100 });
	return render(c, WarningsPage({ csrf: c.var.csrf ?? "", data, refundLimit: c.var.config.EFW_REFUND_MAX_AMOUNT }));
});

dashboardPages.get("/disputes/:id", async (c) => {
	const id = disputeId.safeParse(c.req.param("id"));
	if (!id.success) return notFoundPage(c);
	const [dispute, facts] = await Promise.all([disputeDetail(c.var.db, id.data), disputeFacts(c.var.db, id.data)]);
	const actions = Object.entries(disputeActions).filter(([, a]) => a.available(dispute, c.var.config.SUBMIT_MODE));
	const done = disputeAction(c.req.query("done") ?? "");
	return render(
		c,
		DisputePage({
			csrf: c.var.csrf ?? "",
			dispute,
			facts,
			actions,
			appealFees: c.var.config.APPEAL_FEES ?? {},
			flash: done ? `${done.label}: done.` : undefined,
			// Also live right after an approval, until the submit function picks the dispute up.
			live: IN_FLIGHT_STAGES.includes(dispute.stage) || (done !== undefined && dispute.stage === "awaiting_review"),
		}),
	);
});

dashboardPages.route("/", actionRoutes);

dashboardPages.notFound((c) => notFoundPage(c));
dashboardPages.onError(onError);
