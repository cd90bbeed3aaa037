import type { BillingSummary } from "./billing";
import type { CancellationState } from "./cancellations";
import type { FirstCardPayment } from "./stripe-facts";

/**
 * Case-file types that `types.ts` does not (yet) declare. They extend the case without changing its shape:
 * `buildFacts` accepts them as optional extra parts.
 */

/** Where the IP address of the purchase came from. Never guessed: absent when no source names one. */
export type PurchaseIpSource =
	| "charge_metadata"
	| "payment_intent_metadata"
	| "checkout_event"
	| "activity_near_charge";

/** Sources that recorded the purchase IP at the purchase; `activity_near_charge` is an inference. */
export const RECORDED_PURCHASE_IP_SOURCES: ReadonlySet<PurchaseIpSource> = new Set([
	"charge_metadata",
	"payment_intent_metadata",
	"checkout_event",
]);

export interface PurchaseIp {
	ip: string;
	source: PurchaseIpSource;
	/** For `checkout_event` and `activity_near_charge`: when that activity happened. */
	observedAt: string | null;
	/** Activity events from this IP on the account before the charge. */
	priorCount: number;
	firstSeenAt: string | null;
}

/** A refund of the disputed charge, from Stripe's refunds list. */
export interface RefundRecord {
	id: string;
	amount: number;
	createdAt: string;
	status: string | null;
}

/** Extra parts `buildFacts` and the writers understand; all optional. */
export interface CaseExtras {
	/** The account's latest cancellation before the charge and any reactivation after it (activity data). */
	cancellationState?: CancellationState | null;
	/** The first earlier payment on the disputed card (for a renewal: where the cardholder saved it). */
	firstPaymentOnCard?: FirstCardPayment | null;
	/** The invoice and subscription the charge paid (Stripe Billing); null for a one-off payment. */
	billing?: BillingSummary | null;
	/** Facts that argue for the cardholder, withheld from the submitted case and shown to the operator. */
	redFlags?: { code: string; detail: string }[];
	/** Refunds of the disputed charge, newest first; absent when they were not listed. */
	refunds?: RefundRecord[];
	purchaseIp?: PurchaseIp | null;
	/** Number of artifacts on the account (the case lists only a bounded few). */
	artifactCount?: number;
	/** Logins and activity around the charge and after the service period began. */
	chargeWindow?: ChargeWindow | null;
}

/**
 * Activity around the charge: logins in the days either side of it, activity on the day of the charge, and
 * activity after the service period began (the charge time unless the charge names its period's start).
 */
export interface ChargeWindow {
	/** Days either side of the charge that the login counts cover. */
	windowDays: number;
	loginsBefore: number;
	loginsAfter: number;
	lastLoginBeforeAt: string | null;
	firstLoginAfterAt: string | null;
	/** Events of any kind within 24 hours either side of the charge. */
	eventsAroundCharge: number;
	servicePeriodStart: string;
	servicePeriodSource: "charge" | "charge_metadata";
	afterServiceStart: number;
	/** Distinct devices the account used before the charge, and whether the purchase device was one of them. */
	devicesBeforeCharge: number;
	purchaseDevice: string | null;
	purchaseDeviceSeenBefore: boolean | null;
}
