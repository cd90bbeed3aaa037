import { allConfigSchema, CONFIG_NAMES, type ConfigName, VARIABLES } from "../../../lib/config";
import { describeDatabaseUrl, maskedPrefix, maskUrl } from "../redact";
import { type CheckResult, fail, pass } from "../types";

/** The values later checks need, present only when well-formed. */
export interface DoctorConfig {
	stripeSecretKey?: string;
	stripeWebhookSecret?: string;
	stripeApiBase?: string;
	databaseUrl?: string;
}

/** Optional names that get a line even when unset, because unset changes behaviour. */
const ALWAYS_SHOWN = new Set<ConfigName>(["STRIPE_API_BASE", "SUBMIT_MODE", "ANTHROPIC_API_KEY"]);

const SECRET_PUT = (name: string) =>
	`npx wrangler secret put ${name} for the deployed Worker; ${name}=… in .dev.vars (or the environment) for local runs.`;
const urlFix = (name: string) =>
	`Set ${name} to an http or https URL (for example http://127.0.0.1:12111), or remove it to use the default.`;

const FIX: Partial<Record<ConfigName, string>> = {
	STRIPE_SECRET_KEY: `Use the secret key from Stripe Dashboard → Developers → API keys (sk_test_… to try it, sk_live_… in production; a restricted rk_… key needs read on disputes, charges, customers and write on disputes and files). ${SECRET_PUT("STRIPE_SECRET_KEY")}`,
	STRIPE_WEBHOOK_SECRET: `Use the signing secret (whsec_…) of the webhook endpoint that points at https://<worker>/webhooks/stripe (Dashboard → Developers → Webhooks → the endpoint → Signing secret). ${SECRET_PUT("STRIPE_WEBHOOK_SECRET")}`,
	DATABASE_URL: `Use a connection string postgres://user:password@host:5432/dbname (Neon: the connection string with ?sslmode=require); percent-encode special characters of the password (a password p/ss#1 is written p%2Fss%231). ${SECRET_PUT("DATABASE_URL")}`,
	DASHBOARD_TOKEN: `Generate one with \`openssl rand -hex 24\` (at least 16 characters). ${SECRET_PUT("DASHBOARD_TOKEN")}`,
	SUBMIT_MODE: "Set SUBMIT_MODE to auto or review (wrangler.toml [vars] or .dev.vars), or remove it for auto.",
	QUEUE_RETRY_BASE_SECONDS:
		"Set QUEUE_RETRY_BASE_SECONDS to a whole number of seconds between 0 and 3600, or remove it.",
	MERCHANT_NAME: "Set MERCHANT_NAME to 1–200 characters, or remove it.",
	STRIPE_API_BASE: urlFix("STRIPE_API_BASE"),
	ANTHROPIC_BASE_URL: urlFix("ANTHROPIC_BASE_URL"),
	DATABASE_WS_PROXY: urlFix("DATABASE_WS_PROXY"),
	NOTIFY_WEBHOOK_URL: urlFix("NOTIFY_WEBHOOK_URL"),
};
/** For the names without a fix of their own: what the variable means, from the configuration table. */
const meaningFix = (name: ConfigName) =>
	`Set ${name} as the README's configuration table says (${VARIABLES[name].meaning}), or remove it.`;

/** Checks every Worker variable (lib/config) with the Worker's own validators. */
export function checkConfig(env: Record<string, string | undefined>): { results: CheckResult[]; config: DoctorConfig } {
	const parsed = allConfigSchema.safeParse(env);
	const problems = new Map<string, string[]>();
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const name = String(issue.path[0] ?? "");
			problems.set(name, [...(problems.get(name) ?? []), issue.message]);
		}
	}

	const results: CheckResult[] = [];
	const config: DoctorConfig = {};
	for (const name of CONFIG_NAMES) {
		const value = env[name];
		const id = `config.${name}`;
		const issues = problems.get(name);
		const isSet = value !== undefined && value !== "";
		if (issues) {
			const whitespace = isSet && value.trim() !== value ? " (it has leading or trailing whitespace)" : "";
			const what = isSet ? `${issues.join("; ")}${whitespace}` : "is not set";
			results.push(fail(id, `${name} ${what}`, FIX[name] ?? meaningFix(name)));
			continue;
		}
		if (!isSet && !ALWAYS_SHOWN.has(name)) continue;
		results.push(pass(id, `${name} ${describe(name, value)}`));
		if (!isSet) continue;
		if (name === "STRIPE_SECRET_KEY") config.stripeSecretKey = value;
		if (name === "STRIPE_WEBHOOK_SECRET") config.stripeWebhookSecret = value;
		if (name === "STRIPE_API_BASE") config.stripeApiBase = value;
		if (name === "DATABASE_URL") config.databaseUrl = value;
	}
	return { results, config };
}

/** What a line says about a valid value: secrets at most by a masked prefix, URLs without credentials or keys. */
function describe(name: ConfigName, value: string | undefined): string {
	switch (name) {
		case "STRIPE_SECRET_KEY":
		case "STRIPE_WEBHOOK_SECRET":
			return `is set (${maskedPrefix(value!)})`;
		case "DATABASE_URL":
			return `is set (${describeDatabaseUrl(value!)})`;
		case "DASHBOARD_TOKEN":
			return `is set (${value!.length} characters)`;
		case "ANTHROPIC_API_KEY":
			return value ? "is set: narratives by Claude" : "is not set: narratives by the deterministic template writer";
		case "STRIPE_API_BASE":
			return value ? `is ${maskUrl(value)}` : "is not set: Stripe's real API";
		case "SUBMIT_MODE":
			return value ? `is ${value}` : "is not set: auto";
		case "MERCHANT_NAME":
			return "is set";
		default:
			return VARIABLES[name].secret ? "is set" : `is ${maskUrl(value!)}`;
	}
}
