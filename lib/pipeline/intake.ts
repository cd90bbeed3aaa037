import { PermanentError } from "../errors";
import { type EventMessage, isHandledEventType } from "../messages";
import { checkTimestamp, parseSignatureHeader, SignatureRejected, signatureMatches } from "./webhook-signature";

/** Stripe's default tolerance for the signature timestamp. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe's own events stay far below this; anything larger is not an event of ours. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export class WebhookRejected extends PermanentError {
	constructor(message: string, status = 400) {
		super("webhook_rejected", message, { status });
	}
}

/** Stripe sends UTF-8; a signed body that is not UTF-8 is not an event. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Verifies the signature on the raw body and turns a handled event into the small message the assemble queue
 * carries. Returns null for verified events of types rebuttal does not act on. Cheap checks first: the header and
 * its timestamp before the HMAC, the HMAC before the JSON parse.
 */
export async function verifyWebhook(
	rawBody: Uint8Array,
	signatureHeader: string | undefined,
	secret: string,
	nowSeconds = Math.floor(Date.now() / 1000),
): Promise<EventMessage | null> {
	if (!signatureHeader) throw new WebhookRejected("missing Stripe-Signature header");
	try {
		const header = parseSignatureHeader(signatureHeader);
		checkTimestamp(header.timestamp, nowSeconds, SIGNATURE_TOLERANCE_SECONDS);
		if (!(await signatureMatches(header, rawBody, secret))) {
			throw new SignatureRejected("no signature matches the payload");
		}
	} catch (error) {
		if (error instanceof SignatureRejected) {
			throw new WebhookRejected(`signature verification failed: ${error.message}`);
		}
		throw error;
	}
	let event: unknown;
	try {
		event = JSON.parse(utf8.decode(rawBody));
	} catch {
		// A correctly signed body that is not JSON.
		throw new WebhookRejected("body is not a valid JSON event");
	}
	return toEventMessage(event);
}

function toEventMessage(event: unknown): EventMessage | null {
	// Signed JSON is not necessarily an object: `null`, `7` or `[]` verify just as well.
	if (typeof event !== "object" || event === null || Array.isArray(event)) {
		throw new WebhookRejected("event is not a JSON object");
	}
	const raw = event as {
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
