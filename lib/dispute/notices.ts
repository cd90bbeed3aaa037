import type { DisputeRow } from "./store";

/** The kinds of notice, each sent at most once per dispute. */
export const NOTIFY_KINDS = [
	"new_dispute",
	"submitted",
	"won",
	"lost",
	"failed",
	"deadline",
	"review_overdue",
	"stripe_handles",
	/** A card network's monitoring ratio approaching or over its threshold (lib/outcomes/monitoring.ts). */
	"monitoring",
] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/**
 * The notification port: what the pipeline and the lifecycle jobs call to tell the operator. The functions/
 * wiring implements it (lib/lifecycle/notify.ts enqueues on the notify queue); absent, nothing is sent.
 */
export interface Notices {
	/** Sends one notice of `kind` for the dispute, once per dispute and kind ever. Never throws; true when this call sent it. */
	send(kind: NotifyKind, dispute: DisputeRow): Promise<boolean>;
	/**
	 * Sends a notice about no single dispute (a monitoring ratio), once ever per `key`. Never throws; true when this
	 * call sent it.
	 */
	sendText(kind: NotifyKind, key: string, text: string): Promise<boolean>;
}
