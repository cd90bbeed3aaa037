import { z } from "zod";

/**
 * Queue messages: small, self-describing, validated on receipt. Each one names the Stripe object to re-read;
 * the facts themselves are always fetched again, never carried in a message.
 */

/** The Stripe events rebuttal handles, and what each one's object is (routed by lib/pipeline/events.ts). */
export const HANDLED_EVENTS = {
	"charge.dispute.created": "dispute",
	"charge.dispute.updated": "dispute",
	"charge.dispute.closed": "dispute",
	"charge.dispute.funds_withdrawn": "dispute",
	"charge.dispute.funds_reinstated": "dispute",
	"radar.early_fraud_warning.created": "early_fraud_warning",
	/** Counted (never acted on) for the dashboard's dispute ratio. */
	"charge.succeeded": "charge",
} as const;
export type HandledEventType = keyof typeof HANDLED_EVENTS;
export const HANDLED_EVENT_TYPES = Object.keys(HANDLED_EVENTS) as [HandledEventType, ...HandledEventType[]];

export function isHandledEventType(type: string): type is HandledEventType {
	return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

const stripeAccount = z
	.string()
	.regex(/^acct_\w+$/)
	.nullable();

/** How many times this message was sent again because Stripe rate-limited its work (see lib/queue.ts). */
const throttled = z.number().int().min(1).max(1000).optional();

/** From intake: one verified Stripe event. */
export const eventMessageSchema = z.object({
	kind: z.literal("event"),
	eventId: z.string().regex(/^evt_\w+$/),
	type: z.enum(HANDLED_EVENT_TYPES),
	objectId: z.string().regex(/^\w+$/),
	stripeAccount,
	/** Stripe's `created` of the event, seconds since the epoch. */
	created: z.number().int().nonnegative(),
	throttled,
});

/** From the dashboard or a sweep: assemble this dispute again. */
export const reassembleMessageSchema = z.object({
	kind: z.literal("reassemble"),
	disputeId: z.string().regex(/^(du|dp)_\w+$/),
	stripeAccount,
	requestedBy: z.string().max(200),
	throttled,
});

export const assembleMessageSchema = z.discriminatedUnion("kind", [eventMessageSchema, reassembleMessageSchema]);
export type EventMessage = z.infer<typeof eventMessageSchema>;
export type AssembleMessage = z.infer<typeof assembleMessageSchema>;

export const submitMessageSchema = z.object({
	disputeId: z.string().regex(/^(du|dp)_\w+$/),
	stripeAccount,
	/** Set by an operator's approval in review mode: submit what is staged. */
	approvedBy: z.string().max(200).optional(),
	/** With `approvedBy`: a person chose to accept (close) the dispute instead of submitting its evidence. */
	accept: z.literal(true).optional(),
	throttled,
});
export type SubmitMessage = z.infer<typeof submitMessageSchema>;

/** The one interface lib/ needs from a Cloudflare Queue producer. */
export interface QueueSender<T> {
	send(body: T, options?: { delaySeconds?: number }): Promise<unknown>;
}
