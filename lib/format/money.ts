/**
 * Money in Stripe's minor units, formatted the same way in evidence texts, the PDF, the dashboard and
 * notifications. Deterministic: always en-US digits, whatever the runtime's locale.
 */

// Stripe's zero-decimal and three-decimal currencies; every other currency has two decimals in Stripe amounts
// (ISK, HUF and TWD included: Stripe keeps two decimals for them in the API even where they are charged whole).
const ZERO_DECIMAL = new Set([
	"bif",
	"clp",
	"djf",
	"gnf",
	"jpy",
	"kmf",
	"krw",
	"mga",
	"pyg",
	"rwf",
	"ugx",
	"vnd",
	"vuv",
	"xaf",
	"xof",
	"xpf",
]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Digits of the minor unit in which Stripe expresses amounts of this currency. */
export function minorUnitDigits(currency: string): number {
	const c = currency.toLowerCase();
	if (ZERO_DECIMAL.has(c)) return 0;
	if (THREE_DECIMAL.has(c)) return 3;
	return 2;
}

/** A Stripe amount in the currency's major unit: `5000, "jpy"` → 5000; `1050, "usd"` → 10.5. */
export function toMajorUnits(amount: number, currency: string): number {
	return amount / 10 ** minorUnitDigits(currency);
}

function currencyText(amount: number, code: string): string | null {
	const digits = minorUnitDigits(code);
	try {
		return new Intl.NumberFormat("en-US", {
			style: "currency",
			currency: code,
			minimumFractionDigits: digits,
			maximumFractionDigits: digits,
		}).format(amount / 10 ** digits);
	} catch {
		return null;
	}
}

/** `1000, "usd"` → `$10.00`; `1000, "jpy"` → `¥1,000`; an unknown currency code falls back to `10.00 XYZ`. */
export function formatAmount(amount: number, currency: string): string {
	const code = currency.toUpperCase();
	return currencyText(amount, code) ?? `${toMajorUnits(amount, code).toFixed(minorUnitDigits(code))} ${code}`;
}

/**
 * With the currency code always shown, for documents read abroad: `$49.00 USD`, `€1,250.00 EUR`, `¥5,000 JPY`,
 * `KWD 1.250` as `KWD 1.250` (Intl already names the code there, so it is not repeated).
 */
export function formatMoney(amount: number, currency: string): string {
	const code = (currency || "").toUpperCase().slice(0, 3);
	if (!Number.isFinite(amount)) return `— ${code}`.trim();
	const text = currencyText(amount, code);
	if (text === null) return `${toMajorUnits(amount, code).toFixed(minorUnitDigits(code))} ${code}`.trim();
	return text.includes(code) ? text : `${text} ${code}`;
}
