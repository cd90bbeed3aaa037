import { and, eq } from "drizzle-orm";
import { type disputes, notifications } from "../../schema";
import type { Db } from "../db/client";
import type { Notices, NotifyKind } from "../dispute/notices";
import { describeError, PermanentError, RetryableError } from "../errors";
import { formatAmount } from "../format";
import type { QueueSender } from "../messages";
import type { NotifyMessage, NotifyPayload } from "./messages";

type DisputeRow = typeof disputes.$inferSelect;

export interface NotifyDeps {
	db: Db;
	notifyQueue: QueueSender<NotifyMessage>;
	now(): Date;
}

/**
 * The notification port (lib/dispute/notices.ts) over the notify queue, as functions/wiring.ts builds it; none
 * when NOTIFY_WEBHOOK_URL is unset or no notify queue is bound, so nothing is sent.
 */
export function queuedNotices(
	deps: Omit<NotifyDeps, "notifyQueue"> & { notifyQueue?: QueueSender<NotifyMessage> },
	url: string | undefined,
): Notices | undefined {
	const { notifyQueue } = deps;
	if (!url || !notifyQueue) return undefined;
	const queued = { ...deps, notifyQueue };
	return {
		send: (kind, row) => enqueueOnce(queued, kind, row.id, () => buildPayload(kind, row, deps.now())),
		sendText: (kind, key, text) => enqueueOnce(queued, kind, key, () => ({ text: redact(text).slice(0, 3000) })),
	};
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

/**
 * Slack reads `<…>` as links and mentions (`<!channel>`, `<https://x|text>`) and `&` as the start of an entity,
 * so every value put into a notice is escaped the way Slack documents; what we send is always shown as text.
 */
export function slackEscape(value: string): string {
	return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The Slack-compatible body of a notice: `text` alone carries everything (plain webhooks), `blocks` the same in
 * mrkdwn. Only what rebuttal itself knows of the dispute goes in: never configuration, never customer data.
 */
export function buildPayload(kind: NotifyKind, row: DisputeRow, now: Date): NotifyPayload {
	const facts = [
		`${formatAmount(row.amount, row.currency)} · reason ${row.reason}`,
		row.stripeAccount ? `account ${row.stripeAccount}` : null,
		row.dueBy ? `due ${row.dueBy.toISOString()} (${hoursLeft(row.dueBy, now)})` : null,
		`stage ${row.stage}${row.stageReason ? ` — ${row.stageReason}` : ""}`,
		kind === "failed" && row.lastError ? `error: ${row.lastError.slice(0, 500)}` : null,
	]
		.filter((line): line is string => line !== null)
		.map(slackEscape);
	const headline = `${HEADLINES[kind]}: ${slackEscape(row.id)}`;
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
 * Enqueues one notice of `kind` about `key` (a dispute id, or a monitoring key), once per key and kind ever. Best
 * effort: it never throws, so a notice can never fail or delay a pipeline step; a failed enqueue is logged and its
 * key released so a later step (or the sweep) may try again.
 */
async function enqueueOnce(
	deps: NotifyDeps,
	kind: NotifyKind,
	key: string,
	payload: () => NotifyPayload,
): Promise<boolean> {
	try {
		const claimed = await deps.db
			.insert(notifications)
			.values({ disputeId: key, kind })
			.onConflictDoNothing()
			.returning({ kind: notifications.kind });
		if (claimed.length === 0) return false;
		try {
			await deps.notifyQueue.send({ kind, disputeId: key, payload: payload() });
		} catch (error) {
			await deps.db
				.delete(notifications)
				.where(and(eq(notifications.disputeId, key), eq(notifications.kind, kind)))
				.catch(() => {});
			throw error;
		}
		return true;
	} catch (error) {
		console.warn(`notification ${kind} for ${key} not enqueued: ${describeError(error)}`);
		return false;
	}
}

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
