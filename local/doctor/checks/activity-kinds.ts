import type pg from "pg";
import { type ActivityKindLabel, ActivityKinds, MAX_ACTIVITY_KIND_LABELS } from "../../../lib/evidence/kinds";
import { type CheckResult, pass, warn } from "../types";

/** Kinds read from the data at most: a merchant with more has free-text kinds, which the warning says. */
export const MAX_KINDS_LISTED = 200;

/** The report line for the kinds found in the data: those without a label (merchant's or default) are listed. */
export function activityKindsResult(found: readonly string[], labels: readonly ActivityKindLabel[]): CheckResult {
	const missing = new ActivityKinds(labels).unlabelled(found);
	if (found.length === 0) return pass("data.activity_kinds", "no activity kinds in rebuttal.activity yet");
	if (missing.length === 0) {
		return pass(
			"data.activity_kinds",
			`every activity kind has a label (${found.length} ${found.length === 1 ? "kind" : "kinds"})`,
		);
	}
	const shown = missing.slice(0, 12);
	const example = shown[0]!.replace(/'/g, "''");
	return warn(
		"data.activity_kinds",
		`${missing.length} activity ${missing.length === 1 ? "kind has" : "kinds have"} no label, so the letter names ` +
			`${missing.length === 1 ? "it" : "them"} as "events of kind …": ${shown.join(", ")}${missing.length > shown.length ? ", …" : ""}`,
		`label them in rebuttal.activity_kinds, e.g. insert into rebuttal.activity_kinds (kind, label_one, label_many, ` +
			`counts_as_use) values ('${example}', 'image generated', 'images generated', true); counts_as_use is false ` +
			"for logins and support messages",
	);
}

export async function checkActivityKinds(client: pg.Client): Promise<CheckResult> {
	const kinds = await client.query<{ kind: string }>(
		`select distinct kind from rebuttal.activity where kind is not null order by kind limit ${MAX_KINDS_LISTED}`,
	);
	const exists = await client.query<{ present: boolean }>(
		"select to_regclass('rebuttal.activity_kinds') is not null as present",
	);
	const labels = exists.rows[0]?.present
		? (
				await client.query<{ kind: string; label_one: string; label_many: string; counts_as_use: boolean }>(
					`select kind, label_one, label_many, counts_as_use from rebuttal.activity_kinds limit ${MAX_ACTIVITY_KIND_LABELS}`,
				)
			).rows.map((r) => ({
				kind: r.kind,
				labelOne: r.label_one,
				labelMany: r.label_many,
				countsAsUse: r.counts_as_use,
			}))
		: [];
	return activityKindsResult(
		kinds.rows.map((r) => r.kind),
		labels,
	);
}
