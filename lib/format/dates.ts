/**
 * Dates and times, always in UTC and formatted by hand (not with locale data), so the same case gives the same
 * text on every runtime.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

/** A date from an ISO string, or null when it is missing, oversized or not a date. */
export function parseTime(iso: string | null | undefined): Date | null {
	if (typeof iso !== "string" || iso.length === 0 || iso.length > 64) return null;
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** ISO time → `12 Mar 2026`; missing → `—`; unparseable → as given, so nothing is silently lost. */
export function formatDate(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** ISO time → `12 Mar 2026, 14:05 UTC`, the form used in sentences and evidence texts. */
export function formatDateTime(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${formatDate(iso)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** ISO time → `12 Mar 2026 14:05 UTC`, the form used in the evidence report's tables and key facts. */
export function formatStamp(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${formatDate(iso)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** ISO time → `2026-03-12 14:05`, for table cells whose header says UTC. */
export function formatShortDateTime(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${d.toISOString().slice(0, 10)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `Mar 2026`, for chart axes. */
export function formatMonth(d: Date): string {
	return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Unix seconds (Stripe's `created`) → ISO string. */
export function unixToIso(seconds: number): string {
	return new Date(seconds * 1000).toISOString();
}

/** How far `due` is from `now`, for operators: `overdue by 3 h`, `in 5 h`, `in 4 days`. */
export function formatDueIn(due: Date, now: Date): string {
	const hours = (due.getTime() - now.getTime()) / 3_600_000;
	if (hours < 0) return `overdue by ${Math.round(-hours)} h`;
	return hours < 48 ? `in ${Math.round(hours)} h` : `in ${Math.round(hours / 24)} days`;
}
