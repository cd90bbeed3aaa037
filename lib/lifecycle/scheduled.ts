import type Stripe from "stripe";
import type { PipelineConfig } from "../config";
import type { Db } from "../db/client";
import type { Notices } from "../dispute/notices";
import { describeError } from "../errors";
import type { AssembleMessage, QueueSender, SubmitMessage } from "../messages";
import { type HistoryReport, importHistory } from "../outcomes/history";
import { warnMonitoring } from "../outcomes/monitoring-notify";
import { type AccountReport, backfillOpenDisputes } from "./backfill";
import { type SweepReport, sweepDeadlines } from "./sweep";

export interface LifecycleDeps {
	db: Db;
	stripe: Stripe;
	config: PipelineConfig;
	assembleQueue: QueueSender<AssembleMessage>;
	submitQueue: QueueSender<SubmitMessage>;
	notices?: Notices;
	now(): Date;
	sleep?(ms: number): Promise<void>;
}

export interface ScheduledReport {
	sweep: SweepReport | { error: string };
	backfill: AccountReport[] | { error: string };
	/** The import of closed disputes of the last 12 months; once done, it lists nothing more. */
	history: HistoryReport[] | { error: string };
	/** Monitoring notices sent (a programme approaching or over its threshold this month). */
	monitoring: string[];
}

/**
 * One cron tick: the deadline sweep first (database only, cheap), then the backfill and the history import (bounded
 * Stripe calls).
 * Each runs even when the other fails; a failure is reported, and the caller decides whether to throw.
 */
export async function runScheduled(deps: LifecycleDeps): Promise<ScheduledReport> {
	const sweep = await sweepDeadlines(deps).catch((error) => ({ error: describeError(error) }));
	const backfill = await backfillOpenDisputes(deps, {
		accounts: deps.config.STRIPE_ACCOUNTS,
		requestedBy: "backfill",
	}).catch((error) => ({ error: describeError(error) }));
	const history = await importHistory(deps, {
		accounts: deps.config.STRIPE_ACCOUNTS,
		requestedBy: "backfill",
	}).catch((error) => ({ error: describeError(error) }));
	const monitoring = await warnMonitoring(deps);
	return { sweep, backfill, history, monitoring };
}
