import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoText, queryRows } from "./sql";
import type { ArtifactSummary } from "./types";

/** Artifacts listed in a case at most; the PDF shows a few, and the count says how many exist. */
export const MAX_ARTIFACTS = 12;

/** The account's most recent artifacts (bounded) and how many it has in all. */
export async function listArtifacts(
	db: Db,
	accountId: string,
	limit: number = MAX_ARTIFACTS,
): Promise<{ artifacts: ArtifactSummary[]; count: number; rowsFetched: number }> {
	const rows = await queryRows<{
		id: string;
		title: string | null;
		created_at: string | null;
		content_type: string | null;
		location: string | null;
		total: number;
	}>(
		db,
		sql`select id, title, ${isoText(sql`created_at`)} as created_at, content_type, location,
			(count(*) over ())::int as total
		from rebuttal.artifacts where account_id = ${accountId}
		order by created_at desc nulls last, id limit ${limit}`,
	);
	return {
		artifacts: rows.map((r) => ({
			id: r.id,
			title: r.title,
			createdAt: r.created_at,
			contentType: r.content_type ?? "application/octet-stream",
			location: r.location ?? "",
		})),
		count: Number(rows[0]?.total ?? 0),
		rowsFetched: rows.length,
	};
}
