import { charges } from "../../schema";
import type { Db } from "../db/client";
import type { EventMessage } from "../messages";

/**
 * Records one successful charge for the dispute ratio: its id and when it succeeded (the event's `created`).
 * Keyed by the charge id, so redeliveries and repeated events count it once. No Stripe call is needed.
 */
export async function recordCharge(db: Db, message: EventMessage): Promise<void> {
	const createdAt = message.created > 0 ? new Date(message.created * 1000) : new Date();
	await db
		.insert(charges)
		.values({ id: message.objectId, stripeAccount: message.stripeAccount, createdAt })
		.onConflictDoNothing();
}
