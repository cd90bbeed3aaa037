/** How the evidence report names Stripe's check results and rebuttal's account-match methods. */
import { humanize } from "../format";

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
