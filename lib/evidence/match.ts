import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { accounts } from "../../schema";
import type { Db } from "../db/client";
import { customerIdOf } from "./stripe-facts";
import type { AccountMatch, AccountSummary } from "./types";

export type AccountRow = typeof accounts.$inferSelect;

export interface AccountMatchResult {
	row: AccountRow;
	matchedBy: AccountMatch;
}

/**
 * Finds the merchant's account behind a charge (contract §4), in this order: the charge's customer
 * (`stripe_customer_id`), the charge's `metadata.account_id`, the billing email, the customer's email. Emails
 * compare case-insensitively through `lower(email)` (indexed). An email shared by several accounts matches none of
 * them: a guess would put someone else's activity in the evidence. Returns null when nothing matches.
 */
export async function matchAccount(
	db: Db,
	charge: Stripe.Charge,
	customer: Stripe.Customer | null,
): Promise<AccountMatchResult | null> {
	const customerId = customerIdOf(charge, customer);
	if (customerId) {
		const rows = await db.select().from(accounts).where(eq(accounts.stripeCustomerId, customerId)).limit(1);
		if (rows[0]) return { row: rows[0], matchedBy: "stripe_customer_id" };
	}

	const metadataId = charge.metadata?.account_id?.trim();
	if (metadataId) {
		const rows = await db.select().from(accounts).where(eq(accounts.id, metadataId)).limit(1);
		if (rows[0]) return { row: rows[0], matchedBy: "metadata_account_id" };
	}

	const billingEmail = charge.billing_details?.email?.trim();
	if (billingEmail) {
		const row = await byEmail(db, billingEmail);
		if (row) return { row, matchedBy: "billing_email" };
	}

	const expanded =
		typeof charge.customer === "object" && charge.customer && !("deleted" in charge.customer && charge.customer.deleted)
			? (charge.customer as Stripe.Customer)
			: null;
	const customerEmail = (customer?.email ?? expanded?.email)?.trim();
	if (customerEmail && customerEmail.toLowerCase() !== billingEmail?.toLowerCase()) {
		const row = await byEmail(db, customerEmail);
		if (row) return { row, matchedBy: "customer_email" };
	}
	return null;
}

async function byEmail(db: Db, email: string): Promise<AccountRow | null> {
	const rows = await db.select().from(accounts).where(sql`lower(${accounts.email}) = ${email.toLowerCase()}`).limit(2);
	return rows.length === 1 ? (rows[0] ?? null) : null;
}

export function summariseAccount(row: AccountRow, matchedBy: AccountMatch): AccountSummary {
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		createdAt: iso(row.createdAt),
		signupIp: row.signupIp,
		signupUserAgent: row.signupUserAgent,
		country: row.country,
		emailVerifiedAt: iso(row.emailVerifiedAt),
		termsAcceptedAt: iso(row.termsAcceptedAt),
		termsVersion: row.termsVersion,
		matchedBy,
	};
}

function iso(value: Date | string | null): string | null {
	if (value === null || value === undefined) return null;
	const d = value instanceof Date ? value : new Date(value);
	return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
