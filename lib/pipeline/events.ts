import { claimEvent, finishEvent, recordAttempt, releaseEvent } from "../dispute/store";
import { RetryableError } from "../errors";
import type { EventMessage, HandledEventType } from "../messages";
import { recordCharge } from "./charges";
import type { PipelineDeps } from "./deps";
import { handleEarlyFraudWarning } from "./early-fraud-warning";
import { disputeIdOf } from "./failures";
import { syncDispute } from "./sync";

/** What one Stripe event does once it holds its claim. */
export type EventHandler = (deps: PipelineDeps, message: EventMessage, delivery: number) => Promise<void>;

/** A dispute event: the dispute is re-read from Stripe and reconciled, whatever the event itself says. */
export const syncDisputeEvent: EventHandler = (deps, message, delivery) =>
	syncDispute(deps, message.objectId, message.stripeAccount, {
		eventId: message.eventId,
		delivery,
		actor: "system",
	});

export const recordChargeEvent: EventHandler = (deps, message) => recordCharge(deps.db, message);

/** The event router of the assemble queue: each handled event type and its handler. */
export const EVENT_ROUTES: Record<HandledEventType, EventHandler> = {
	"charge.dispute.created": syncDisputeEvent,
	"charge.dispute.updated": syncDisputeEvent,
	"charge.dispute.closed": syncDisputeEvent,
	"charge.dispute.funds_withdrawn": syncDisputeEvent,
	"charge.dispute.funds_reinstated": syncDisputeEvent,
	"radar.early_fraud_warning.created": handleEarlyFraudWarning,
	"charge.succeeded": recordChargeEvent,
};

/**
 * One Stripe event: claimed under its unique id (a redelivery of a finished event is recorded as a duplicate and
 * does nothing; one that meets another delivery at work waits), routed by its type, then marked processed.
 */
export async function handleEvent(
	deps: PipelineDeps,
	message: EventMessage,
	delivery: number,
	routes: Record<HandledEventType, EventHandler> = EVENT_ROUTES,
): Promise<void> {
	const claim = await claimEvent(deps.db, message);
	if (claim === "processed") {
		await recordAttempt(deps.db, {
			disputeId: disputeIdOf(message),
			eventId: message.eventId,
			stage: "assemble",
			outcome: "duplicate",
			deliveryAttempt: delivery,
		});
		return;
	}
	if (claim === "busy") throw new RetryableError("event_in_progress", "another delivery is processing this event");
	try {
		await routes[message.type](deps, message, delivery);
		await finishEvent(deps.db, message.eventId);
	} catch (error) {
		await releaseEvent(deps.db, message.eventId).catch(() => {});
		throw error;
	}
}
