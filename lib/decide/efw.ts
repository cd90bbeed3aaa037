import { and, desc, eq, gt, max } from "drizzle-orm";
import type Stripe from "stripe";
import { activity } from "../../schema";
import type { Db } from "../db/client";
import { loadActivityKinds } from "../evidence/kind-labels";
import { ActivityKinds } from "../evidence/kinds";
import { matchAccount } from "../evidence/match";

/**
 * When refunding an early fraud warning's charge pays: a refund gives up the amount for sure to avoid a dispute
 * that would cost the amount and the dispute fee, and count toward the networks' ratios. It does not pay when the
 * dispute would be won or cannot happen: 3-D Secure shifted fraud liability to the issuer, or the customer used
 * the service after paying (the evidence that wins a fraud dispute).
 */

/** Why 3-D Secure makes a refund pointless, or null when it did not authenticate the payment. */
export function threeDSecureReason(charge: Partial<Pick<Stripe.Charge, "payment_method_details">>): string | null {
	const result = charge.payment_method_details?.card?.three_d_secure?.result;
	if (result === "authenticated" || result === "attempt_acknowledged") {
		return `3-D Secure ${result === "authenticated" ? "authenticated" : "acknowledged an attempt at"} the payment, so fraud liability lies with the issuer`;
	}
	return null;
}

/**
 * The latest use of the service after the charge by the account behind it, or null (none, or no account matched).
 * What counts as use is what the evidence counts (`ActivityKinds`: never a login or a support message, the
 * merchant's labels otherwise), judged per kind over the latest event of each kind after the charge.
 */
export async function useAfterCharge(db: Db, charge: Stripe.Charge): Promise<{ kind: string; at: Date } | null> {
	const customer =
		typeof charge.customer === "object" && charge.customer && !charge.customer.deleted ? charge.customer : null;
	const matched = await matchAccount(db, charge, customer);
	if (!matched) return null;
	const [latestByKind, labels] = await Promise.all([
		db
			.select({ kind: activity.kind, at: max(activity.occurredAt) })
			.from(activity)
			.where(and(eq(activity.accountId, matched.row.id), gt(activity.occurredAt, new Date(charge.created * 1000))))
			.groupBy(activity.kind)
			.orderBy(desc(max(activity.occurredAt)))
			.limit(MAX_KINDS_CONSIDERED),
		loadActivityKinds(db),
	]);
	const kinds = new ActivityKinds(labels);
	const use = latestByKind.find((row) => row.at && kinds.countsAsUse(row.kind ?? "activity"));
	return use?.at ? { kind: use.kind ?? "activity", at: use.at } : null;
}

/** Kinds after the charge looked at, newest first: more distinct kinds than this is not one account's activity. */
const MAX_KINDS_CONSIDERED = 200;
