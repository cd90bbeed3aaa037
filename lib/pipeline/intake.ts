import Stripe from "stripe";
import { PermanentError } from "../errors";
import { type EventMessage, isHandledEventType } from "../messages";

/** Stripe's default tolerance for the signature timestamp. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe's own events stay far below this; anything larger is not an event of ours. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export class WebhookRejected extends PermanentError {
	constructor(message: string, status = 400) {
		super("webhook_rejected", message, { status });
	}
}

const cryptoProvider = Stripe.createSubtleCryptoProvider();

/**
 * Verifies the signature on the raw body and turns a handled event into the small message the assemble queue
 * carries. Returns null for verified events of types rebuttal does not act on.
 */
export async function verifyWebhook(
	rawBody: string,
	signatureHeader: string | undefined,
	secret: string,
	nowSeconds = Math.floor(Date.now() / 1000),
): Promise<EventMessage | null> {
	if (!signatureHeader) throw new WebhookRejected("missing Stripe-Signature header");
	// stripe-node refuses a timestamp older than the tolerance but accepts any in the future, so a signed delivery
	// captured once could be replayed for as long as its timestamp lies ahead. Checked before the HMAC: header only.
	const timestamp = signatureTimestamp(signatureHeader);
	if (timestamp !== null && timestamp - nowSeconds > SIGNATURE_TOLERANCE_SECONDS) {
		throw new WebhookRejected("signature verification failed: timestamp is in the future beyond the tolerance");
	}
	let event: Stripe.Event;
	try {
		event = await Stripe.webhooks.constructEventAsync(
			rawBody,
			signatureHeader,
			secret,
			SIGNATURE_TOLERANCE_SECONDS,
			cryptoProvider,
		);
	} catch (error) {
		if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
			throw new WebhookRejected(`signature verification failed: ${error.message}`);
		}
		// A correctly signed body that is not JSON.
		throw new WebhookRejected("body is not a valid JSON event");
	}
	return toEventMessage(event);
}

/** The `t=` of a Stripe-Signature header read as stripe-node reads it (the last one, parseInt); null if none. */
export function signatureTimestamp(header: string): number | null {
	let timestamp: number | null = null;
	for (const item of header.split(",")) {
		const [key, value] = item.split("=");
		if (key === "t") timestamp = Number.parseInt(value ?? "", 10);
	}
	return timestamp !== null && Number.isFinite(timestamp) ? timestamp : null;
}

function toEventMessage(event: Stripe.Event): EventMessage | null {
	// Signed JSON is not necessarily an object: `null`, `7` or `[]` verify just as well.
	if (typeof event !== "object" || event === null || Array.isArray(event)) {
		throw new WebhookRejected("event is not a JSON object");
	}
	const raw = event as unknown as {
		id?: unknown;
		type?: unknown;
		created?: unknown;
		account?: unknown;
		data?: { object?: { id?: unknown } };
	};
	if (typeof raw.id !== "string" || typeof raw.type !== "string") {
		throw new WebhookRejected("event has no id or type");
	}
	if (!isHandledEventType(raw.type)) return null;
	const objectId = raw.data?.object?.id;
	if (typeof objectId !== "string" || !/^\w+$/.test(objectId)) throw new WebhookRejected("event has no object id");
	if (!/^evt_\w+$/.test(raw.id)) throw new WebhookRejected("event id is malformed");
	// Absent (or null) means the platform's own event; anything else must be a connected account id, or the
	// event would be processed against the platform's disputes.
	if (raw.account !== undefined && raw.account !== null) {
		if (typeof raw.account !== "string" || !/^acct_\w+$/.test(raw.account)) {
			throw new WebhookRejected("event account is malformed");
		}
	}
	const account = typeof raw.account === "string" ? raw.account : null;
	return {
		kind: "event",
		eventId: raw.id,
		type: raw.type,
		objectId,
		stripeAccount: account,
		created: typeof raw.created === "number" && raw.created >= 0 ? Math.floor(raw.created) : 0,
	};
}
