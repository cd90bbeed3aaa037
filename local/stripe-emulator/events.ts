import Stripe from "stripe";
import { clone, newId, now, type Store, type StripeObject } from "./store";

/** The API version of the stripe-node release the project pins; events carry it like Stripe's do. */
export const API_VERSION: string = (Stripe as unknown as { API_VERSION: string }).API_VERSION;

/** A complete Stripe Event for `object`, recorded in the store; `account` is set for connected accounts. */
export function buildEvent(
	store: Store,
	type: string,
	object: StripeObject,
	account: string | null,
	extra: { previous_attributes?: StripeObject; request?: { id: string | null; idempotency_key: string | null } } = {},
): StripeObject {
	const event: StripeObject = {
		id: newId("evt"),
		object: "event",
		...(account ? { account } : {}),
		api_version: API_VERSION,
		created: now(),
		data: {
			object: clone(object),
			...(extra.previous_attributes ? { previous_attributes: extra.previous_attributes } : {}),
		},
		livemode: object.livemode ?? false,
		pending_webhooks: 1,
		request: extra.request ?? { id: null, idempotency_key: null },
		type,
	};
	store.events.push(event);
	return clone(event);
}
