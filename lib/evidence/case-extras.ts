/**
 * Case-file types that `types.ts` does not (yet) declare. They extend the case without changing its shape:
 * `buildFacts` accepts them as optional extra parts.
 */

/** Where the IP address of the purchase came from. Never guessed: absent when no source names one. */
export type PurchaseIpSource = "charge_metadata" | "payment_intent_metadata" | "activity_near_charge";

export interface PurchaseIp {
	ip: string;
	source: PurchaseIpSource;
	/** For `activity_near_charge`: when that activity happened. */
	observedAt: string | null;
	/** Activity events from this IP on the account before the charge. */
	priorCount: number;
	firstSeenAt: string | null;
}

/** Extra parts `buildFacts` and the writers understand; all optional. */
export interface CaseExtras {
	purchaseIp?: PurchaseIp | null;
	/** Number of artifacts on the account (the case lists only a bounded few). */
	artifactCount?: number;
}
