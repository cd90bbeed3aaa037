import { Hono } from "hono";
import { disputeDetail } from "../../lib/dashboard/queries";
import { confirmText, disputeAction, globalAction } from "../../lib/dashboard/registry";
import { ConfirmPage } from "../../lib/dashboard/views/pages/confirm";
import { MessagePage } from "../../lib/dashboard/views/pages/message";
import type { AppEnv } from "../../lib/http/app";
import { disputeId } from "../../lib/http/params";
import { actionDeps, type Ctx, DASHBOARD_ACTOR, notFoundPage, render } from "./render";

/** Confirmation and execution of the dashboard's actions, on one dispute or on the whole pipeline. */
export const actionRoutes = new Hono<AppEnv>();

/** A confirmation form posted without its box ticked: nothing happens, and the operator goes back to it. */
function notConfirmed(c: Ctx, back: string) {
	return render(
		c,
		MessagePage({ title: "Not confirmed", message: "Tick the confirmation box to go ahead.", csrf: c.var.csrf, back }),
		400,
	);
}

/** The confirmation step of an action on one dispute. */
actionRoutes.get("/disputes/:id/:action", async (c) => {
	const id = disputeId.safeParse(c.req.param("id"));
	const action = disputeAction(c.req.param("action"));
	if (!id.success || !action) return notFoundPage(c);
	const dispute = await disputeDetail(c.var.db, id.data);
	const back = `/dashboard/disputes/${id.data}`;
	if (!action.available(dispute, c.var.config.SUBMIT_MODE)) {
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
			description: confirmText(action, { dispute, appealFees: c.var.config.APPEAL_FEES ?? {} }),
			action: `${back}/${c.req.param("action")}`,
			back,
			needsReason: action.needsReason,
			danger: action.danger,
		}),
	);
});

actionRoutes.post("/disputes/:id/:action", async (c) => {
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

actionRoutes.get("/actions/:name", async (c) => {
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

actionRoutes.post("/actions/:name", async (c) => {
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
