import { Log, LogLevel, Miniflare } from "miniflare";

/**
 * The baselines of the intake benchmark, run by the same Miniflare and workerd as rebuttal, so the ratios measure
 * what intake itself costs:
 * - the bare Worker reads the body and answers 200 (the cost of an HTTP request at all);
 * - the enqueue Worker reads the same body, sends a queue message of the same shape intake sends and answers 200:
 *   the irreducible cost of accepting an event without losing it. It parses nothing and checks nothing.
 */
export const BASELINE_WORKER = `export default {
	async fetch(request) {
		await request.arrayBuffer();
		return new Response('{"received":true}', { headers: { "content-type": "application/json" } });
	},
};`;

export const ENQUEUE_BASELINE_WORKER = `let n = 0;
export default {
	async fetch(request, env) {
		await request.arrayBuffer();
		n++;
		await env.ASSEMBLE_QUEUE.send({
			kind: "event",
			eventId: "evt_bench" + String(n).padStart(8, "0"),
			type: "charge.dispute.created",
			objectId: "du_bench" + n,
			stripeAccount: null,
			created: 1764547200,
		});
		return new Response('{"received":true}', { headers: { "content-type": "application/json" } });
	},
};`;

async function start(script: string, queue: boolean): Promise<{ url: string; stop(): Promise<void> }> {
	const miniflare = new Miniflare({
		host: "127.0.0.1",
		port: 0,
		log: new Log(LogLevel.WARN),
		modules: true,
		script,
		compatibilityDate: "2026-04-20",
		// A producer only, as in the intake run: nothing drains the queue meanwhile.
		...(queue && { queueProducers: { ASSEMBLE_QUEUE: { queueName: "baseline-assemble" } } }),
	});
	const url = (await miniflare.ready).origin;
	return { url, stop: () => miniflare.dispose() };
}

export function startBaselineWorker(): Promise<{ url: string; stop(): Promise<void> }> {
	return start(BASELINE_WORKER, false);
}

export function startEnqueueBaselineWorker(): Promise<{ url: string; stop(): Promise<void> }> {
	return start(ENQUEUE_BASELINE_WORKER, true);
}
