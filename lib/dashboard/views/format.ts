import { formatAmount } from "../../evidence/format";

/** How the dashboard prints amounts, times and links. */

export function money(amount: number, currency: string) {
	return currency ? formatAmount(amount, currency) : "—";
}

export function when(iso: string | null) {
	if (!iso) return "—";
	return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

export function relative(iso: string | null, now = Date.now()) {
	if (!iso) return "";
	const hours = (Date.parse(iso) - now) / 3_600_000;
	if (hours < 0) return `overdue by ${Math.round(-hours)} h`;
	return hours < 48 ? `in ${Math.round(hours)} h` : `in ${Math.round(hours / 24)} days`;
}

export function pct(n: number) {
	return `${Math.round(n * 100)} %`;
}

export function disputeHref(id: string) {
	return `/dashboard/disputes/${encodeURIComponent(id)}`;
}
