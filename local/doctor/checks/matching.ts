import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type Stripe from "stripe";
import type { Db } from "../../../lib/db/client";
import { matchAccount } from "../../../lib/evidence/match";
import * as schema from "../../../schema";
import { type CheckResult, fail, pass, warn } from "../types";
import type { AccountCounts } from "./merchant-data";

export interface MatchSummary {
	total: number;
	matched: number;
	by: Record<string, number>;
	unmatched: string[];
}

/** Runs the Worker's own matcher (lib/evidence/match.ts, contract §4) on each listed dispute. */
export async function matchDisputes(client: pg.Client, disputes: Stripe.Dispute[]): Promise<MatchSummary> {
	const db = drizzle({ client, schema }) as unknown as Db;
	const summary: MatchSummary = { total: 0, matched: 0, by: {}, unmatched: [] };
	for (const dispute of disputes) {
		const charge = typeof dispute.charge === "object" && dispute.charge ? dispute.charge : null;
		summary.total += 1;
		if (!charge) {
			summary.unmatched.push(dispute.id);
			continue;
		}
		const customer =
			typeof charge.customer === "object" &&
			charge.customer &&
			!("deleted" in charge.customer && charge.customer.deleted)
				? (charge.customer as Stripe.Customer)
				: null;
		const match = await matchAccount(db, charge, customer);
		if (match) {
			summary.matched += 1;
			summary.by[match.matchedBy] = (summary.by[match.matchedBy] ?? 0) + 1;
		} else summary.unmatched.push(dispute.id);
	}
	return summary;
}

const MAP_FIX =
	"Expose the Stripe customer id as rebuttal.accounts.stripe_customer_id (e.g. users.stripe_customer_id), or set metadata.account_id on charges/payment intents to your user id, or make sure the billing/customer email equals the account's email (INSTALL.md, step 4).";

export function disputeMatchResult(summary: MatchSummary): CheckResult {
	const id = "stripe.dispute_matching";
	if (summary.total === 0)
		return pass(id, "no disputes yet to match (create a test-mode dispute to try it: INSTALL.md, step 9)");
	const by = Object.entries(summary.by)
		.map(([rule, n]) => `${n} by ${rule}`)
		.join(", ");
	const some = summary.unmatched.slice(0, 5).join(", ") + (summary.unmatched.length > 5 ? ", …" : "");
	if (summary.matched === 0)
		return fail(id, `none of the ${summary.total} most recent disputes matches an account (${some})`, MAP_FIX);
	if (summary.matched < summary.total)
		return warn(
			id,
			`${summary.matched} of the ${summary.total} most recent disputes match an account (${by}); not matched: ${some}`,
			`Unmatched disputes get evidence from Stripe data alone. ${MAP_FIX}`,
		);
	return pass(id, `all ${summary.total} most recent disputes match an account (${by})`);
}

/** How many accounts carry a Stripe customer id; none is a failure unless disputes are shown to match otherwise. */
export function customerIdResult(counts: AccountCounts, summary: MatchSummary | null): CheckResult {
	const id = "data.customer_ids";
	const share = `${counts.withCustomer} of ${counts.total} accounts carry a Stripe customer id`;
	if (counts.withCustomer === 0) {
		if (summary && summary.matched > 0)
			return warn(
				id,
				`${share}; disputes still match by metadata or email (${summary.matched} of ${summary.total})`,
				"Matching by customer id is the most reliable rule: expose it as stripe_customer_id if your app stores it.",
			);
		return fail(id, `${share}: nothing ties Stripe customers to your accounts`, MAP_FIX);
	}
	if (counts.oddCustomerIds > 0)
		return warn(
			id,
			`${share}, but ${counts.oddCustomerIds} of them do not look like cus_…`,
			"stripe_customer_id must hold Stripe's customer id (cus_…), not your own id or an email.",
		);
	return pass(id, share);
}
