import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoText, queryRows } from "./sql";

/** A message the customer sent the merchant's support (activity of kind `support_message`). */
export interface SupportMessage {
	occurredAt: string;
	/** The message as the customer wrote it: customer-controlled, shown only as quoted data. */
	text: string | null;
	channel: string | null;
	/** Who wrote it: the customer, or the merchant's reply (`detail.from` = `merchant`). */
	from: "customer" | "merchant";
}

/** `detail.from` values that mark a message as the merchant's reply. */
const MERCHANT_AUTHORS: ReadonlySet<string> = new Set(["merchant", "support", "agent", "staff", "outbound"]);

/** Activity rows scanned at most, newest first, when looking for the latest support messages. */
const SCAN_LIMIT = 20_000;

/**
 * The latest support messages of an account (at most `limit`), looked for among its most recent activity rows
 * only, so the work stays bounded whatever the volume. Counts and first/last dates come from the usage summary.
 */
export async function loadSupportMessages(db: Db, accountId: string, limit = 5): Promise<SupportMessage[]> {
	const rows = await queryRows<{
		occurred_at: string;
		text: string | null;
		channel: string | null;
		author: string | null;
	}>(
		db,
		sql`select ${isoText(sql`occurred_at`)} as occurred_at,
			left(coalesce(detail->>'message', detail->>'text', detail->>'body', detail->>'subject'), 2000) as text,
			left(detail->>'channel', 40) as channel,
			lower(left(coalesce(detail->>'from', detail->>'author', detail->>'direction'), 20)) as author
		from (
			select occurred_at, kind, detail from rebuttal.activity
			where account_id = ${accountId} order by occurred_at desc limit ${SCAN_LIMIT}
		) recent
		where kind = 'support_message' order by occurred_at desc limit ${limit}`,
	);
	return rows.map((r) => ({
		occurredAt: r.occurred_at,
		text: r.text ?? null,
		channel: r.channel ?? null,
		from: MERCHANT_AUTHORS.has(r.author ?? "") ? "merchant" : "customer",
	}));
}
