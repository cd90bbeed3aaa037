import { z } from "zod";
import { type FeeTable, parseFeeTable } from "../decide/fees";
import {
	databaseUrl,
	httpUrl,
	MIN_PDF_PAGES,
	optional,
	queueRetryBaseSeconds,
	stripeSecretKey,
	webhookSecret,
} from "./values";

/**
 * Which configuration each function validates when it starts: `intake` (webhooks), `pipeline` (the assemble and
 * submit consumers and the scheduled jobs), `notify` (the notification consumer), `dashboard` (the dashboard and
 * `/api`, which run pipeline actions too). Each asks only for what it uses, so intake keeps answering webhooks
 * even when, say, the database URL is wrong.
 */
export const READERS = ["intake", "pipeline", "notify", "dashboard"] as const;
export type Reader = (typeof READERS)[number];

export interface Variable {
	schema: z.ZodType;
	/** One line for operators: what the value does, and what unset means. */
	meaning: string;
	/** Never printed, logged or echoed in an error; set with `wrangler secret put`. */
	secret: boolean;
	usedBy: readonly Reader[];
}

const PIPELINE = ["pipeline", "dashboard"] as const;

/** A fee table variable (lib/decide/fees.ts), refused with the parser's own words when malformed. */
function feeTable(parse: (text: string | undefined) => FeeTable) {
	return optional(z.string()).transform((text, ctx) => {
		try {
			return parse(text);
		} catch (error) {
			ctx.addIssue({ code: "custom", message: `must be COUNTRY:currency=amount entries: ${(error as Error).message}` });
			return z.NEVER;
		}
	});
}

/**
 * Every Worker variable and secret, named once. The functions' schemas (index.ts), the local runner's
 * pass-through, `npm run doctor`'s checks and the README's configuration table are derived from or checked
 * against this table.
 */
export const VARIABLES = {
	STRIPE_SECRET_KEY: {
		schema: stripeSecretKey,
		meaning: "Stripe API key (sk_live_…, sk_test_…, rk_…)",
		secret: true,
		usedBy: PIPELINE,
	},
	STRIPE_WEBHOOK_SECRET: {
		schema: webhookSecret,
		meaning: "signing secret of the webhook endpoint (whsec_…)",
		secret: true,
		usedBy: ["intake"],
	},
	STRIPE_API_BASE: {
		schema: optional(httpUrl),
		meaning: "base URL for every Stripe API call, file uploads included; unset: Stripe's real hosts",
		secret: false,
		usedBy: PIPELINE,
	},
	DATABASE_URL: {
		schema: databaseUrl,
		meaning: "Postgres connection string (@neondatabase/serverless + Drizzle)",
		secret: true,
		usedBy: PIPELINE,
	},
	DATABASE_WS_PROXY: {
		schema: optional(httpUrl),
		meaning: "a Neon-compatible WebSocket proxy in front of a Postgres that is not Neon (local runs set their own)",
		secret: false,
		usedBy: PIPELINE,
	},
	ANTHROPIC_API_KEY: {
		schema: optional(z.string().min(1)),
		meaning: "enables the Claude narrative writer; unset: the deterministic template writer",
		secret: true,
		usedBy: PIPELINE,
	},
	ANTHROPIC_BASE_URL: {
		schema: optional(httpUrl),
		meaning: "base URL of the Anthropic Messages API (proxies, local fakes)",
		secret: false,
		usedBy: PIPELINE,
	},
	ANTHROPIC_MODEL: {
		schema: optional(z.string().min(1)),
		meaning: "Claude model id; unset: a current model",
		secret: false,
		usedBy: PIPELINE,
	},
	DASHBOARD_TOKEN: {
		schema: z.string({ error: "is required" }).min(16, "must be at least 16 characters"),
		meaning: "operator secret of the dashboard and /api; unset: they answer 503",
		secret: true,
		usedBy: ["dashboard"],
	},
	SUBMIT_MODE: {
		schema: optional(z.enum(["auto", "review"], { error: "must be auto or review" })).transform(
			(mode) => mode ?? "auto",
		),
		meaning: "auto (default): submit before the deadline; review: wait for an operator's approval",
		secret: false,
		usedBy: PIPELINE,
	},
	MERCHANT_NAME: {
		schema: optional(z.string().min(1).max(200)),
		meaning: "the business name printed on the evidence; unset: from the charge",
		secret: false,
		usedBy: PIPELINE,
	},
	PDF_MAX_PAGES: {
		schema: optional(
			z.coerce
				.number()
				.int()
				.min(MIN_PDF_PAGES, `must be at least ${MIN_PDF_PAGES}, the leanest evidence document of a very large case`)
				.max(49, "must be at most 49"),
		),
		meaning: "page limit of the evidence PDF (default 10; Stripe accepts fewer than 50)",
		secret: false,
		usedBy: PIPELINE,
	},
	PDF_MAX_BYTES: {
		schema: optional(
			z.coerce.number().int().min(100_000, "must be at least 100000").max(4_500_000, "must be at most 4500000"),
		),
		meaning: "byte limit of the evidence PDF (default 2000000; 4500000 is the limit for all of a dispute's files)",
		secret: false,
		usedBy: PIPELINE,
	},
	QUEUE_RETRY_BASE_SECONDS: {
		schema: queueRetryBaseSeconds,
		meaning: "first retry delay of a failed queue message in seconds (default 30, doubling per attempt)",
		secret: false,
		usedBy: [...PIPELINE, "notify"],
	},
	DISPUTE_ACCEPT_WEAK: {
		schema: optional(z.enum(["true", "false"], { error: "must be true or false" })).transform((v) => v === "true"),
		meaning: "true: accept (close) disputes too weak to fight instead of answering them (default false)",
		secret: false,
		usedBy: PIPELINE,
	},
	FIGHT_POLICY: {
		schema: optional(z.enum(["always", "economic"], { error: "must be always or economic" })).transform(
			(policy) => policy ?? "always",
		),
		meaning:
			"always (default): answer every dispute worth answering; economic: accept early when the expected recovery does not cover the countered fee",
		secret: false,
		usedBy: PIPELINE,
	},
	FIGHT_FEES: {
		schema: feeTable((text) => parseFeeTable(text)),
		meaning: "countered-dispute fees over the built-in table, COUNTRY:currency=minor_units,… (lib/decide/fees.ts)",
		secret: false,
		usedBy: PIPELINE,
	},
	APPEAL_FEES: {
		schema: feeTable((text) => parseFeeTable(text, {})),
		meaning: "arbitration filing fees of an appeal, *:currency=minor_units,…; unknown: an appeal waits for a person",
		secret: false,
		usedBy: PIPELINE,
	},
	APPEAL_AUTO_MAX_FEE: {
		schema: optional(z.coerce.number().int("must be an integer").min(0, "must be at least 0")),
		meaning: "file an appeal automatically only when its filing fee is at most this (minor units); unset: never",
		secret: false,
		usedBy: PIPELINE,
	},
	REVIEW_AUTOSUBMIT_HOURS: {
		schema: optional(z.coerce.number().min(1, "must be at least 1").max(480, "must be at most 480")),
		meaning: "review mode: submit an unapproved dispute automatically this many hours before due_by",
		secret: false,
		usedBy: PIPELINE,
	},
	NOTIFY_WEBHOOK_URL: {
		schema: optional(httpUrl),
		meaning: "where lifecycle notifications are posted (Slack-compatible JSON); unset: none are sent",
		secret: true,
		usedBy: [...PIPELINE, "notify"],
	},
	STRIPE_ACCOUNTS: {
		schema: optional(
			z.string().regex(/^\s*acct_\w+(\s*,\s*acct_\w+)*\s*,?\s*$/, "must be a comma-separated list of acct_… ids"),
		).transform((list) =>
			list
				? list
						.split(",")
						.map((a) => a.trim())
						.filter(Boolean)
				: [],
		),
		meaning: "Stripe Connect accounts the backfill also lists disputes for, comma-separated acct_…",
		secret: false,
		usedBy: PIPELINE,
	},
	EFW_REFUND_MAX_AMOUNT: {
		schema: optional(z.coerce.number().int("must be an integer").min(1, "must be at least 1")),
		meaning: "refund an actionable early fraud warning's charge up to this many minor units; unset: record only",
		secret: false,
		usedBy: PIPELINE,
	},
	ARTIFACT_HOSTS: {
		schema: optional(
			z
				.string()
				.regex(
					/^\s*[\w-]+(\.[\w-]+)+\.?(\s*,\s*[\w-]+(\.[\w-]+)+\.?)*\s*,?\s*$/,
					"must be a comma-separated list of host names",
				),
		).transform((list) =>
			list
				? list
						.split(",")
						.map((h) => h.trim().toLowerCase())
						.filter(Boolean)
				: [],
		),
		meaning:
			"host names https:// artifact images (and each redirect) may come from, comma-separated; unset: any public host",
		secret: false,
		usedBy: PIPELINE,
	},
} as const satisfies Record<string, Variable>;

export type ConfigName = keyof typeof VARIABLES;

/** Every Worker variable name, in the table's order. */
export const CONFIG_NAMES = Object.keys(VARIABLES) as ConfigName[];

/** The names whose values are secrets. */
export const SECRET_NAMES = CONFIG_NAMES.filter((name) => VARIABLES[name].secret);
