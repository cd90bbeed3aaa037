import { formatAmount, formatDueIn } from "../../format";

/** How the dashboard prints amounts, times and links: the shared vocabulary of lib/format, with `—` for gaps. */

export function money(amount: number, currency: string) {
	return currency ? formatAmount(amount, currency) : "—";
}

export function when(iso: string | null) {
	if (!iso) return "—";
	return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

export function relative(iso: string | null, now = Date.now()) {
	if (!iso) return "";
	return formatDueIn(new Date(iso), new Date(now));
}

export function disputeHref(id: string) {
	return `/dashboard/disputes/${encodeURIComponent(id)}`;
}
