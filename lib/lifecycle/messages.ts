import { z } from "zod";
import { NOTIFY_KINDS } from "../dispute/notices";

/** A Slack-compatible message body: any URL gets the same JSON. */
export interface NotifyPayload {
	text: string;
	blocks?: { type: "section"; text: { type: "mrkdwn"; text: string } }[];
}

/** One message of the notify queue: the payload is built when enqueued, delivery only posts it. */
export const notifyMessageSchema = z.object({
	kind: z.enum(NOTIFY_KINDS),
	/** The dispute, or `monitoring_<month>_<programme>_<status>` for a monitoring notice. */
	disputeId: z.string().regex(/^((du|dp)_\w+|monitoring_\w+)$/),
	payload: z.object({
		text: z.string().min(1).max(3000),
		blocks: z
			.array(
				z.object({
					type: z.literal("section"),
					text: z.object({ type: z.literal("mrkdwn"), text: z.string().max(3000) }),
				}),
			)
			.max(10)
			.optional(),
	}),
});
export type NotifyMessage = z.infer<typeof notifyMessageSchema>;
