import { index, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * One row per successful charge seen through `charge.succeeded`, keyed by the charge id so a redelivery counts
 * once. The dashboard counts them in SQL for the dispute ratio (disputes / charges over the last 30 days).
 */
export const charges = rebuttal.table(
	"charges",
	{
		id: text("id").primaryKey(),
		stripeAccount: text("stripe_account"),
		/** When the charge succeeded (the event's `created`). */
		createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
		recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
	},
	(t) => [index("charges_created_at_idx").on(t.createdAt)],
);
