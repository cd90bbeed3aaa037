import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { DisputeActionDeps, GlobalActionDeps } from "../../lib/dashboard/registry";
import { MessagePage } from "../../lib/dashboard/views/pages/message";
import type { AppEnv } from "../../lib/http/app";

export type Ctx = Context<AppEnv>;

/** Who the attempts log names for everything done from the HTML dashboard. */
export const DASHBOARD_ACTOR = "dashboard";

export async function render(c: Ctx, page: HtmlEscapedString | Promise<HtmlEscapedString>, status = 200) {
	return c.html(`<!doctype html>${await page}`, status as 200);
}

export function notFoundPage(c: Ctx) {
	return render(
		c,
		MessagePage({ title: "Not found", message: "There is no such page.", csrf: c.var.csrf, back: "/dashboard" }),
		404,
	);
}

export function actionDeps(c: Ctx): GlobalActionDeps & DisputeActionDeps {
	return {
		db: c.var.db,
		stripe: c.var.stripe,
		accounts: c.var.config.STRIPE_ACCOUNTS,
		appealFees: c.var.config.APPEAL_FEES ?? {},
		assembleQueue: c.env.ASSEMBLE_QUEUE,
		submitQueue: c.env.SUBMIT_QUEUE,
	};
}
