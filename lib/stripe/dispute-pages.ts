import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { backfillCursors } from "../../schema";
import type { Db } from "../db/client";
import { RetryableError } from "../errors";
import { onBehalfOf } from "./client";
import { stripeCall } from "./errors";

/**
 * Reading an account's disputes from Stripe a few pages per run, resuming where the last run stopped: the
 * backfill of open disputes (lib/lifecycle/backfill.ts) and the import of closed ones (lib/outcomes/history.ts).
 * Each keeps its cursor in `rebuttal.backfill_cursors` under a key of its own.
 */
export interface DisputePagesDeps {
	stripe: Stripe;
	/** Waits between retries of a rate-limited page (tests pass a no-op). */
	sleep?(ms: number): Promise<void>;
}

export interface DisputePagesOptions {
	/** What the call is, in errors ("list disputes"). */
	label: string;
	/** Disputes created at or after this (Unix seconds). */
	since: number;
	startingAfter: string | undefined;
	maxPages: number;
	pageSize?: number;
	expand?: string[];
	/** Retries of one rate-limited page before the run stops (default 3). */
	rateLimitRetries?: number;
}

export interface PagesRead {
	pages: number;
	listed: number;
	/** Pages remain: the budget ran out, or a page failed (then `error` says why). */
	hasMore: boolean;
	/** The last dispute of the last page read in full: where the next run resumes. */
	startingAfter: string | undefined;
	error: unknown;
}

/** Reads up to `maxPages` pages, newest first, handing each to `onPage`; stops at the first failure. */
export async function readDisputePages(
	deps: DisputePagesDeps,
	account: string | null,
	options: DisputePagesOptions,
	onPage: (page: Stripe.Dispute[]) => Promise<void>,
): Promise<PagesRead> {
	const read: PagesRead = {
		pages: 0,
		listed: 0,
		hasMore: true,
		startingAfter: options.startingAfter,
		error: null,
	};
	try {
		while (read.hasMore && read.pages < options.maxPages) {
			const page = await listPage(deps, account, read.startingAfter, options);
			read.pages++;
			read.listed += page.data.length;
			await onPage(page.data);
			read.hasMore = page.has_more && page.data.length > 0;
			read.startingAfter = page.data.at(-1)?.id ?? read.startingAfter;
		}
	} catch (error) {
		read.error = error;
	}
	return read;
}

async function listPage(
	deps: DisputePagesDeps,
	account: string | null,
	startingAfter: string | undefined,
	options: DisputePagesOptions,
): Promise<Stripe.ApiList<Stripe.Dispute>> {
	const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
	const retries = options.rateLimitRetries ?? 3;
	for (let attempt = 0; ; attempt++) {
		try {
			return await stripeCall(options.label, () =>
				deps.stripe.disputes.list(
					{
						limit: options.pageSize ?? 100,
						created: { gte: options.since },
						...(options.expand ? { expand: options.expand } : {}),
						...(startingAfter ? { starting_after: startingAfter } : {}),
					},
					onBehalfOf(account),
				),
			);
		} catch (error) {
			if (!(error instanceof RetryableError) || attempt >= retries) throw error;
			await sleep(Math.min(error.retryAfterSeconds ?? 2 ** attempt, 10) * 1000);
		}
	}
}

/** The saved cursor under `key`: undefined when there is no row, null when the row says the reading is done. */
export async function loadCursor(db: Db, key: string): Promise<string | null | undefined> {
	const [saved] = await db.select().from(backfillCursors).where(eq(backfillCursors.stripeAccount, key));
	return saved ? saved.startingAfter : undefined;
}

export async function saveCursor(db: Db, key: string, startingAfter: string | null): Promise<void> {
	await db
		.insert(backfillCursors)
		.values({ stripeAccount: key, startingAfter })
		.onConflictDoUpdate({
			target: backfillCursors.stripeAccount,
			set: { startingAfter, updatedAt: sql`now()` },
		});
}
