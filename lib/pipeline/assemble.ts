import type { AssembleMessage } from "../messages";
import type { PipelineDeps } from "./deps";
import { handleEvent } from "./events";
import { syncDispute } from "./sync";

/** One message of the assemble queue: a Stripe event, or a request to assemble a dispute again. */
export async function handleAssembleMessage(deps: PipelineDeps, message: AssembleMessage, delivery: number) {
	if (message.kind === "reassemble") {
		await syncDispute(deps, message.disputeId, message.stripeAccount, {
			eventId: null,
			delivery,
			actor: message.requestedBy,
		});
		return;
	}
	await handleEvent(deps, message, delivery);
}
