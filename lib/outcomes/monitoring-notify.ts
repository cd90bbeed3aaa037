import type { Db } from "../db/client";
import type { Notices } from "../dispute/notices";
import { describeError } from "../errors";
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
	return lines.join("\n");
}

export interface MonitoringNoticeDeps {
	db: Db;
	/** The notification port; absent (NOTIFY_WEBHOOK_URL unset), nothing is checked. */
	notices?: Notices;
	now(): Date;
}

/**
 * Sends one notice per month, programme and level (approaching, then over) — before a threshold is crossed, and
 * again when it is. Run by the cron; never throws. Returns the notices enqueued.
 */
export async function warnMonitoring(deps: MonitoringNoticeDeps): Promise<string[]> {
	const { notices } = deps;
	if (!notices) return [];
	const sent: string[] = [];
	try {
		const [current] = (await monitoringTrend(deps.db, deps.now(), 1)).slice(-1);
		if (!current) return sent;
		for (const s of current.programmes) {
			if (s.status !== "over" && s.status !== "approaching") continue;
			const key = `monitoring_${current.month.replace("-", "_")}_${s.programme.id.replace(/-/g, "_")}_${s.status}`;
			const text = monitoringText(current.month, s, await countedThisMonth(deps.db, current.month));
			if (await notices.sendText("monitoring", key, text)) sent.push(key);
		}
	} catch (error) {
		console.warn(`monitoring notices not checked: ${describeError(error)}`);
	}
	return sent;
}
