import { and, desc, eq, gt, notInArray } from "drizzle-orm";
import type Stripe from "stripe";
import { activity } from "../../schema";
import type { Db } from "../db/client";
import { matchAccount } from "../evidence/match";

/**
 * When refunding an early fraud warning's charge pays: a refund gives up the amount for sure to avoid a dispute
 * that would cost the amount and the dispute fee, and count toward the networks' ratios. It does not pay when the
 * dispute would be won or cannot happen: 3-D Secure shifted fraud liability to the issuer, or the customer used
 * the service after paying (the evidence that wins a fraud dispute).
 */

/** Activity kinds that do not show the customer used what they paid for (a login alone, a message, a cancellation). */
export const NOT_USE_KINDS = ["login", "signup", "support_message", "cancellation"];

/** Why 3-D Secure makes a refund pointless, or null when it did not authenticate the payment. */
export function threeDSecureReason(charge: Partial<Pick<Stripe.Charge, "payment_method_details">>): string | null {
	const result = charge.payment_method_details?.card?.three_d_secure?.result;
	if (result === "authenticated" || result === "attempt_acknowledged") {
		return `3-D Secure ${result === "authenticated" ? "authenticated" : "acknowledged an attempt at"} the payment, so fraud liability lies with the issuer`;
	}
	return null;
}

/** The latest use of the service after the charge by the account behind it, or null (none, or no account matched). */
export async function useAfterCharge(db: Db, charge: Stripe.Charge): Promise<{ kind: string; at: Date } | null> {
	const customer =
		typeof charge.customer === "object" && charge.customer && !charge.customer.deleted ? charge.customer : null;
	const matched = await matchAccount(db, charge, customer);
	if (!matched) return null;
	const [row] = await db
		.select({ kind: activity.kind, at: activity.occurredAt })
		.from(activity)
		.where(
			and(
				eq(activity.accountId, matched.row.id),
				gt(activity.occurredAt, new Date(charge.created * 1000)),
				notInArray(activity.kind, NOT_USE_KINDS),
			),
		)
		.orderBy(desc(activity.occurredAt))
		.limit(1);
	return row?.at ? { kind: row.kind ?? "activity", at: row.at } : null;
}
