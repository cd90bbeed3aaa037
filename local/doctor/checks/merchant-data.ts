import type pg from "pg";
import { type CheckResult, fail, type MerchantRelation, pass, skip, warn } from "../types";

const SAMPLE = 1000;

export interface AccountCounts {
	total: number;
	withCustomer: number;
	/** Customer ids that do not look like `cus_…`. */
	oddCustomerIds: number;
}

/**
 * Rows in the three relations (existence, not counts, for activity that may hold millions), activity rows that
 * point at accounts, artifact locations in a form the Worker reads, and how many accounts carry a Stripe customer.
 */
export async function checkMerchantData(
	client: pg.Client,
	usable: Set<MerchantRelation>,
): Promise<{ results: CheckResult[]; accounts: AccountCounts | null }> {
	const results: CheckResult[] = [];
	let accounts: AccountCounts | null = null;

	if (usable.has("accounts")) {
		const { rows } = await client.query<{ total: string; with_customer: string; odd: string }>(
			`select count(*)::text as total, count(stripe_customer_id)::text as with_customer,
				count(*) filter (where stripe_customer_id is not null and stripe_customer_id not like 'cus\\_%')::text as odd
			 from rebuttal.accounts`,
		);
		accounts = {
			total: Number(rows[0]?.total ?? 0),
			withCustomer: Number(rows[0]?.with_customer ?? 0),
			oddCustomerIds: Number(rows[0]?.odd ?? 0),
		};
		results.push(
			accounts.total > 0
				? pass("data.accounts", `rebuttal.accounts has ${accounts.total} rows`)
				: fail(
						"data.accounts",
						"rebuttal.accounts is empty",
						"Point the view at the table holding your users, or have your app write one row per user (contract §4); evidence without an account is Stripe data alone.",
					),
		);
	} else results.push(skip("data.accounts", "rebuttal.accounts is not usable (see schema.accounts)"));

	if (usable.has("activity")) {
		const { rows } = await client.query<{ any: boolean }>("select exists (select 1 from rebuttal.activity) as any");
		if (!rows[0]?.any) {
			results.push(
				fail(
					"data.activity",
					"rebuttal.activity is empty",
					"Point the view at your events/log table, or have your app record logins, uses and downloads there (contract §4): usage after the charge is the evidence that wins.",
				),
			);
		} else if (usable.has("accounts")) {
			const { rows: link } = await client.query<{ sampled: string; linked: string }>(
				`select count(*)::text as sampled,
					count(*) filter (where exists (select 1 from rebuttal.accounts a where a.id = s.account_id))::text as linked
				 from (select account_id from rebuttal.activity limit ${SAMPLE}) s`,
			);
			const sampled = Number(link[0]?.sampled ?? 0);
			const linked = Number(link[0]?.linked ?? 0);
			const fix =
				"activity.account_id must hold the same value as accounts.id (same type and format, e.g. both user_id::text); fix the select list of the view.";
			if (linked === 0)
				results.push(
					fail(
						"data.activity",
						`none of ${sampled} sampled activity rows has an account_id found in rebuttal.accounts`,
						fix,
					),
				);
			else if (linked < sampled)
				results.push(
					warn(
						"data.activity",
						`${sampled - linked} of ${sampled} sampled activity rows have an account_id not found in rebuttal.accounts`,
						fix,
					),
				);
			else
				results.push(
					pass("data.activity", `rebuttal.activity has rows, and the ${sampled} sampled all belong to accounts`),
				);
		} else results.push(pass("data.activity", "rebuttal.activity has rows"));
	} else results.push(skip("data.activity", "rebuttal.activity is not usable (see schema.activity)"));

	if (usable.has("artifacts")) {
		const { rows } = await client.query<{ sampled: string; bad: string }>(
			`select count(*)::text as sampled,
				count(*) filter (where location is null or not (location like 'r2:_%' or location like 'https://_%'))::text as bad
			 from (select location from rebuttal.artifacts limit ${SAMPLE}) s`,
		);
		const sampled = Number(rows[0]?.sampled ?? 0);
		const bad = Number(rows[0]?.bad ?? 0);
		if (sampled === 0)
			results.push(
				warn(
					"data.artifacts",
					"rebuttal.artifacts is empty: evidence PDFs will show no work made with the product",
					"If users make things with your product (designs, photos, exports), expose them in rebuttal.artifacts (INSTALL.md, step 4); otherwise ignore this.",
				),
			);
		else if (bad > 0)
			results.push(
				warn(
					"data.artifacts",
					`${bad} of ${sampled} sampled artifacts have a location that is neither r2:KEY nor an https:// URL (the only forms contract §4 allows)`,
					"Build location as 'r2:' || object_key (objects in the rebuttal-artifacts bucket) or as an https:// URL the Worker can fetch.",
				),
			);
		else
			results.push(
				pass("data.artifacts", `rebuttal.artifacts has rows; the ${sampled} sampled have r2: or https:// locations`),
			);
	} else results.push(skip("data.artifacts", "rebuttal.artifacts is not usable (see schema.artifacts)"));

	return { results, accounts };
}
