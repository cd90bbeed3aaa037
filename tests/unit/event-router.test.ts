import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAttempts } from "../../lib/dispute/store";
import { RetryableError } from "../../lib/errors";
import { type EventMessage, HANDLED_EVENT_TYPES, HANDLED_EVENTS, type HandledEventType } from "../../lib/messages";
import type { PipelineDeps } from "../../lib/pipeline/deps";
import { handleEarlyFraudWarning } from "../../lib/pipeline/early-fraud-warning";
import {
	EVENT_ROUTES,
	type EventHandler,
	handleEvent,
	recordChargeEvent,
	syncDisputeEvent,
} from "../../lib/pipeline/events";
import { openTestDatabase, type TestDatabase } from "../support/database";

// The assemble queue's event router: a table from each handled Stripe event type to its handler, behind the
// event's claim (a finished event is never routed again; a failed pass lets the redelivery route it again).

let database: TestDatabase;
beforeAll(async () => {
	database = await openTestDatabase();
});
afterAll(async () => database?.close());

const deps = () => ({ db: database.db, now: () => new Date() }) as unknown as PipelineDeps;
let counter = 0;
const event = (type: HandledEventType, objectId: string): EventMessage => ({
	kind: "event",
	eventId: `evt_router${++counter}`,
	type,
	objectId,
	stripeAccount: null,
	created: 1_800_000_000,
});

/** A routing table that records which route each event took. */
function recordingRoutes(fail?: (message: EventMessage) => boolean) {
	const taken: { route: string; eventId: string }[] = [];
	const routes = Object.fromEntries(
		HANDLED_EVENT_TYPES.map((type) => [
			type,
			(async (_deps, message) => {
				taken.push({ route: type, eventId: message.eventId });
				if (fail?.(message)) throw new RetryableError("stripe_unavailable", "down");
			}) satisfies EventHandler,
		]),
	) as unknown as Record<HandledEventType, EventHandler>;
	return { routes, taken };
}

describe("the event routes", () => {
	it("route every handled event type, dispute events to the dispute sync", () => {
		expect(Object.keys(EVENT_ROUTES).sort()).toEqual([...HANDLED_EVENT_TYPES].sort());
		for (const type of HANDLED_EVENT_TYPES) {
			const expected =
				HANDLED_EVENTS[type] === "dispute"
					? syncDisputeEvent
					: type === "charge.succeeded"
						? recordChargeEvent
						: handleEarlyFraudWarning;
			expect(EVENT_ROUTES[type], type).toBe(expected);
		}
		expect(EVENT_ROUTES["radar.early_fraud_warning.created"]).toBe(handleEarlyFraudWarning);
	});

	it("record a succeeded charge once, however often it is delivered", async () => {
		const message = event("charge.succeeded", "ch_router1");
		await handleEvent(deps(), message, 1);
		await handleEvent(deps(), { ...message, eventId: `evt_router${++counter}` }, 1);
		const { rows } = await database.exec("select id from rebuttal.charges where id = 'ch_router1'");
		expect(rows).toHaveLength(1);
	});
});

describe("handleEvent", () => {
	it("sends each event to the route of its type, once", async () => {
		const { routes, taken } = recordingRoutes();
		const messages = HANDLED_EVENT_TYPES.map((type) => event(type, "du_routed"));
		for (const message of messages) await handleEvent(deps(), message, 1, routes);
		expect(taken).toEqual(messages.map((m) => ({ route: m.type, eventId: m.eventId })));
	});

	it("records a redelivered finished event as a duplicate of its dispute and routes it nowhere", async () => {
		const { routes, taken } = recordingRoutes();
		const dispute = event("charge.dispute.updated", "du_twice");
		const charge = event("charge.succeeded", "ch_twice");
		for (const message of [dispute, dispute, charge, charge]) await handleEvent(deps(), message, 2, routes);
		expect(taken.map((t) => t.eventId)).toEqual([dispute.eventId, charge.eventId]);
		const attempts = await listAttempts(database.db, "du_twice");
		expect(attempts).toMatchObject([{ outcome: "duplicate", eventId: dispute.eventId, stage: "assemble" }]);
		const { rows } = await database.exec("select dispute_id from rebuttal.attempts where event_id = $1", [
			charge.eventId,
		]);
		expect(rows).toEqual([{ dispute_id: null }]);
	});

	it("lets the redelivery of a failed pass route the event again", async () => {
		let failures = 1;
		const { routes, taken } = recordingRoutes(() => failures-- > 0);
		const message = event("radar.early_fraud_warning.created", "issfr_router");
		await expect(handleEvent(deps(), message, 1, routes)).rejects.toBeInstanceOf(RetryableError);
		await handleEvent(deps(), message, 2, routes);
		await handleEvent(deps(), message, 3, routes);
		expect(taken.map((t) => t.route)).toEqual([
			"radar.early_fraud_warning.created",
			"radar.early_fraud_warning.created",
		]);
	});
});
