import { bigint, boolean, index, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * Radar early fraud warnings, as re-read from Stripe, and what rebuttal did about each: `recorded` (nothing more),
 * `refunded` (the opt-in EFW_REFUND_MAX_AMOUNT policy refunded the charge to prevent a dispute) or `not_refunded`
 * with the reason (policy off, amount over the limit, not actionable, already refunded or disputed).
 */
export const earlyFraudWarnings = rebuttal.table(
	"early_fraud_warnings",
	{
		id: text("id").primaryKey(),
		stripeAccount: text("stripe_account"),
		chargeId: text("charge_id").notNull(),
		actionable: boolean("actionable").notNull(),
		fraudType: text("fraud_type").notNull(),
		/** Charge amount in minor units and its currency, when the charge could be read. */
		amount: bigint("amount", { mode: "number" }),
		currency: text("currency"),
		action: text("action").$type<"recorded" | "refunded" | "not_refunded">().notNull(),
		actionReason: text("action_reason"),
		refundId: text("refund_id"),
		warningCreatedAt: timestamp("warning_created_at", { withTimezone: true }),
		recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [index("early_fraud_warnings_charge_idx").on(t.chargeId)],
);
