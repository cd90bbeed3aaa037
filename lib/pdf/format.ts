/**
 * Formatting of money, dates and Stripe's enumerations for the evidence PDF. Dates are formatted by hand in UTC
 * (not with locale data) so that the same case gives the same text on every runtime.
 */

import { minorUnitDigits } from "../evidence/format";

/** An amount in minor units, formatted in its currency, e.g. `$49.00 USD`, `€1,250.00 EUR`, `¥5,000 JPY`. */
export function formatMoney(amount: number, currency: string): string {
	const code = (currency || "").toUpperCase().slice(0, 3);
	if (!Number.isFinite(amount)) return `— ${code}`.trim();
	const exponent = minorUnitDigits(code);
	const major = amount / 10 ** exponent;
	try {
		const text = new Intl.NumberFormat("en-US", {
			style: "currency",
			currency: code,
			minimumFractionDigits: exponent,
			maximumFractionDigits: exponent,
		}).format(major);
		return text.includes(code) ? text : `${text} ${code}`;
	} catch {
		return `${major.toFixed(exponent)} ${code}`.trim();
	}
}

export function formatCount(n: number): string {
	if (!Number.isFinite(n)) return "—";
	return Math.round(n)
		.toString()
		.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function pad(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

export function parseTime(iso: string | null | undefined): Date | null {
	if (typeof iso !== "string" || iso.length === 0 || iso.length > 64) return null;
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** `2024-03-05 14:22 UTC`; an unparseable value is shown as given, so nothing is silently lost. */
export function formatDateTime(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${formatDate(iso)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** `2024-03-05 14:22`, for table cells whose header says UTC. */
export function formatShortDateTime(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${d.toISOString().slice(0, 10)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `5 Mar 2024`. */
export function formatDate(iso: string | null | undefined): string {
	if (iso == null) return "—";
	const d = parseTime(iso);
	if (!d) return String(iso);
	return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `Mar 2024`, for chart axes. */
export function formatMonth(d: Date): string {
	return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `fraudulent` → `Fraudulent`, `product_not_received` → `Product not received`. */
export function humanize(value: string | null | undefined): string {
	if (!value) return "—";
	const text = value.replace(/_/g, " ").trim();
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Stripe's card check results. */
export function formatCheck(value: string | null | undefined): string {
	switch (value) {
		case "pass":
			return "Passed";
		case "fail":
			return "Failed";
		case "unavailable":
			return "Unavailable";
		case "unchecked":
			return "Not checked";
		case null:
		case undefined:
			return "Not provided";
		default:
			return humanize(value);
	}
}

export function formatMatch(matchedBy: string): string {
	switch (matchedBy) {
		case "stripe_customer_id":
			return "Stripe customer id stored on the merchant account";
		case "metadata_account_id":
			return "Account id in the payment's metadata";
		case "billing_email":
			return "Billing email equals the account email";
		case "customer_email":
			return "Stripe customer email equals the account email";
		default:
			return humanize(matchedBy);
	}
}

export function yesNo(value: boolean): string {
	return value ? "Yes" : "No";
}
