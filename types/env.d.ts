// Secrets and optional variables that `wrangler types` cannot see in wrangler.toml.
// Every value is validated by lib/config.ts before use.
declare namespace Cloudflare {
	interface Env {
		STRIPE_SECRET_KEY?: string;
		STRIPE_WEBHOOK_SECRET?: string;
		STRIPE_API_BASE?: string;
		DATABASE_URL?: string;
		/** Local runs only: base URL (http://host:port) of the WebSocket-to-TCP bridge in front of a plain Postgres. */
		DATABASE_WS_PROXY?: string;
		ANTHROPIC_API_KEY?: string;
		ANTHROPIC_BASE_URL?: string;
		ANTHROPIC_MODEL?: string;
		DASHBOARD_TOKEN?: string;
		/** The business name printed on the evidence; defaults to the charge's statement descriptor. */
		MERCHANT_NAME?: string;
		/** Page limit of the evidence PDF (default 10). */
		PDF_MAX_PAGES?: string;
		/** Byte limit of the evidence PDF (default 2000000, at most 4500000). */
		PDF_MAX_BYTES?: string;
		/** Seconds of the first queue retry delay; doubles per attempt. */
		QUEUE_RETRY_BASE_SECONDS?: string;
		/** Lifecycle notifications (Slack-compatible JSON) are posted here; unset: none. */
		NOTIFY_WEBHOOK_URL?: string;
		/** Review mode: hours before due_by at which an unapproved dispute is submitted automatically. */
		REVIEW_AUTOSUBMIT_HOURS?: string;
		/** Minor units: refund actionable early fraud warnings on charges up to this amount. Unset: record only. */
		EFW_REFUND_MAX_AMOUNT?: string;
		/** `true`: accept (close) disputes too weak to fight instead of answering them. Default false. */
		DISPUTE_ACCEPT_WEAK?: string;
		/** Comma-separated Stripe Connect account ids the backfill lists disputes for, besides the platform. */
		STRIPE_ACCOUNTS?: string;
	}
}
