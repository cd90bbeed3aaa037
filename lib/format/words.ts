/** Stripe's snake_case enumerations, for people. */

/** `product_not_received` → `product not received`. */
export function humanise(value: string): string {
	return value.replace(/_/g, " ");
}

/** `fraudulent` → `Fraudulent`, `product_not_received` → `Product not received`; missing → `—`. */
export function humanize(value: string | null | undefined): string {
	if (!value) return "—";
	const text = humanise(value).trim();
	return text.charAt(0).toUpperCase() + text.slice(1);
}

export function yesNo(value: boolean): string {
	return value ? "Yes" : "No";
}
