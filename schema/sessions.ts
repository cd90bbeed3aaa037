import { index, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

/**
 * Dashboard sessions, one row per login: the signed cookie names its row by the session's nonce, and a session is
 * good only while its row is neither revoked (logout, "log out everywhere") nor expired.
 */
export const sessions = rebuttal.table(
	"sessions",
	{
		id: text("id").primaryKey(),
		createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
		revokedAt: timestamp("revoked_at", { withTimezone: true }),
	},
	(t) => [index("sessions_expires_at_idx").on(t.expiresAt)],
);
