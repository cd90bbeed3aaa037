import { runScheduled } from "../../lib/lifecycle/scheduled";
import { withPipeline } from "../wiring";

/**
 * The cron trigger: the deadline sweep, the backfill of open disputes and the import of last year's closed ones. Configuration is validated first;
 * a failure of either part is logged and fails the invocation (visible in Cloudflare's cron log), after both ran.
 */
export default {
	async scheduled(_controller, env, ctx) {
		await withPipeline(env, ctx, async (deps) => {
			const report = await runScheduled(deps);
			const failures = [
				"error" in report.sweep ? `sweep: ${report.sweep.error}` : null,
				...("error" in report.sweep ? [] : report.sweep.errors.map((e) => `sweep: ${e}`)),
				"error" in report.backfill ? `backfill: ${report.backfill.error}` : null,
				...("error" in report.backfill
					? []
					: report.backfill.filter((r) => r.error).map((r) => `backfill ${r.account ?? "platform"}: ${r.error}`)),
				"error" in report.history ? `history: ${report.history.error}` : null,
				...("error" in report.history
					? []
					: report.history.filter((r) => r.error).map((r) => `history ${r.account ?? "platform"}: ${r.error}`)),
			].filter((f): f is string => f !== null);
			console.log(JSON.stringify({ scheduled: report }));
			if (failures.length > 0) throw new Error(`scheduled run incomplete: ${failures.join("; ").slice(0, 2000)}`);
		});
	},
} satisfies ExportedHandler<Env, unknown>;
