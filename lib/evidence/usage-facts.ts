import { formatCount, formatDate, formatDateTime, plural } from "../format";
import type { FactSink } from "./fact-sink";
import type { ActivityKinds } from "./kinds";
import type { CaseParts } from "./types";

/** Facts of what the customer did in the merchant's product: activity, access, logins, cancellations, artifacts. */

/** Fact id of a usage kind: `usage.kind.<slug>.<metric>`; the slug keeps ids stable and free of odd characters. */
export function kindSlug(kind: string): string {
	const slug = kind
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "_")
		.replace(/^_+|_+$/g, "");
	return slug || "unnamed";
}

/** Activity kinds (as slugs) that record a cancellation. */
export const CANCEL_KINDS: ReadonlySet<string> = new Set([
	"cancellation",
	"cancel",
	"subscription_canceled",
	"subscription_cancelled",
	"unsubscribe",
]);

/** Activity by kind, use of the service, and the IP addresses, devices and events it came from. */
export function usageFacts(parts: CaseParts, kinds: ActivityKinds, sink: FactSink): void {
	const { count, time, add } = sink;
	const u = parts.usage;
	if (u) {
		count("usage.total", "Activity events", u.total, "merchant_db");
		time("usage.first_at", "First activity", u.firstAt, "merchant_db");
		time("usage.last_at", "Latest activity", u.lastAt, "merchant_db");
		count("usage.after_charge", "Activity events after the charge", u.afterCharge, "merchant_db");
		time("usage.last_after_charge_at", "Latest activity after the charge", u.lastAfterChargeAt, "merchant_db");
		count(
			"usage.weeks_active",
			"Weeks with activity (recent two years)",
			u.weekly.filter((w) => w.count > 0).length,
			"merchant_db",
		);
		for (const k of u.byKind) {
			const base = `usage.kind.${kindSlug(k.kind)}`;
			const name = kinds.many(k.kind);
			count(`${base}.count`, `Activity: ${name}`, k.count, "merchant_db");
			count(`${base}.after_charge`, `Activity after the charge: ${name}`, k.afterCharge, "merchant_db");
			time(`${base}.first_at`, `First of the activity: ${name}`, k.firstAt, "merchant_db");
			time(`${base}.last_at`, `Latest of the activity: ${name}`, k.lastAt, "merchant_db");
		}
		derivedUse(add, kinds, parts);
		count("access.distinct_ips", "Distinct IP addresses", u.distinctIps, "merchant_db");
		count("access.distinct_devices", "Distinct devices", u.distinctDevices, "merchant_db");
		u.topIps.forEach((ip, i) => {
			add(
				`access.ip.${i + 1}`,
				`IP address #${i + 1}`,
				ip.value,
				accessDisplay(ip.value, ip.count, ip.firstAt, ip.lastAt),
				"merchant_db",
			);
		});
		u.topDevices.forEach((dev, i) => {
			add(
				`access.device.${i + 1}`,
				`Device #${i + 1}`,
				dev.value,
				accessDisplay(dev.value, dev.count, dev.firstAt, dev.lastAt),
				"merchant_db",
			);
		});
		u.recent.forEach((e, i) => {
			const where = [e.ip && `IP ${e.ip}`, e.deviceId && `device ${e.deviceId}`].filter(Boolean).join(", ");
			add(
				`access.event.${i + 1}`,
				`Logged event #${i + 1}`,
				e.occurredAt,
				`${formatDateTime(e.occurredAt)}: ${e.kind}${where ? ` (${where})` : ""}`,
				"merchant_db",
			);
		});
	}
}

/** Logins and activity around the charge, and after the service period began. */
export function chargeWindowFacts(parts: CaseParts, { add, time, count, text }: FactSink): void {
	const a = parts.account;
	const win = parts.chargeWindow;
	if (a && win) {
		count("login.window_days", "Days either side of the charge counted for logins", win.windowDays, "merchant_db");
		count("login.before_charge", "Logins in the days before the charge", win.loginsBefore, "merchant_db");
		count("login.after_charge", "Logins in the days after the charge", win.loginsAfter, "merchant_db");
		time("login.last_before_charge_at", "Last login before the charge", win.lastLoginBeforeAt, "merchant_db");
		time("login.first_after_charge_at", "First login after the charge", win.firstLoginAfterAt, "merchant_db");
		count("usage.around_charge", "Activity events within a day of the charge", win.eventsAroundCharge, "merchant_db");
		time("service.period_start", "Service period began", win.servicePeriodStart, "stripe");
		count(
			"usage.after_service_start",
			"Activity events after the service period began",
			win.afterServiceStart,
			"merchant_db",
		);
		count("access.devices_before_charge", "Devices used before the charge", win.devicesBeforeCharge, "merchant_db");
		if (win.purchaseDevice) {
			text("purchase.device", "Device used at the time of purchase", win.purchaseDevice, "merchant_db");
			if (win.purchaseDeviceSeenBefore !== null) {
				add(
					"purchase.device_seen_before",
					"Purchase device used by the account before",
					win.purchaseDeviceSeenBefore,
					win.purchaseDeviceSeenBefore ? "yes" : "no",
					"merchant_db",
				);
			}
		}
	}
}

/** Cancellations recorded in the account's activity. */
export function cancellationFacts(parts: CaseParts, { add, time, count }: FactSink): void {
	const { charge: c, usage: u } = parts;
	if (u) {
		const cancels = u.byKind.filter((k) => CANCEL_KINDS.has(kindSlug(k.kind)));
		const n = cancels.reduce((s, k) => s + k.count, 0);
		count("cancellation.count", "Cancellations on record", n, "merchant_db");
		const first = cancels.map((k) => k.firstAt).sort()[0];
		if (first) {
			time("cancellation.first_at", "First cancellation", first, "merchant_db");
			const before = first < c.createdAt;
			add(
				"cancellation.before_charge",
				"A cancellation was recorded before the charge",
				before,
				before ? "yes" : "no",
				"merchant_db",
			);
		}
	}
}

/** Things the customer made. */
export function artifactFacts(parts: CaseParts, { add, time, count }: FactSink): void {
	const { charge: c, account: a } = parts;
	if (a) {
		const n = parts.artifactCount ?? parts.artifacts.length;
		if (n > 0) count("artifacts.count", "Things the customer made", n, "merchant_db");
		const latest = parts.artifacts
			.map((x) => x.createdAt)
			.filter((x): x is string => !!x)
			.sort()
			.at(-1);
		time("artifacts.latest_at", "Latest thing made", latest, "merchant_db");
		// Things made after the charge, stated only when the bounded list reaches back past the charge (or is whole),
		// so the count is exact rather than "at least".
		const dated = parts.artifacts.filter((x) => !!x.createdAt);
		const after = dated.filter((x) => x.createdAt! > c.createdAt).length;
		if (after > 0 && (after < dated.length || dated.length >= n)) {
			add(
				"artifacts.after_charge",
				"Things made after the charge",
				after,
				plural(after, "thing made", "things made"),
				"merchant_db",
			);
		}
	}
}

/**
 * Use of the service, as the merchant's activity kinds define it (logins and support messages are not use):
 * how much after the charge, the latest, and how long before the dispute it was. Computed here so the writers
 * cite them as facts and the verifier checks them like any other.
 */
function derivedUse(add: FactSink["add"], kinds: ActivityKinds, parts: CaseParts): void {
	const u = parts.usage;
	if (!u) return;
	const use = u.byKind.filter((k) => kinds.countsAsUse(k.kind));
	const after = use.reduce((s, k) => s + Math.max(k.afterCharge, 0), 0);
	add("use.after_charge", "Uses of the service after the charge", after, formatCount(after), "merchant_db");
	const total = use.reduce((s, k) => s + Math.max(k.count, 0), 0);
	add("use.total", "Uses of the service", total, formatCount(total), "merchant_db");
	const last = use
		.filter((k) => k.afterCharge > 0 && k.lastAt > parts.charge.createdAt)
		.map((k) => k.lastAt)
		.sort()
		.at(-1);
	if (!last) return;
	add(
		"use.last_after_charge_at",
		"Latest use of the service after the charge",
		last,
		formatDateTime(last),
		"merchant_db",
	);
	const gap = Date.parse(parts.dispute.createdAt) - Date.parse(last);
	if (!Number.isFinite(gap) || gap < 0) return;
	const hours = Math.floor(gap / 3_600_000);
	if (hours < 48) {
		add(
			"use.hours_before_dispute",
			"Hours from the latest use to the dispute",
			hours,
			plural(hours, "hour"),
			"merchant_db",
		);
	} else {
		const days = Math.floor(hours / 24);
		add("use.days_before_dispute", "Days from the latest use to the dispute", days, plural(days, "day"), "merchant_db");
	}
}

function accessDisplay(value: string, n: number, firstAt: string, lastAt: string): string {
	return `${value}: ${plural(n, "event")}, ${formatDate(firstAt)} to ${formatDate(lastAt)}`;
}
