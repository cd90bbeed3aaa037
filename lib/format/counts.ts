/** Counts and plurals for text a person reads: `1 login`, `3 devices`, `1,282 images generated` — never `(s)`. */

const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** `1234` → `1,234`; a value that is not a finite number → `—`. */
export function formatCount(n: number): string {
	if (!Number.isFinite(n)) return "—";
	return integerFormat.format(Math.round(n));
}

/**
 * A count with its noun: `plural(1, "login")` → `1 login`, `plural(3, "device")` → `3 devices`,
 * `plural(2, "IP address", "IP addresses")`, `plural(1282, "image generated", "images generated")`.
 * `many` defaults to `one` + "s", which is right for most nouns; give it for the others.
 */
export function plural(count: number, one: string, many = `${one}s`): string {
	return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** The noun alone, chosen by the count: `noun(1, "payment")` → `payment`, `noun(2, "payment")` → `payments`. */
export function noun(count: number, one: string, many = `${one}s`): string {
	return count === 1 ? one : many;
}

/** Below this many, a share is shown as a count (`3/7`): a percentage of a small sample claims more than it knows. */
export const SHARE_AS_PERCENT_FROM = 30;

/** `formatShare(3, 7)` → `3/7`; from 30 on, `formatShare(120, 200)` → `60 %`; nothing to share → `—`. */
export function formatShare(part: number, whole: number): string {
	if (!(whole > 0)) return "—";
	return whole < SHARE_AS_PERCENT_FROM ? `${formatCount(part)}/${formatCount(whole)}` : formatPercent(part / whole);
}

/** `0.4567` → `46 %`. */
export function formatPercent(ratio: number): string {
	return `${Math.round(ratio * 100)} %`;
}
