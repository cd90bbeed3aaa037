import { Log, LogLevel, Miniflare } from "miniflare";

/**
 * The baseline of the intake benchmark: a bare Worker whose only route answers 200, run by the same Miniflare
 * and workerd as rebuttal, so the ratio measures what intake itself costs.
 */
export const BASELINE_WORKER = `export default {
	async fetch(request) {
		await request.arrayBuffer();
		return new Response('{"received":true}', { headers: { "content-type": "application/json" } });
	},
};`;

export async function startBaselineWorker(): Promise<{ url: string; stop(): Promise<void> }> {
	const miniflare = new Miniflare({
		host: "127.0.0.1",
		port: 0,
		log: new Log(LogLevel.WARN),
		modules: true,
		script: BASELINE_WORKER,
		compatibilityDate: "2026-04-20",
	});
	const url = (await miniflare.ready).origin;
	return { url, stop: () => miniflare.dispose() };
}
