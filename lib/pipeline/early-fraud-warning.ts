import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { earlyFraudWarnings } from "../../schema";
import type { Db } from "../db/client";
import { threeDSecureReason, useAfterCharge } from "../decide/efw";
import { recordAttempt } from "../dispute/store";
import { PermanentError } from "../errors";
import type { EventMessage } from "../messages";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";
import type { PipelineDeps } from "./deps";

/**
 * `radar.early_fraud_warning.created`: re-reads the warning (and its charge) from Stripe and records it. With the
 * opt-in `EFW_REFUND_MAX_AMOUNT` policy, an actionable warning on a charge of at most that amount, not yet refunded
 * or disputed, not authenticated by 3-D Secure and not followed by use of the service (lib/decide/efw.ts), is
 * refunded in full to prevent the dispute, with a deterministic idempotency key, so a redelivery
 * refunds once.
 */

export type EfwDecision = { refund: true } | { refund: false; reason: string };

/** The refund policy, as a pure function of the warning, its charge and the configured maximum. */
export function efwRefundDecision(
	warning: Pick<Stripe.Radar.EarlyFraudWarning, "actionable">,
	charge: Pick<Stripe.Charge, "amount" | "currency" | "refunded" | "amount_refunded" | "disputed" | "status"> &
		Partial<Pick<Stripe.Charge, "payment_method_details">>,
	maxAmount: number | undefined,
	context: { usedAfterCharge?: { kind: string; at: Date } | null } = {},
): EfwDecision {
	if (maxAmount === undefined) return { refund: false, reason: "refund policy off (EFW_REFUND_MAX_AMOUNT unset)" };
	if (!warning.actionable) return { refund: false, reason: "the warning is not actionable" };
	const secured = threeDSecureReason(charge);
	if (secured) return { refund: false, reason: `not refunded: ${secured}` };
	if (context.usedAfterCharge) {
		const use = context.usedAfterCharge;
		return {
			refund: false,
			reason: `not refunded: the customer used the service after the charge (${use.kind} at ${use.at.toISOString()}), the evidence that wins a fraud dispute`,
		};
	}
	if (charge.refunded || charge.amount_refunded > 0) return { refund: false, reason: "the charge is already refunded" };
	if (charge.disputed) return { refund: false, reason: "the charge is already disputed" };
	if (charge.status !== "succeeded") return { refund: false, reason: `the charge is ${charge.status}` };
	if (charge.amount > maxAmount) {
		return {
			refund: false,
			reason: `the charge amount ${charge.amount} ${charge.currency} is over EFW_REFUND_MAX_AMOUNT ${maxAmount}`,
		};
	}
	return { refund: true };
}

export function efwRefundIdempotencyKey(warningId: string): string {
	return `rebuttal-efw-refund-${warningId}`;
}

export async function getEarlyFraudWarning(db: Db, id: string) {
	const [row] = await db.select().from(earlyFraudWarnings).where(eq(earlyFraudWarnings.id, id));
	return row;
}

export async function handleEarlyFraudWarning(deps: PipelineDeps, message: EventMessage, delivery: number) {
	const { db, stripe } = deps;
	const options = onBehalfOf(message.stripeAccount);
	const warning = await stripeCall("retrieve early fraud warning", () =>
		stripe.radar.earlyFraudWarnings.retrieve(message.objectId, { expand: ["charge"] }, options),
	);
	const chargeRef = warning.charge;
	const charge =
		typeof chargeRef === "string"
			? await stripeCall("retrieve charge", () => stripe.charges.retrieve(chargeRef, {}, options))
			: chargeRef;
	if (!charge) throw new PermanentError("efw_charge_missing", `early fraud warning ${warning.id} names no charge`);

	const attempt = {
		disputeId: null,
		eventId: message.eventId,
		stage: "early_fraud_warning",
		deliveryAttempt: delivery,
	};
	const previous = await getEarlyFraudWarning(db, warning.id);
	if (previous?.action === "refunded") {
		await recordAttempt(db, {
			...attempt,
			outcome: "duplicate",
			detail: { warning: warning.id, refund: previous.refundId },
		});
		return;
	}

	// Use after the charge is looked up only when a refund is possible at all: it costs a query per warning.
	const max = deps.config.EFW_REFUND_MAX_AMOUNT;
	const usedAfterCharge = max !== undefined && warning.actionable ? await useAfterCharge(db, charge) : null;
	const decision = efwRefundDecision(warning, charge, max, { usedAfterCharge });
	let refundId: string | null = null;
	if (decision.refund) {
		const refund = await stripeCall("refund charge", () =>
			stripe.refunds.create(
				{ charge: charge.id, reason: "fraudulent", metadata: { early_fraud_warning: warning.id } },
				{ ...options, idempotencyKey: efwRefundIdempotencyKey(warning.id) },
			),
		);
		refundId = refund.id;
	}
	const row = {
		id: warning.id,
		stripeAccount: message.stripeAccount,
		chargeId: charge.id,
		actionable: warning.actionable,
		fraudType: warning.fraud_type,
		amount: charge.amount,
		currency: charge.currency,
		action: decision.refund ? ("refunded" as const) : ("not_refunded" as const),
		actionReason: decision.refund
			? `refunded in full to prevent a dispute: at most EFW_REFUND_MAX_AMOUNT ${deps.config.EFW_REFUND_MAX_AMOUNT}, no 3-D Secure, no use of the service after the charge`
			: decision.reason,
		refundId,
		warningCreatedAt: new Date(warning.created * 1000),
	};
	await db
		.insert(earlyFraudWarnings)
		.values(row)
		.onConflictDoUpdate({ target: earlyFraudWarnings.id, set: { ...row, updatedAt: sql`now()` } });
	await recordAttempt(db, {
		...attempt,
		outcome: "ok",
		detail: {
			warning: warning.id,
			charge: charge.id,
			actionable: warning.actionable,
			fraudType: warning.fraud_type,
			action: row.action,
			reason: row.actionReason,
			refund: refundId,
		},
	});
}
