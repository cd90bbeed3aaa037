import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type ActivityKindLabel, MAX_ACTIVITY_KIND_LABELS } from "./kinds";
import { queryRows } from "./sql";

/**
 * The merchant's activity kind labels (`rebuttal.activity_kinds`, optional): an absent table or view means the
 * defaults alone, never an error.
 */
export async function loadActivityKinds(db: Db): Promise<ActivityKindLabel[]> {
	const [exists] = await queryRows<{ present: boolean }>(
		db,
		sql`select to_regclass('rebuttal.activity_kinds') is not null as present`,
	);
	if (!exists?.present) return [];
	const rows = await queryRows<{ kind: string; label_one: string; label_many: string; counts_as_use: boolean }>(
		db,
		sql`select kind, label_one, label_many, counts_as_use from rebuttal.activity_kinds
		order by kind limit ${MAX_ACTIVITY_KIND_LABELS}`,
	);
	return rows
		.filter((r) => typeof r.kind === "string" && r.label_one && r.label_many)
		.map((r) => ({
			kind: r.kind,
			labelOne: r.label_one,
			labelMany: r.label_many,
			countsAsUse: r.counts_as_use === true,
		}));
}
