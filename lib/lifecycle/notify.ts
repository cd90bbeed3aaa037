import { and, eq } from "drizzle-orm";
import { disputes, notifications } from "../../schema";
import type { Db } from "../db/client";
import { describeError, PermanentError, RetryableError } from "../errors";
import type { QueueSender } from "../messages";
import type { NotifyKind, NotifyMessage, NotifyPayload } from "./messages";

type DisputeRow = typeof disputes.$inferSelect;

export interface NotifyDeps {
	db: Db;
	notifyQueue?: QueueSender<NotifyMessage>;
	config: { NOTIFY_WEBHOOK_URL?: string };
	now(): Date;
}

const HEADLINES: Record<NotifyKind, string> = {
	new_dispute: "New dispute",
	submitted: "Evidence submitted",
	won: "Dispute won",
	lost: "Dispute lost",
	failed: "Dispute failed — needs an operator",
	deadline: "Deadline within 24 hours and nothing submitted yet",
	review_overdue: "Awaiting review close to its deadline — approve it now",
	stripe_handles: "Stripe is handling this dispute's evidence",
	monitoring: "Card network monitoring ratio",
};

/** Anything that looks like a credential or a connection string, removed from text that leaves the Worker. */
const SECRET_PATTERNS = [
	/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9_]+/g,
	/\bwhsec_[A-Za-z0-9_+/=]+/g,
	/\bpostgres(ql)?:\/\/\S+/gi,
	/\bsk-ant-[A-Za-z0-9_-]+/g,
	/\bBearer\s+\S+/gi,
];

export function redact(text: string): string {
	return SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, "[redacted]"), text);
}

function money(amount: number, currency: string): string {
	const code = currency.toUpperCase() || "USD";
	try {
		return new Intl.NumberFormat("en-US", { style: "currency", currency: code }).format(amount / 100);
	} catch {
		return `${(amount / 100).toFixed(2)} ${code}`;
	}
}

/**
 * The Slack-compatible body of a notice: `text` alone carries everything (plain webhooks), `blocks` the same in
 * mrkdwn. Only what rebuttal itself knows of the dispute goes in: never configuration, never customer data.
 */
export function buildPayload(kind: NotifyKind, row: DisputeRow, now: Date): NotifyPayload {
	const facts = [
		`${money(row.amount, row.currency)} · reason ${row.reason}`,
		row.stripeAccount ? `account ${row.stripeAccount}` : null,
		row.dueBy ? `due ${row.dueBy.toISOString()} (${hoursLeft(row.dueBy, now)})` : null,
		`stage ${row.stage}${row.stageReason ? ` — ${row.stageReason}` : ""}`,
		kind === "failed" && row.lastError ? `error: ${row.lastError.slice(0, 500)}` : null,
	].filter((line): line is string => line !== null);
	const headline = `${HEADLINES[kind]}: ${row.id}`;
	const text = redact(`[rebuttal] ${headline}\n${facts.join("\n")}`).slice(0, 3000);
	return {
		text,
		blocks: [
			{ type: "section", text: { type: "mrkdwn", text: redact(`*${headline}*`).slice(0, 3000) } },
			{ type: "section", text: { type: "mrkdwn", text: redact(facts.join("\n")).slice(0, 3000) } },
		],
	};
}

function hoursLeft(dueBy: Date, now: Date): string {
	const hours = (dueBy.getTime() - now.getTime()) / 3_600_000;
	return hours <= 0 ? "passed" : hours < 48 ? `${Math.floor(hours)} h left` : `${Math.floor(hours / 24)} days left`;
}

/**
 * Enqueues one notice of `kind` for the dispute, once per dispute and kind ever. Best effort: it never throws,
 * so a notice can never fail or delay a pipeline step; a failed enqueue is logged and its key released so a later
 * step (or the sweep) may try again.
 */
export async function notify(deps: NotifyDeps, kind: NotifyKind, row: DisputeRow): Promise<boolean> {
	if (!deps.config.NOTIFY_WEBHOOK_URL || !deps.notifyQueue) return false;
	try {
		const claimed = await deps.db
			.insert(notifications)
			.values({ disputeId: row.id, kind })
			.onConflictDoNothing()
			.returning({ kind: notifications.kind });
		if (claimed.length === 0) return false;
		try {
			await deps.notifyQueue.send({ kind, disputeId: row.id, payload: buildPayload(kind, row, deps.now()) });
		} catch (error) {
			await deps.db
				.delete(notifications)
				.where(and(eq(notifications.disputeId, row.id), eq(notifications.kind, kind)))
				.catch(() => {});
			throw error;
		}
		return true;
	} catch (error) {
		console.warn(`notification ${kind} for ${row.id} not enqueued: ${describeError(error)}`);
		return false;
	}
}

const OPEN = ["needs_response", "warning_needs_response"];

const STAGE_NOTICES: Partial<Record<DisputeRow["stage"], NotifyKind>> = {
	submitted: "submitted",
	won: "won",
	lost: "lost",
	failed: "failed",
};

/**
 * Called after a pipeline step: reads where the dispute now stands and sends what is due — `new_dispute` the
 * first time rebuttal sees an open dispute, then one notice per stage reached (submitted, won, lost, failed),
 * and `stripe_handles` when it stepped aside for Stripe's own automation. Never throws.
 */
export async function notifyProgress(deps: NotifyDeps, disputeId: string): Promise<void> {
	if (!deps.config.NOTIFY_WEBHOOK_URL || !deps.notifyQueue) return;
	try {
		const [row] = await deps.db.select().from(disputes).where(eq(disputes.id, disputeId));
		if (!row || row.status === "unknown") return;
		if (OPEN.includes(row.status)) await notify(deps, "new_dispute", row);
		const kind = STAGE_NOTICES[row.stage];
		if (kind) await notify(deps, kind, row);
		if (row.stage === "skipped" && row.stageReason?.startsWith(STRIPE_HANDLES_PREFIX))
			await notify(deps, "stripe_handles", row);
	} catch (error) {
		console.warn(`notifications for ${disputeId} not checked: ${describeError(error)}`);
	}
}

/** How a skip reason starts when Stripe's own automation handles the evidence (see pipeline/reconcile.ts). */
export const STRIPE_HANDLES_PREFIX = "Stripe Smart Disputes";

/** Posts one notice. 2xx: delivered; 408, 429 and 5xx (or no answer): retry later; any other status: give up. */
export async function deliverNotification(
	url: string,
	message: NotifyMessage,
	fetcher: (input: string, init: RequestInit) => Promise<Response> = (input, init) => fetch(input, init),
	timeoutMs = 10_000,
): Promise<void> {
	let response: Response;
	try {
		response = await fetcher(url, {
			method: "POST",
			headers: { "content-type": "application/json", "user-agent": "rebuttal-notify" },
			body: JSON.stringify(message.payload),
			signal: AbortSignal.timeout(timeoutMs),
		});
	} catch (error) {
		throw new RetryableError("notify_unreachable", `notification endpoint unreachable: ${describeError(error)}`);
	}
	await response.body?.cancel().catch(() => {});
	if (response.ok) return;
	const status = response.status;
	if (status === 408 || status === 429 || status >= 500) {
		const retryAfter = Number(response.headers.get("retry-after"));
		throw new RetryableError("notify_failed", `notification endpoint answered ${status}`, {
			retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
		});
	}
	throw new PermanentError("notify_rejected", `notification endpoint answered ${status}`);
}
