/**
 * The countered-dispute fee: what the merchant pays on top of the dispute fee when it answers a dispute and loses
 * (Stripe refunds it on a win). It is the price of fighting, so it decides the break-even win probability
 * F / (A + F). The dispute fee itself is charged whether the merchant fights or accepts, so it does not enter.
 *
 * Keyed by the Stripe account's country and the dispute's currency: `US:usd`. `*:usd` matches any country. A pair
 * missing from the table is an unknown fee, and an unknown fee gives no economic verdict — never a fee of zero.
 */
export type FeeTable = Readonly<Record<string, number>>;

/**
 * Stripe's published countered-dispute fee for US accounts (15.00 USD, from June 2025). Other countries differ or
 * charge none: add them with FIGHT_FEES from your own Stripe pricing page rather than trusting a guess here.
 */
export const DEFAULT_COUNTERED_FEES: FeeTable = { "US:usd": 1500 };

const ENTRY = /^(\*|[A-Z]{2}):([a-z]{3})=(\d{1,9})$/;

/**
 * Parses `FIGHT_FEES`: comma-separated `COUNTRY:currency=minor_units` (e.g. `US:usd=1500,GB:gbp=1200,*:eur=1500`),
 * merged over the defaults; `=0` is a real zero fee (a country that charges none). Throws on a malformed entry.
 */
export function parseFeeTable(text: string | undefined, defaults: FeeTable = DEFAULT_COUNTERED_FEES): FeeTable {
	const table: Record<string, number> = { ...defaults };
	for (const raw of (text ?? "").split(",")) {
		const entry = raw.trim();
		if (!entry) continue;
		const match = ENTRY.exec(entry);
		if (!match) throw new Error(`"${entry}" is not COUNTRY:currency=amount (e.g. US:usd=1500)`);
		table[`${match[1]}:${match[2]}`] = Number(match[3]);
	}
	return table;
}

/** The countered fee for this account country and currency, in the currency's minor units; null when unknown. */
export function counteredFee(table: FeeTable, country: string | null, currency: string): number | null {
	const ccy = currency.toLowerCase();
	const exact = country ? table[`${country.toUpperCase()}:${ccy}`] : undefined;
	if (exact !== undefined) return exact;
	return table[`*:${ccy}`] ?? null;
}
