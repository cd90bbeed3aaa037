import { z } from "zod";
import { parseFeeTable } from "./decide/fees";
import { ConfigError } from "./errors";

/**
 * Configuration, validated once at each handler's start. Each function asks only for what it uses, so intake
 * keeps answering webhooks even when, say, the database URL is wrong. Messages name variables and the shape
 * expected, never the values (they are secrets).
 */

const stripeSecretKey = z
	.string({ error: "is required" })
	.regex(/^(sk|rk)_(live|test)_[A-Za-z0-9_]+$/, "must look like sk_live_…, sk_test_… or rk_…");
const webhookSecret = z.string({ error: "is required" }).regex(/^whsec_[A-Za-z0-9_+/=]+$/, "must look like whsec_…");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const databaseUrl = z
	.string({ error: "is required" })
	.regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// connection string");
const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/**
 * The fewest pages PDF_MAX_PAGES may set: the leanest layout (cover, case, identity, transaction, usage
 * summary) of the largest case fits in 4 (tests/unit/pdf.test.ts), so a smaller limit could fail a dispute.
 */
export const MIN_PDF_PAGES = 4;

export const intakeConfigSchema = z.object({
	STRIPE_WEBHOOK_SECRET: webhookSecret,
});

export const pipelineConfigSchema = z.object({
	STRIPE_SECRET_KEY: stripeSecretKey,
	STRIPE_API_BASE: optional(httpUrl),
	DATABASE_URL: databaseUrl,
	DATABASE_WS_PROXY: optional(httpUrl),
	ANTHROPIC_API_KEY: optional(z.string().min(1)),
	ANTHROPIC_BASE_URL: optional(httpUrl),
	ANTHROPIC_MODEL: optional(z.string().min(1)),
	SUBMIT_MODE: optional(z.enum(["auto", "review"], { error: "must be auto or review" })).transform(
		(mode) => mode ?? "auto",
	),
	MERCHANT_NAME: optional(z.string().min(1).max(200)),
	/** Page limit of the evidence PDF (default 10; Stripe accepts fewer than 50). */
	PDF_MAX_PAGES: optional(
		z.coerce
			.number()
			.int()
			.min(MIN_PDF_PAGES, `must be at least ${MIN_PDF_PAGES}, the leanest evidence document of a very large case`)
			.max(49, "must be at most 49"),
	),
	/** Byte limit of the evidence PDF (default 2,000,000; at most 4,500,000, the limit for all of a dispute's files). */
	PDF_MAX_BYTES: optional(
		z.coerce.number().int().min(100_000, "must be at least 100000").max(4_500_000, "must be at most 4500000"),
	),
	QUEUE_RETRY_BASE_SECONDS: optional(z.coerce.number().int().min(0).max(3600)).transform((s) => s ?? 30),
	/** Where lifecycle notifications go (Slack-compatible JSON); unset: none are sent. */
	NOTIFY_WEBHOOK_URL: optional(httpUrl),
	/** In review mode: submit an unapproved dispute automatically this many hours before due_by. */
	REVIEW_AUTOSUBMIT_HOURS: optional(z.coerce.number().min(1, "must be at least 1").max(480, "must be at most 480")),
	/**
	 * Early fraud warnings: refund an actionable warning's charge when it is at most this many minor units (and not yet
	 * refunded or disputed), to prevent the dispute. Unset: warnings are only recorded.
	 */
	EFW_REFUND_MAX_AMOUNT: optional(z.coerce.number().int("must be an integer").min(1, "must be at least 1")),
	/** `true`: accept (close) disputes whose case is too weak to fight instead of answering them. Default false. */
	DISPUTE_ACCEPT_WEAK: optional(z.enum(["true", "false"], { error: "must be true or false" })).transform(
		(v) => v === "true",
	),
	/**
	 * Whether to fight at all: `always` (default) answers every dispute worth answering; `economic` accepts early
	 * when the expected recovery (the merchant's own win record × amount) does not cover the countered fee.
	 */
	FIGHT_POLICY: optional(z.enum(["always", "economic"], { error: "must be always or economic" })).transform(
		(policy) => policy ?? "always",
	),
	/** Countered-dispute fees over the built-in table, `COUNTRY:currency=minor_units,…` (see lib/decide/fees.ts). */
	FIGHT_FEES: optional(z.string()).transform((text, ctx) => {
		try {
			return parseFeeTable(text);
		} catch (error) {
			ctx.addIssue({ code: "custom", message: `must be COUNTRY:currency=amount entries: ${(error as Error).message}` });
			return z.NEVER;
		}
	}),
	/** Arbitration filing fees of an appeal, `*:currency=minor_units,…`; unknown: an appeal waits for a person. */
	APPEAL_FEES: optional(z.string()).transform((text, ctx) => {
		try {
			return parseFeeTable(text, {});
		} catch (error) {
			ctx.addIssue({ code: "custom", message: `must be COUNTRY:currency=amount entries: ${(error as Error).message}` });
			return z.NEVER;
		}
	}),
	/** An appeal is filed automatically only when its filing fee is at most this (minor units). Unset: never. */
	APPEAL_AUTO_MAX_FEE: optional(z.coerce.number().int("must be an integer").min(0, "must be at least 0")),
	/** Stripe Connect accounts the backfill also lists disputes for, comma-separated `acct_…`. */
	STRIPE_ACCOUNTS: optional(
		z.string().regex(/^\s*acct_\w+(\s*,\s*acct_\w+)*\s*,?\s*$/, "must be a comma-separated list of acct_… ids"),
	).transform((list) =>
		list
			? list
					.split(",")
					.map((a) => a.trim())
					.filter(Boolean)
			: [],
	),
});

export const notifyConfigSchema = z.object({
	NOTIFY_WEBHOOK_URL: optional(httpUrl),
	QUEUE_RETRY_BASE_SECONDS: optional(z.coerce.number().int().min(0).max(3600)).transform((s) => s ?? 30),
});

export const dashboardConfigSchema = pipelineConfigSchema.extend({
	DASHBOARD_TOKEN: z.string({ error: "is required" }).min(16, "must be at least 16 characters"),
});

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;

export function parseConfig<T extends z.ZodType>(schema: T, env: unknown): z.infer<T> {
	const result = schema.safeParse(env);
	if (result.success) return result.data;
	const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
	throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
}
