import { eq, lt, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { backfillClaims } from "../../schema";
import type { Db } from "../db/client";
import { isOpenStatus } from "../dispute/statuses";
import { knownDisputeIds, recordAttempt } from "../dispute/store";
import { describeError, isRetryable } from "../errors";
import type { AssembleMessage, QueueSender } from "../messages";
import { loadCursor, readDisputePages, saveCursor } from "../stripe/dispute-pages";

export interface BackfillDeps {
	db: Db;
	stripe: Stripe;
	assembleQueue: QueueSender<AssembleMessage>;
	now(): Date;
	/** Waits between retries of a rate-limited page (tests pass a no-op). */
	sleep?(ms: number): Promise<void>;
}

export interface BackfillOptions {
	/** Connected accounts to list besides the platform (`null`). */
	accounts: readonly string[];
	/** Only disputes created in the last this many days (default 120: longer than any response window). */
	windowDays?: number;
	/** Pages of 100 per account and run (default 10): bounded work and Stripe calls per cron tick. */
	maxPages?: number;
	pageSize?: number;
	/** Retries of one rate-limited page before this run leaves the account for the next one (default 3). */
	rateLimitRetries?: number;
	requestedBy: string;
}

export interface AccountReport {
	account: string | null;
	pages: number;
	listed: number;
	open: number;
	known: number;
	enqueued: number;
	alreadyClaimed: number;
	/** Open but past due_by: nothing left to do, so not enqueued. */
	pastDue: number;
	/** True when the page budget ran out; the next run resumes where this one stopped. */
	resumesLater: boolean;
	error: string | null;
}

/** A claim older than this is assumed lost (its message never processed) and may be taken again. */
const CLAIM_TTL_MINUTES = 60;
const PLATFORM = "";

/**
 * Lists recent disputes from Stripe (newest first; Stripe has no status filter) and enqueues a `reassemble`
 * message for each open one the database does not know: disputes already open when rebuttal was installed, and
 * webhooks that never arrived. Sequential calls, bounded pages per run, 429 backs off; per connected account.
 */
export async function backfillOpenDisputes(deps: BackfillDeps, options: BackfillOptions): Promise<AccountReport[]> {
	const reports: AccountReport[] = [];
	for (const account of [null, ...options.accounts]) {
		reports.push(await backfillAccount(deps, account, options));
	}
	const total = reports.reduce((n, r) => n + r.enqueued, 0);
	await recordAttempt(deps.db, {
		disputeId: null,
		stage: "backfill",
		outcome: reports.some((r) => r.error) ? "retry" : "ok",
		error: reports.find((r) => r.error)?.error ?? null,
		detail: { enqueued: total, accounts: reports },
		actor: options.requestedBy,
	}).catch(() => {});
	return reports;
}

async function backfillAccount(
	deps: BackfillDeps,
	account: string | null,
	options: BackfillOptions,
): Promise<AccountReport> {
	const report: AccountReport = {
		account,
		pages: 0,
		listed: 0,
		open: 0,
		known: 0,
		enqueued: 0,
		alreadyClaimed: 0,
		pastDue: 0,
		resumesLater: false,
		error: null,
	};
	const key = account ?? PLATFORM;
	const read = await readDisputePages(
		deps,
		account,
		{
			label: "list disputes",
			since: Math.floor(deps.now().getTime() / 1000) - (options.windowDays ?? 120) * 86_400,
			startingAfter: (await loadCursor(deps.db, key)) ?? undefined,
			maxPages: options.maxPages ?? 10,
			pageSize: options.pageSize,
			rateLimitRetries: options.rateLimitRetries,
		},
		(page) => enqueueUnknown(deps, account, page, report, options.requestedBy),
	);
	report.pages = read.pages;
	report.listed = read.listed;
	// A transient failure keeps the cursor where the last full page ended, for the next run to resume there. A
	// permanent one (Stripe refusing the cursor itself, say) would repeat forever: the next run starts afresh.
	const hasMore = read.error ? isRetryable(read.error) : read.hasMore;
	if (read.error) report.error = describeError(read.error);
	report.resumesLater = hasMore;
	await saveCursor(deps.db, key, hasMore ? (read.startingAfter ?? null) : null);
	return report;
}

async function enqueueUnknown(
	deps: BackfillDeps,
	account: string | null,
	page: Stripe.Dispute[],
	report: AccountReport,
	requestedBy: string,
): Promise<void> {
	const now = deps.now().getTime();
	const open = page.filter((d) => isOpenStatus(d.status));
	report.open += open.length;
	if (open.length === 0) return;
	const known = await knownDisputeIds(
		deps.db,
		open.map((d) => d.id),
	);
	for (const dispute of open) {
		if (known.has(dispute.id)) {
			report.known++;
			continue;
		}
		const dueBy = dispute.evidence_details?.due_by ?? 0;
		if (dueBy && dueBy * 1000 <= now) {
			report.pastDue++;
			continue;
		}
		if (!(await claim(deps.db, dispute.id, account))) {
			report.alreadyClaimed++;
			continue;
		}
		try {
			await deps.assembleQueue.send({ kind: "reassemble", disputeId: dispute.id, stripeAccount: account, requestedBy });
		} catch (error) {
			await deps.db.delete(backfillClaims).where(eq(backfillClaims.disputeId, dispute.id));
			throw error;
		}
		report.enqueued++;
	}
}

/** One backfill enqueues a dispute; an overlapping one sees the claim and leaves it (until the claim is stale). */
async function claim(db: Db, disputeId: string, account: string | null): Promise<boolean> {
	const rows = await db
		.insert(backfillClaims)
		.values({ disputeId, stripeAccount: account })
		.onConflictDoUpdate({
			target: backfillClaims.disputeId,
			set: { enqueuedAt: sql`now()` },
			setWhere: lt(backfillClaims.enqueuedAt, sql`now() - make_interval(mins => ${CLAIM_TTL_MINUTES})`),
		})
		.returning({ id: backfillClaims.disputeId });
	return rows.length > 0;
}
