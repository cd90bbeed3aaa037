import type { ConsumedMessage } from "../../lib/queue";

/** A queue message that records what its consumer decided: acked, or retried with which delay. */
export class FakeMessage implements ConsumedMessage {
	outcome: "acked" | { retried: number | undefined } | null = null;
	constructor(
		readonly body: unknown,
		readonly attempts = 1,
		readonly id = crypto.randomUUID(),
	) {}
	ack() {
		this.outcome = "acked";
	}
	retry(options?: { delaySeconds?: number }) {
		this.outcome = { retried: options?.delaySeconds };
	}
}
