import Stripe from "stripe";

// Signed Stripe webhook deliveries for tests and the bench. Web APIs only (Stripe's SubtleCryptoProvider, which
// uses crypto.subtle), so the workers tests can import it inside workerd and the bench in Node.

const cryptoProvider = Stripe.createSubtleCryptoProvider();

/** A `charge.dispute.created` event as Stripe sends it; `overrides` replace its top-level keys. */
export function disputeEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		id: "evt_1NG8Du2eZvKYlo2CUI79vXWy",
		object: "event",
		api_version: "2024-06-20",
		created: Math.floor(Date.now() / 1000),
		type: "charge.dispute.created",
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		data: { object: { id: "du_1MtJUT2eZvKYlo2CNaw2HvEv", object: "dispute", amount: 1000 } },
		...overrides,
	};
}

/** The `stripe-signature` header Stripe would send with `payload`, signed with `secret` at `timestamp` (default now). */
export function signPayload(payload: string, secret: string, timestamp?: number): Promise<string> {
	return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp, cryptoProvider });
}
