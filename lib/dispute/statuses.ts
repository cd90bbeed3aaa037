/** Stripe statuses in which a dispute still takes evidence. */
export const OPEN_STATUSES: readonly string[] = ["needs_response", "warning_needs_response"];

/** Stripe statuses in which evidence has gone in and the issuer is deciding. */
export const UNDER_REVIEW_STATUSES: readonly string[] = ["under_review", "warning_under_review"];

export function isOpenStatus(status: string): boolean {
	return OPEN_STATUSES.includes(status);
}
