import { Hono } from "hono";
import { type AppEnv, notFound, onError } from "../lib/http/app";
import { transportSecurity } from "../lib/http/headers";
import assemble from "./assemble";
import { dashboardApp } from "./dashboard/app";
import { intakeApp } from "./intake/app";
import notify from "./notify";
import scheduled from "./scheduled";
import submit from "./submit";

export { StripeRateLimiter } from "./stripe-rate-limiter";

/**
 * The default deployment: every edge function in one Worker. They still talk only through the queues and the
 * database, so any of them can be split into a Worker of its own (see each functions/* module).
 */
const app = new Hono<AppEnv>().use("*", transportSecurity).route("/", intakeApp).route("/", dashboardApp);
app.onError(onError);
app.notFound(notFound);

export default {
	fetch: app.fetch,
	async queue(batch, env, ctx) {
		const name = batch.queue.replace(/-dlq$/, "");
		if (name.endsWith("assemble")) return assemble.queue(batch, env, ctx);
		if (name.endsWith("submit")) return submit.queue(batch, env, ctx);
		if (name.endsWith("notify")) return notify.queue(batch, env);
		// A queue this Worker does not know: leave the messages for the queue's own retry and DLQ.
		console.error(`no consumer for queue ${batch.queue}`);
		batch.retryAll();
	},
	scheduled: scheduled.scheduled,
} satisfies ExportedHandler<Env, unknown>;
