import type pg from "pg";
import { SECRET_NAMES } from "../../lib/config";
import { checkActivityIndex } from "./checks/activity-index";
import { checkActivityKinds } from "./checks/activity-kinds";
import { checkActivitySummary } from "./checks/activity-summary";
import { checkConfig } from "./checks/config";
import { connectDatabase } from "./checks/database";
import { customerIdResult, disputeMatchResult, type MatchSummary, matchDisputes } from "./checks/matching";
import { type AccountCounts, checkMerchantData } from "./checks/merchant-data";
import { checkMerchantSchema, type MerchantSchema } from "./checks/merchant-schema";
import { checkMigrations } from "./checks/migrations";
import { checkPoliciesSchema } from "./checks/policies-schema";
import { checkStripeMode, checkWebhookSecret, listRecentDisputes, type StripeMode } from "./checks/stripe";
import { redact } from "./redact";
import { type CheckResult, fail, skip } from "./types";

export interface DoctorOptions {
	/** Fail unless the key is of this mode. */
	expectMode?: StripeMode;
}

/** Runs every check against the given configuration and returns one result per line of the report. */
export async function runDoctor(
	env: Record<string, string | undefined>,
	options: DoctorOptions = {},
): Promise<CheckResult[]> {
	const results: CheckResult[] = [];
	const { results: configResults, config } = checkConfig(env);
	results.push(...configResults);

	// Database: reachable, migrated, the three relations, their index and their rows.
	let client: pg.Client | null = null;
	let merchant: MerchantSchema | null = null;
	let counts: AccountCounts | null = null;
	if (!config.databaseUrl) {
		results.push(skip("db.reachable", "DATABASE_URL is missing or malformed (see config.DATABASE_URL)"));
	} else {
		const connected = await connectDatabase(config.databaseUrl);
		results.push(connected.result);
		client = connected.client;
	}
	try {
		if (client) {
			const db = client;
			merchant = await guarded("schema", () => checkMerchantSchema(db), results);
			if (merchant) {
				const m = merchant;
				const migrations = await guarded("db.migrations", () => checkMigrations(db, m.kinds), results);
				if (migrations) results.push(migrations);
				results.push(...m.results);
				const policies = await guarded("schema.policies", () => checkPoliciesSchema(db), results);
				if (policies) results.push(policies);
				const activityKind = m.kinds.get("activity");
				if (activityKind && m.usable.has("activity")) {
					const index = await guarded("db.activity_index", () => checkActivityIndex(db, activityKind), results);
					if (index) results.push(index);
					const summary = await guarded("db.activity_summary", () => checkActivitySummary(db, activityKind), results);
					if (summary) results.push(summary);
				} else {
					results.push(skip("db.activity_index", "rebuttal.activity is not usable (see schema.activity)"));
					results.push(skip("db.activity_summary", "rebuttal.activity is not usable (see schema.activity)"));
				}
				const data = await guarded("data", () => checkMerchantData(db, m.usable), results);
				if (data) {
					results.push(...data.results);
					counts = data.accounts;
				}
				if (m.usable.has("activity")) {
					const kinds = await guarded("data.activity_kinds", () => checkActivityKinds(db), results);
					if (kinds) results.push(kinds);
				}
			}
		} else {
			for (const id of [
				"db.migrations",
				"schema.accounts",
				"schema.activity",
				"schema.artifacts",
				"db.activity_index",
				"db.activity_summary",
			])
				results.push(skip(id, "the database is not reachable"));
		}

		// Stripe: mode, webhook secret, the key itself, and which recent disputes find their account.
		if (config.stripeSecretKey)
			results.push(checkStripeMode(config.stripeSecretKey, config.stripeApiBase, options.expectMode));
		else results.push(skip("stripe.mode", "STRIPE_SECRET_KEY is missing or malformed"));
		if (config.stripeWebhookSecret) results.push(checkWebhookSecret(config.stripeWebhookSecret, config.stripeApiBase));
		else results.push(skip("stripe.webhook_secret", "STRIPE_WEBHOOK_SECRET is missing or malformed"));

		let summary: MatchSummary | null = null;
		if (config.stripeSecretKey) {
			const listing = await listRecentDisputes(config.stripeSecretKey, config.stripeApiBase);
			results.push(listing.result);
			if (listing.disputes && client && merchant?.usable.has("accounts")) {
				const db = client;
				const disputes = listing.disputes;
				summary = await guarded("stripe.dispute_matching", () => matchDisputes(db, disputes), results);
				if (summary) results.push(disputeMatchResult(summary));
			} else
				results.push(
					skip(
						"stripe.dispute_matching",
						listing.disputes ? "rebuttal.accounts is not usable" : "disputes could not be listed",
					),
				);
		} else {
			results.push(skip("stripe.key", "STRIPE_SECRET_KEY is missing or malformed"));
			results.push(skip("stripe.dispute_matching", "STRIPE_SECRET_KEY is missing or malformed"));
		}
		if (counts) results.push(customerIdResult(counts, summary));
		else results.push(skip("data.customer_ids", "rebuttal.accounts is not usable or not reachable"));
	} finally {
		await client?.end().catch(() => {});
	}

	// Secret values never appear in the report, whole or quoted in an error message.
	const secrets = SECRET_NAMES.map((name) => env[name]).filter((v): v is string => Boolean(v));
	return results.map((r) => ({
		...r,
		message: redact(r.message, secrets),
		...(r.fix !== undefined && { fix: redact(r.fix, secrets) }),
	}));
}

/** Runs a group of checks; an unexpected error (a timeout, a permission) becomes a failed line, not a crash. */
async function guarded<T>(id: string, run: () => Promise<T>, results: CheckResult[]): Promise<T | null> {
	try {
		return await run();
	} catch (error) {
		results.push(
			fail(
				id,
				`the check could not run: ${(error as Error).message}`,
				"Check that DATABASE_URL's user may read the rebuttal schema (GRANT USAGE ON SCHEMA rebuttal, SELECT on its tables and views) and run doctor again.",
			),
		);
		return null;
	}
}
