/** One line of the doctor's report. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface CheckResult {
	/** Stable id for programs, e.g. `config.STRIPE_SECRET_KEY`, `schema.activity`, `stripe.key`. */
	id: string;
	status: CheckStatus;
	/** What was found, never a secret value. */
	message: string;
	/** What to do about a failure or warning. */
	fix?: string;
}

export const pass = (id: string, message: string): CheckResult => ({ id, status: "pass", message });
export const warn = (id: string, message: string, fix?: string): CheckResult => ({ id, status: "warn", message, fix });
export const fail = (id: string, message: string, fix: string): CheckResult => ({ id, status: "fail", message, fix });
export const skip = (id: string, message: string): CheckResult => ({ id, status: "skip", message });

/** The three relations of contract §4, in the order evidence assembly depends on them. */
export const MERCHANT_RELATIONS = ["accounts", "activity", "artifacts"] as const;
export type MerchantRelation = (typeof MERCHANT_RELATIONS)[number];
