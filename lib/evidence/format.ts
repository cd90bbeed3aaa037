/**
 * Formatting shared by facts, narratives and evidence fields. Deterministic (always UTC, always en-US digits) so
 * the same case renders the same text wherever it runs.
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

/** `1000, "usd"` → `$10.00`; `1000, "jpy"` → `¥1,000`; an unknown currency code falls back to `10.00 XYZ`. */
export function formatAmount(amount: number, currency: string): string {
	const digits = minorUnitDigits(currency);
	const major = amount / 10 ** digits;
	try {
		return new Intl.NumberFormat("en-US", {
			style: "currency",
			currency: currency.toUpperCase(),
			minimumFractionDigits: digits,
			maximumFractionDigits: digits,
		}).format(major);
	} catch {
		return `${major.toFixed(digits)} ${currency.toUpperCase()}`;
	}
}

const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** `1234` → `1,234`. */
export function formatCount(n: number): string {
	return integerFormat.format(n);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ISO time → `12 Mar 2026, 14:05 UTC`. */
export function formatDateTime(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const hh = String(d.getUTCHours()).padStart(2, "0");
	const mm = String(d.getUTCMinutes()).padStart(2, "0");
	return `${formatDate(iso)}, ${hh}:${mm} UTC`;
}

/** ISO time → `12 Mar 2026`. */
export function formatDate(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Unix seconds (Stripe's `created`) → ISO string. */
export function unixToIso(seconds: number): string {
	return new Date(seconds * 1000).toISOString();
}

/** Stripe's snake_case enum values for people: `product_not_received` → `product not received`. */
export function humanise(value: string): string {
	return value.replace(/_/g, " ");
}
