import { and, eq } from "drizzle-orm";
import { notifications } from "../../schema";
import { describeError } from "../errors";
import { type NotifyDeps, redact } from "../lifecycle/notify";
import { countedThisMonth, monitoringTrend, type ProgrammeStatus } from "./monitoring";

/** The notice of a programme approaching or crossed, naming what counts. */
export function monitoringText(month: string, s: ProgrammeStatus, counted: { disputes: string[]; warnings: string[] }) {
	const ratio = s.ratio === null ? "unknown" : `${(s.ratio * 100).toFixed(2)} %`;
	const verb = s.status === "over" ? "is over" : "is approaching";
	const lines = [
		`[rebuttal] ${s.programme.label} ${verb} its threshold in ${month}`,
		`${s.count} counted (${s.programme.counts}) / ${s.denominator} = ${ratio}; the programme applies at ${(s.programme.ratio * 100).toFixed(1)} % with at least ${s.programme.minCount} counts`,
		s.status === "over" ? null : `${s.headroom} more would reach it at this month's sales`,
		counted.disputes.length ? `latest disputes counted: ${counted.disputes.join(", ")}` : null,
		counted.warnings.length ? `latest early fraud warnings counted: ${counted.warnings.join(", ")}` : null,
	].filter((l): l is string => l !== null);
	return redact(lines.join("\n")).slice(0, 3000);
}

/**
 * Sends one notice per month, programme and level (approaching, then over) — before a threshold is crossed, and
 * again when it is. Run by the cron; never throws. Returns the notices enqueued.
 */
export async function warnMonitoring(deps: NotifyDeps): Promise<string[]> {
	if (!deps.config.NOTIFY_WEBHOOK_URL || !deps.notifyQueue) return [];
	const sent: string[] = [];
	try {
		const [current] = (await monitoringTrend(deps.db, deps.now(), 1)).slice(-1);
		if (!current) return sent;
		for (const s of current.programmes) {
			if (s.status !== "over" && s.status !== "approaching") continue;
			const key = `monitoring_${current.month.replace("-", "_")}_${s.programme.id.replace(/-/g, "_")}_${s.status}`;
			const claimed = await deps.db
				.insert(notifications)
				.values({ disputeId: key, kind: "monitoring" })
				.onConflictDoNothing()
				.returning({ kind: notifications.kind });
			if (claimed.length === 0) continue;
			const text = monitoringText(current.month, s, await countedThisMonth(deps.db, current.month));
			try {
				await deps.notifyQueue.send({ kind: "monitoring", disputeId: key, payload: { text } });
			} catch (error) {
				await deps.db
					.delete(notifications)
					.where(and(eq(notifications.disputeId, key), eq(notifications.kind, "monitoring")));
				throw error;
			}
			sent.push(key);
		}
	} catch (error) {
		console.warn(`monitoring notices not checked: ${describeError(error)}`);
	}
	return sent;
}
