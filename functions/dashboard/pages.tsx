import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { HtmlEscapedString } from "hono/utils/html";
import { z } from "zod";
import { needsAPerson } from "../../lib/dashboard/attention";
import {
	disputeDetail,
	disputeFacts,
	disputeRatio,
	failedDisputes,
	IN_FLIGHT_STAGES,
	inFlightCount,
	knownReasons,
	listDisputes,
	listEarlyFraudWarnings,
	outcomeStats,
	overview,
} from "../../lib/dashboard/queries";
import {
	disputeAction,
	disputeActions,
	type GlobalActionDeps,
	globalAction,
	globalActions,
} from "../../lib/dashboard/registry";
import { NeedsAPerson } from "../../lib/dashboard/views/attention";
import { WhatWinsSection } from "../../lib/dashboard/views/learn";
import { MonitoringSection } from "../../lib/dashboard/views/monitoring";
import {
	ConfirmPage,
	DisputePage,
	FailedPage,
	ListPage,
	LoginPage,
	MessagePage,
	OutcomesPage,
	OverviewPage,
} from "../../lib/dashboard/views/pages";
import { WarningsPage } from "../../lib/dashboard/views/warnings";
import { ConfigError, describeError, RebuttalError } from "../../lib/errors";
import type { AppEnv } from "../../lib/http/app";
import { timingSafeEqualText } from "../../lib/http/auth";
import {
	createSession,
	LoginThrottle,
	SESSION_TTL_SECONDS,
	sessionCookieName,
	verifySession,
} from "../../lib/http/session";
import type { AssembleMessage, SubmitMessage } from "../../lib/messages";
import { whatWins } from "../../lib/outcomes/learn";
import { monitoringTrend } from "../../lib/outcomes/monitoring";
import { STAGES } from "../../schema";
import { isHttps, pageHeaders, requireOperator, withClients } from "./middleware";

/** Who the attempts log names for everything done from the HTML dashboard. */
export const DASHBOARD_ACTOR = "dashboard";

/** Login failures per client address, for this isolate (bounded). */
export const loginThrottle = new LoginThrottle();

type Ctx = Context<AppEnv>;

async function render(c: Ctx, page: HtmlEscapedString | Promise<HtmlEscapedString>, status = 200) {
	return c.html(`<!doctype html>${await page}`, status as 200);
}

function actionDeps(c: Ctx): GlobalActionDeps {
	return {
		db: c.var.db,
		stripe: c.var.stripe,
		accounts: c.var.config.STRIPE_ACCOUNTS,
		assembleQueue: c.env.ASSEMBLE_QUEUE as Queue<AssembleMessage>,
		submitQueue: c.env.SUBMIT_QUEUE as Queue<SubmitMessage>,
	};
}

function submitMode(c: Ctx): "auto" | "review" {
	return c.var.config.SUBMIT_MODE;
}

function clientAddress(c: Ctx): string {
	return (c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "local").slice(0, 64);
}

const disputeId = z.string().regex(/^(du|dp)_\w{1,100}$/);
const cursor = z
	.string()
	.regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z\|(du|dp)_\w+$/)
	.optional()
	.catch(undefined);
const listQuery = z.object({
	stage: z.enum(STAGES).optional().catch(undefined),
	reason: z
		.string()
		.regex(/^[a-z_]{1,60}$/)
		.optional()
		.catch(undefined),
	due: z.enum(["48h", "7d", "overdue"]).optional().catch(undefined),
	cursor,
});

function parseCursor(value: string | undefined) {
	const [updatedAt, id] = value?.split("|") ?? [];
	return updatedAt && id ? { updatedAt: new Date(updatedAt), id } : undefined;
}

function notFoundPage(c: Ctx) {
	return render(
		c,
		MessagePage({ title: "Not found", message: "There is no such page.", csrf: c.var.csrf, back: "/dashboard" }),
		404,
	);
}

/** The server-rendered dashboard under /dashboard. */
export const dashboardPages = new Hono<AppEnv>();

dashboardPages.use("*", pageHeaders);

dashboardPages.get("/login", async (c) => {
	if (!c.env.DASHBOARD_TOKEN)
		return render(c, MessagePage({ title: "Dashboard disabled", message: "DASHBOARD_TOKEN is not configured." }), 503);
	const session = await verifySession(c.env.DASHBOARD_TOKEN, getCookie(c, sessionCookieName(isHttps(c))));
	if (session) return c.redirect("/dashboard", 302);
	return render(c, LoginPage({ status: c.req.query("bye") === "1" ? "You are logged out." : undefined }));
});

dashboardPages.post("/login", async (c) => {
	const configured = c.env.DASHBOARD_TOKEN;
	if (!configured)
		return render(c, MessagePage({ title: "Dashboard disabled", message: "DASHBOARD_TOKEN is not configured." }), 503);
	// Login CSRF: refuse a login posted from another site (Fetch Metadata; Origin where a client lacks it).
	const site = c.req.header("sec-fetch-site");
	const origin = c.req.header("origin");
	const foreign = site
		? site !== "same-origin" && site !== "none"
		: Boolean(
				origin && origin !== "null" && new URL(origin).host !== (c.req.header("host") ?? new URL(c.req.url).host),
			);
	if (foreign) {
		return render(c, LoginPage({ error: "Cross-site login refused." }), 403);
	}
	const address = clientAddress(c);
	const blocked = loginThrottle.blockedFor(address);
	if (blocked > 0) {
		c.header("Retry-After", String(Math.ceil(blocked / 1000)));
		return render(c, LoginPage({ error: "Too many failed attempts. Try again later." }), 429);
	}
	const body = await c.req.parseBody();
	const token = typeof body.token === "string" ? body.token : "";
	if (!token || token.length > 512 || !(await timingSafeEqualText(token, configured))) {
		const delay = loginThrottle.fail(address);
		await new Promise((resolve) => setTimeout(resolve, delay));
		return render(c, LoginPage({ error: "That token is not right." }), 401);
	}
	loginThrottle.succeed(address);
	const { value } = await createSession(configured);
	const secure = isHttps(c);
	setCookie(c, sessionCookieName(secure), value, {
		httpOnly: true,
		sameSite: "Strict",
		secure,
		path: "/",
		maxAge: SESSION_TTL_SECONDS,
	});
	return c.redirect("/dashboard", 303);
});

dashboardPages.use("*", requireOperator("page"), withClients);

dashboardPages.post("/logout", (c) => {
	const secure = isHttps(c);
	deleteCookie(c, sessionCookieName(secure), { path: "/", secure, httpOnly: true, sameSite: "Strict" });
	return c.redirect("/dashboard/login?bye=1", 303);
});

dashboardPages.get("/", async (c) => {
	const [data, ratio, items] = await Promise.all([overview(c.var.db), disputeRatio(c.var.db), needsAPerson(c.var.db)]);
	return render(
		c,
		OverviewPage({
			csrf: c.var.csrf ?? "",
			data,
			ratio,
			backfill: ["backfill", globalActions.backfill],
			attention: NeedsAPerson({ items }),
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
			cursor: parseCursor(filters.cursor),
		}),
		knownReasons(c.var.db),
		inFlightCount(c.var.db),
	]);
	return render(c, ListPage({ csrf: c.var.csrf ?? "", list, filters, reasons, live: inFlight > 0 }));
});

dashboardPages.get("/failed", async (c) => {
	const list = await failedDisputes(c.var.db, { limit: 50, cursor: parseCursor(cursor.parse(c.req.query("cursor"))) });
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
	const extra = (
		<>
			{MonitoringSection({ trend })}
			{WhatWinsSection({ wins })}
		</>
	);
	return render(c, OutcomesPage({ csrf: c.var.csrf ?? "", stats, ratio, extra }));
});

dashboardPages.get("/warnings", async (c) => {
	const data = await listEarlyFraudWarnings(c.var.db, { limit: 100 });
	return render(c, WarningsPage({ csrf: c.var.csrf ?? "", data, refundLimit: c.var.config.EFW_REFUND_MAX_AMOUNT }));
});

dashboardPages.get("/disputes/:id", async (c) => {
	const id = disputeId.safeParse(c.req.param("id"));
	if (!id.success) return notFoundPage(c);
	const [dispute, facts] = await Promise.all([disputeDetail(c.var.db, id.data), disputeFacts(c.var.db, id.data)]);
	const mode = submitMode(c);
	const actions = Object.entries(disputeActions).filter(([, a]) => a.available(dispute, mode));
	const done = disputeAction(c.req.query("done") ?? "");
	return render(
		c,
		DisputePage({
			csrf: c.var.csrf ?? "",
			dispute,
			facts,
			actions,
			flash: done ? `${done.label}: done.` : undefined,
			// Also live right after an approval, until the submit function picks the dispute up.
			live: IN_FLIGHT_STAGES.includes(dispute.stage) || (done !== undefined && dispute.stage === "awaiting_review"),
		}),
	);
});

/** The confirmation step of an action on one dispute. */
dashboardPages.get("/disputes/:id/:action", async (c) => {
	const id = disputeId.safeParse(c.req.param("id"));
	const action = disputeAction(c.req.param("action"));
	if (!id.success || !action) return notFoundPage(c);
	const dispute = await disputeDetail(c.var.db, id.data);
	const back = `/dashboard/disputes/${id.data}`;
	if (!action.available(dispute, submitMode(c))) {
		return render(
			c,
			MessagePage({
				title: action.label,
				message: `Not available: the dispute is ${dispute.stage}.`,
				csrf: c.var.csrf,
				back,
			}),
			409,
		);
	}
	return render(
		c,
		ConfirmPage({
			csrf: c.var.csrf ?? "",
			title: `${action.label} ${id.data}?`,
			description: action.confirm,
			action: `${back}/${c.req.param("action")}`,
			back,
			needsReason: action.needsReason,
			danger: action.danger,
		}),
	);
});

/** A confirmation form posted without its box ticked: nothing happens, and the operator goes back to it. */
function notConfirmed(c: Ctx, back: string) {
	return render(
		c,
		MessagePage({ title: "Not confirmed", message: "Tick the confirmation box to go ahead.", csrf: c.var.csrf, back }),
		400,
	);
}

dashboardPages.post("/disputes/:id/:action", async (c) => {
	const id = disputeId.safeParse(c.req.param("id"));
	const name = c.req.param("action");
	const action = disputeAction(name);
	if (!id.success || !action) return notFoundPage(c);
	const body = await c.req.parseBody();
	const back = `/dashboard/disputes/${id.data}`;
	if (body.confirm !== "yes") {
		return notConfirmed(c, `${back}/${name}`);
	}
	const reason = typeof body.reason === "string" ? body.reason : undefined;
	await action.run(actionDeps(c), id.data, { reason }, DASHBOARD_ACTOR);
	return c.redirect(`${back}?done=${name}`, 303);
});

/** Confirmation and execution of actions on the whole pipeline (retry all failed, …). */
dashboardPages.get("/actions/:name", async (c) => {
	const name = c.req.param("name");
	const action = globalAction(name);
	if (!action) return notFoundPage(c);
	return render(
		c,
		ConfirmPage({
			csrf: c.var.csrf ?? "",
			title: `${action.label}?`,
			description: action.confirm,
			action: `/dashboard/actions/${name}`,
			back: action.back,
		}),
	);
});

dashboardPages.post("/actions/:name", async (c) => {
	const name = c.req.param("name");
	const action = globalAction(name);
	if (!action) return notFoundPage(c);
	const body = await c.req.parseBody();
	if (body.confirm !== "yes") {
		return notConfirmed(c, `/dashboard/actions/${name}`);
	}
	const { summary } = await action.run(actionDeps(c), DASHBOARD_ACTOR);
	return render(c, MessagePage({ title: action.label, message: summary, csrf: c.var.csrf, back: action.back }));
});

dashboardPages.notFound((c) => notFoundPage(c));

dashboardPages.onError((error, c) => {
	if (error instanceof ConfigError) {
		console.error(error.message);
		return render(c, MessagePage({ title: "Not configured", message: "The service is not configured." }), 503);
	}
	if (error instanceof RebuttalError && error.status < 500) {
		return render(
			c,
			MessagePage({ title: "Refused", message: error.message, csrf: c.var.csrf, back: "/dashboard" }),
			error.status,
		);
	}
	console.error("unhandled dashboard error", describeError(error));
	return render(
		c,
		MessagePage({ title: "Error", message: "Something went wrong.", csrf: c.var.csrf, back: "/dashboard" }),
		500,
	);
});
