import { sql } from "drizzle-orm";
import { bigint, boolean, index, jsonb, text, timestamp } from "drizzle-orm/pg-core";
import { rebuttal } from "./namespace";

// The merchant's activity data (contract §4). The merchant's app writes these tables, or replaces them with
// views of the same names and columns; evidence assembly only ever reads them.

export const accounts = rebuttal.table(
	"accounts",
	{
		id: text("id").primaryKey(),
		email: text("email"),
		name: text("name"),
		stripeCustomerId: text("stripe_customer_id").unique(),
		createdAt: timestamp("created_at", { withTimezone: true }),
		signupIp: text("signup_ip"),
		signupUserAgent: text("signup_user_agent"),
		country: text("country"),
		emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
		termsAcceptedAt: timestamp("terms_accepted_at", { withTimezone: true }),
		termsVersion: text("terms_version"),
	},
	// Contract §4 matches disputes by email case-insensitively; this keeps that lookup off a table scan.
	(t) => [index("accounts_email_lower_idx").on(sql`lower(${t.email})`)],
);

export const activity = rebuttal.table(
	"activity",
	{
		id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
		accountId: text("account_id").references(() => accounts.id),
		occurredAt: timestamp("occurred_at", { withTimezone: true }),
		kind: text("kind"),
		ip: text("ip"),
		userAgent: text("user_agent"),
		deviceId: text("device_id"),
		detail: jsonb("detail"),
	},
	// Every facts query reads one account's rows by (account_id, occurred_at) and uses only kind, ip and device_id
	// besides: with those in the index too, Postgres answers them from the index alone (index-only scans).
	(t) => [index("activity_account_occurred_idx").on(t.accountId, t.occurredAt, t.kind, t.ip, t.deviceId)],
);

/**
 * Each published version of the merchant's terms, refund and cancellation policies (contract §4, optional): the
 * version in force at a charge is the latest `effective_at` at or before it, submitted as its own PDF.
 */
export const policies = rebuttal.table(
	"policies",
	{
		id: text("id").primaryKey(),
		/** `terms`, `refund` or `cancellation`; other kinds are kept but not submitted. */
		kind: text("kind").notNull(),
		version: text("version").notNull(),
		title: text("title").notNull(),
		body: text("body").notNull(),
		url: text("url"),
		effectiveAt: timestamp("effective_at", { withTimezone: true }).notNull(),
		/** How customers were shown it before paying, in the merchant's words. */
		disclosure: text("disclosure"),
	},
	(t) => [index("policies_kind_effective_idx").on(t.kind, t.effectiveAt)],
);

export const artifacts = rebuttal.table("artifacts", {
	id: text("id").primaryKey(),
	accountId: text("account_id").references(() => accounts.id),
	createdAt: timestamp("created_at", { withTimezone: true }),
	title: text("title"),
	contentType: text("content_type"),
	location: text("location"),
});

/** What each activity kind means (optional; defaults cover login, signup, support_message, cancellation). */
export const activityKinds = rebuttal.table("activity_kinds", {
	kind: text("kind").primaryKey(),
	labelOne: text("label_one").notNull(),
	labelMany: text("label_many").notNull(),
	countsAsUse: boolean("counts_as_use").notNull(),
});

/** Case-insensitive email matching (contract §4) must not scan the table. */
