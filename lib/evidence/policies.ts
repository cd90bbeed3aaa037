import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoText, queryRows } from "./sql";

/** The policy kinds rebuttal submits (contract §4 `rebuttal.policies`); other kinds are kept but not read. */
export const POLICY_KINDS = ["terms", "refund", "cancellation"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** One published version of a policy, as the customer saw it. */
export interface PolicyVersion {
	id: string;
	kind: PolicyKind;
	version: string;
	title: string;
	body: string;
	url: string | null;
	effectiveAt: string;
	disclosure: string | null;
}

/** Characters of a policy's text read at most: a policy is a few pages, never a book. */
export const POLICY_BODY_LIMIT = 40_000;

/**
 * The version of each policy kind in force at `at` (the latest `effective_at` at or before it), one query. A
 * merchant without `rebuttal.policies` (the table or view is optional) has none: the result is empty, not an error.
 */
export async function loadPoliciesInForce(db: Db, at: Date): Promise<Partial<Record<PolicyKind, PolicyVersion>>> {
	const [exists] = await queryRows<{ present: boolean }>(
		db,
		sql`select to_regclass('rebuttal.policies') is not null as present`,
	);
	if (!exists?.present) return {};
	const rows = await queryRows<{
		id: string;
		kind: PolicyKind;
		version: string;
		title: string;
		body: string;
		url: string | null;
		effective_at: string;
		disclosure: string | null;
	}>(
		db,
		sql`select distinct on (kind) id, kind, version, title, left(body, ${POLICY_BODY_LIMIT}) as body, url,
			${isoText(sql`effective_at`)} as effective_at, disclosure
		from rebuttal.policies
		where kind in ('terms', 'refund', 'cancellation') and effective_at <= ${at.toISOString()}::timestamptz
		order by kind, effective_at desc, id`,
	);
	const out: Partial<Record<PolicyKind, PolicyVersion>> = {};
	for (const r of rows) {
		out[r.kind] = {
			id: r.id,
			kind: r.kind,
			version: r.version,
			title: r.title,
			body: r.body,
			url: r.url ?? null,
			effectiveAt: r.effective_at,
			disclosure: r.disclosure ?? null,
		};
	}
	return out;
}
