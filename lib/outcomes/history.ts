import type Stripe from "stripe";
import { disputes } from "../../schema";
import type { Db } from "../db/client";
import { reason } from "../dispute/reasons";
import { knownDisputeIds, recordAttempt } from "../dispute/store";
import { describeError, isRetryable } from "../errors";
import { loadCursor, readDisputePages, saveCursor } from "../stripe/dispute-pages";
import { outcomeOfStatus, recordOutcome } from "./record";

export interface HistoryDeps {
	db: Db;
	stripe: Stripe;
	now(): Date;
	sleep?(ms: number): Promise<void>;
}

export interface HistoryOptions {
	/** Connected accounts to import besides the platform. */
	accounts: readonly string[];
	/** How far back (default 365 days: a year of outcomes to learn from). */
	windowDays?: number;
	/** Pages per account and run (default 5), so a large history is imported over several cron ticks. */
	maxPages?: number;
	pageSize?: number;
	rateLimitRetries?: number;
	requestedBy: string;
}

export interface HistoryReport {
	account: string | null;
	pages: number;
	listed: number;
	/** Closed disputes (won or lost) not known before, now recorded. */
	imported: number;
	/** Closed disputes already known to the pipeline: their outcome is refreshed, the row left as it is. */
	known: number;
	/** True while pages remain; false once the whole window has been read (the import is then done). */
	resumesLater: boolean;
	done: boolean;
	error: string | null;
}

/** The cursor row of an account's history import; with no cursor left it marks the import as complete. */
const cursorKey = (account: string | null) => `history:${account ?? ""}`;

/**
 * Imports closed disputes of the last 12 months from Stripe (the platform's and connected accounts'), so win
 * rates and the fight-or-accept record exist before the first new dispute. The outcome is Stripe's
 * `dispute.status` (`won`, `lost`); open disputes are the backfill's business and are left alone. Bounded pages
 * per run with a saved cursor; once an account's window has been read it is not listed again (the pipeline
 * records every later outcome itself). Delete the `history:` rows of `rebuttal.backfill_cursors` to import again.
 */
export async function importHistory(deps: HistoryDeps, options: HistoryOptions): Promise<HistoryReport[]> {
	const reports: HistoryReport[] = [];
	for (const account of [null, ...options.accounts]) reports.push(await importAccount(deps, account, options));
	if (reports.some((r) => r.pages > 0)) {
		await recordAttempt(deps.db, {
			disputeId: null,
			stage: "history",
			outcome: reports.some((r) => r.error) ? "retry" : "ok",
			error: reports.find((r) => r.error)?.error ?? null,
			detail: { imported: reports.reduce((n, r) => n + r.imported, 0), accounts: reports },
			actor: options.requestedBy,
		}).catch(() => {});
	}
	return reports;
}

async function importAccount(deps: HistoryDeps, account: string | null, options: HistoryOptions) {
	const report: HistoryReport = {
		account,
		pages: 0,
		listed: 0,
		imported: 0,
		known: 0,
		resumesLater: false,
		done: false,
		error: null,
	};
	const key = cursorKey(account);
	const saved = await loadCursor(deps.db, key);
	if (saved === null) {
		report.done = true;
		return report;
	}
	const read = await readDisputePages(
		deps,
		account,
		{
			label: "list dispute history",
			since: Math.floor(deps.now().getTime() / 1000) - (options.windowDays ?? 365) * 86_400,
			startingAfter: saved,
			maxPages: options.maxPages ?? 5,
			pageSize: options.pageSize,
			expand: ["data.charge"],
			rateLimitRetries: options.rateLimitRetries,
		},
		(page) => importPage(deps.db, account, page, report),
	);
	report.pages = read.pages;
	report.listed = read.listed;
	if (read.error) {
		report.error = describeError(read.error);
		if (!isRetryable(read.error)) {
			// Stripe refusing the request itself would fail every run the same way: leave it for a person to see.
			report.resumesLater = false;
			return report;
		}
	}
	report.resumesLater = read.hasMore;
	report.done = !read.hasMore;
	// Nothing read yet (the first page failed): no cursor, so the next run starts afresh rather than "done".
	if (read.hasMore && read.startingAfter === undefined) return report;
	await saveCursor(deps.db, key, read.hasMore ? (read.startingAfter ?? null) : null);
	return report;
}

async function importPage(db: Db, account: string | null, page: Stripe.Dispute[], report: HistoryReport) {
	const closed = page.filter((d) => outcomeOfStatus(d.status) !== null);
	if (closed.length === 0) return;
	const known = await knownDisputeIds(
		db,
		closed.map((d) => d.id),
	);
	for (const dispute of closed) {
		const outcome = outcomeOfStatus(dispute.status)!;
		await recordOutcome(db, dispute, account, "history");
		if (known.has(dispute.id)) {
			report.known++;
			continue;
		}
		const charge = dispute.charge as Stripe.Dispute["charge"] | null;
		await db
			.insert(disputes)
			.values({
				id: dispute.id,
				stripeAccount: account,
				chargeId: typeof charge === "string" ? charge : (charge?.id ?? null),
				amount: dispute.amount,
				currency: dispute.currency,
				reason: dispute.reason,
				networkReasonCode: dispute.network_reason_code ?? null,
				status: dispute.status,
				stage: outcome,
				stageReason: reason("imported_history").message,
				stageReasonCode: "imported_history",
				outcome,
				createdAt: new Date(dispute.created * 1000),
			})
			.onConflictDoNothing();
		report.imported++;
	}
}
