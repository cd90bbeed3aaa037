import type { WorkerOptions } from "miniflare";

/**
 * Copies of the Worker for concurrent queue consumers in isolates of their own. Cloudflare runs up to
 * `max_concurrency` batches of a queue at once, possibly in different isolates; Miniflare runs one batch per queue
 * at a time in one isolate. Each replica here is that second (third, …) isolate: it receives webhooks on its own
 * socket, consumes its own copies of the queues (`r1-rebuttal-assemble`, …, so the stage routing by queue name
 * still holds) and shares the R2 buckets and the Durable Objects (the Stripe rate limiter) of the first Worker.
 */
export function consumerReplicas(
	base: WorkerOptions & { name: string },
	count: number,
): (WorkerOptions & { name: string })[] {
	return Array.from({ length: count }, (_, i) => {
		const prefix = `r${i + 1}-`;
		const rename = (queue: string) => `${prefix}${queue}`;
		return {
			...base,
			name: `${prefix}${base.name}`,
			unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
			queueProducers: Object.fromEntries(
				Object.entries((base.queueProducers ?? {}) as Record<string, string | { queueName: string }>).map(
					([binding, producer]) => [
						binding,
						typeof producer === "string" ? rename(producer) : { ...producer, queueName: rename(producer.queueName) },
					],
				),
			),
			queueConsumers: Object.fromEntries(
				Object.entries((base.queueConsumers ?? {}) as Record<string, { deadLetterQueue?: string }>).map(
					([queue, consumer]) => [
						rename(queue),
						{ ...consumer, ...(consumer.deadLetterQueue && { deadLetterQueue: rename(consumer.deadLetterQueue) }) },
					],
				),
			),
			durableObjects: Object.fromEntries(
				Object.entries((base.durableObjects ?? {}) as Record<string, { className: string }>).map(
					([binding, object]) => [binding, { className: object.className, scriptName: base.name }],
				),
			),
		};
	});
}
