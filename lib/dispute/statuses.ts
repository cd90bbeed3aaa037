/** Stripe statuses in which a dispute still takes evidence. */
export const OPEN_STATUSES: readonly string[] = ["needs_response", "warning_needs_response"];

/** Stripe statuses in which evidence has gone in and the issuer is deciding. */
export const UNDER_REVIEW_STATUSES: readonly string[] = ["under_review", "warning_under_review"];

export function isOpenStatus(status: string): boolean {
	return OPEN_STATUSES.includes(status);
}

/** Stripe statuses of an appeal (API 2026-10-28): offered after a loss, then under review until won or lost. */
export const APPEAL_NEEDS_RESPONSE = "appeal_needs_response";
export const APPEAL_UNDER_REVIEW = "appeal_under_review";

export function isAppealStatus(status: string): boolean {
	return status === APPEAL_NEEDS_RESPONSE || status === APPEAL_UNDER_REVIEW;
}
