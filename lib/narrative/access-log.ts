import { factIndex } from "../evidence/facts";
import { ActivityKinds } from "../evidence/kinds";
import { FIELD_LIMIT, fitText } from "../evidence/text";
import type { EvidenceCase } from "../evidence/types";
import { formatCount, formatDate } from "../format";

/**
 * The `access_activity_log` evidence field: a summary of the account's activity, most telling lines first (totals,
 * use after the payment, kinds, access points, the latest events, then the weekly series). Bounded by the case's
 * own bounds; cut only at whole lines, with a note, to stay within Stripe's 20,000 characters.
 */
export function buildAccessLog(evidenceCase: EvidenceCase, limit: number = FIELD_LIMIT): string | null {
	const u = evidenceCase.usage;
	if (!u) return null;
	const f = factIndex(evidenceCase.facts);
	const d = (id: string) => f.get(id)?.display;
	const lines: string[] = [];

	const account = d("account.id");
	const signup = d("account.signup_at");
	if (account) lines.push(`Account ${account}${signup ? `, created ${signup}` : ""}.`);
	if (u.firstAt && u.lastAt)
		lines.push(`${d("usage.total")} logged events from ${d("usage.first_at")} to ${d("usage.last_at")}.`);
	else lines.push(`${d("usage.total")} logged events.`);
	const chargeAt = d("charge.created_at");
	if (u.afterCharge > 0) {
		lines.push(
			`After the payment${chargeAt ? ` on ${chargeAt}` : ""}: ${d("usage.after_charge")} events${u.lastAfterChargeAt ? `, the latest on ${d("usage.last_after_charge_at")}` : ""}.`,
		);
	} else {
		lines.push(`No events after the payment${chargeAt ? ` on ${chargeAt}` : ""}.`);
	}

	if (u.byKind.length > 0) {
		const kinds = new ActivityKinds(evidenceCase.activityKinds);
		lines.push("", "Events by kind:");
		for (const k of u.byKind) {
			lines.push(
				`- ${kinds.title(k.kind)}: ${formatCount(k.count)} (${formatCount(k.afterCharge)} after the payment), first ${formatDate(k.firstAt)}, latest ${formatDate(k.lastAt)}.`,
			);
		}
	}
	if (u.topIps.length > 0) {
		lines.push("", `IP addresses (${d("access.distinct_ips")} distinct), most used:`);
		for (let i = 1; i <= u.topIps.length; i++) lines.push(`- ${d(`access.ip.${i}`)}.`);
	}
	if (u.topDevices.length > 0) {
		lines.push("", `Devices (${d("access.distinct_devices")} distinct), most used:`);
		for (let i = 1; i <= u.topDevices.length; i++) lines.push(`- ${d(`access.device.${i}`)}.`);
	}
	if (u.recent.length > 0) {
		lines.push("", "Latest events around and after the payment (UTC):");
		for (let i = 1; i <= u.recent.length; i++) lines.push(`- ${d(`access.event.${i}`)}.`);
	}
	if (u.weekly.length > 0) {
		lines.push("", "Events per week (week starting Monday):");
		for (const w of [...u.weekly].reverse())
			lines.push(`- ${formatDate(`${w.weekStart}T00:00:00Z`)}: ${formatCount(w.count)}.`);
	}
	return fitText(lines.join("\n"), limit);
}
