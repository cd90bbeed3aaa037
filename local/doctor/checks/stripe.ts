import type Stripe from "stripe";
import { createStripe } from "../../../lib/stripe/client";
import { LOCAL_STRIPE_SECRET_KEY, LOCAL_WEBHOOK_SECRET } from "../../env";
import { maskedPrefix } from "../redact";
import { type CheckResult, fail, pass, warn } from "../types";

export type StripeMode = "live" | "test";

export function keyMode(key: string): StripeMode {
	return /^(sk|rk)_live_/.test(key) ? "live" : "test";
}

/** Whether STRIPE_API_BASE points somewhere other than Stripe itself (the emulator, a proxy, a fake). */
export function isLocalBase(base: string | undefined): boolean {
	if (!base) return false;
	try {
		const host = new URL(base).hostname.replace(/^\[|\]$/g, "");
		return !(host === "stripe.com" || host.endsWith(".stripe.com"));
	} catch {
		return false;
	}
}

/** Test vs live: a live key must not meet the emulator, the emulator's key must not meet Stripe. */
export function checkStripeMode(key: string, base: string | undefined, expect?: StripeMode): CheckResult {
	const id = "stripe.mode";
	const mode = keyMode(key);
	const where = base ? `STRIPE_API_BASE ${base}` : "Stripe's API";
	if (expect && expect !== mode)
		return fail(
			id,
			`the key is a ${mode}-mode key (${maskedPrefix(key)}) but --expect-mode ${expect} was asked for`,
			`Set STRIPE_SECRET_KEY to the ${expect}-mode secret key (${expect === "live" ? "sk_live_…" : "sk_test_…"}) and the matching STRIPE_WEBHOOK_SECRET of a ${expect}-mode webhook endpoint.`,
		);
	if (mode === "live" && isLocalBase(base))
		return warn(
			id,
			`a live-mode key (${maskedPrefix(key)}) is sent to ${where}, which is not Stripe`,
			"Use a test key (sk_test_…) with the emulator or a local fake, or unset STRIPE_API_BASE so the live key reaches Stripe.",
		);
	if (!base && key === LOCAL_STRIPE_SECRET_KEY)
		return warn(
			id,
			"the local emulator's placeholder key is sent to Stripe's real API",
			"Set STRIPE_SECRET_KEY to your own key from Stripe Dashboard → Developers → API keys, or set STRIPE_API_BASE to the emulator.",
		);
	const note = mode === "test" && !base ? ": only test-mode disputes are answered; use sk_live_… in production" : "";
	return pass(id, `${mode} mode (${maskedPrefix(key)}) against ${where}${note}`);
}

/** The webhook secret's shape beyond the validator: the emulator's placeholder cannot verify Stripe's signatures. */
export function checkWebhookSecret(secret: string, base: string | undefined): CheckResult {
	const id = "stripe.webhook_secret";
	const body = secret.slice("whsec_".length);
	if (!isLocalBase(base) && secret === LOCAL_WEBHOOK_SECRET)
		return fail(
			id,
			"STRIPE_WEBHOOK_SECRET is the local emulator's placeholder; Stripe signs with the endpoint's own secret, so every webhook would answer 400",
			"Copy the endpoint's signing secret (Dashboard → Developers → Webhooks → your endpoint → Signing secret) and run `npx wrangler secret put STRIPE_WEBHOOK_SECRET`.",
		);
	if (!isLocalBase(base) && body.length < 24)
		return warn(
			id,
			`STRIPE_WEBHOOK_SECRET (whsec_…) is shorter than Stripe's signing secrets (${body.length} characters after whsec_)`,
			"Copy the whole signing secret from the webhook endpoint in the Stripe Dashboard; a truncated secret fails every signature.",
		);
	return pass(
		id,
		`STRIPE_WEBHOOK_SECRET has the shape of a signing secret (whsec_…, ${body.length} characters after the prefix)`,
	);
}

export interface DisputeListing {
	result: CheckResult;
	disputes: Stripe.Dispute[] | null;
}

/**
 * One cheap read that proves the key: the 100 most recent disputes, each with its charge and customer (the
 * matching check uses them). Answers 401 for a wrong or revoked key, 403 for a restricted key without access.
 */
export async function listRecentDisputes(key: string, base: string | undefined): Promise<DisputeListing> {
	const id = "stripe.key";
	const stripe = createStripe({ STRIPE_SECRET_KEY: key, STRIPE_API_BASE: base });
	const where = base ? `STRIPE_API_BASE ${base}` : "Stripe";
	try {
		const page = await stripe.disputes.list({ limit: 100, expand: ["data.charge", "data.charge.customer"] });
		return {
			result: pass(
				id,
				`${where} accepted the key (${maskedPrefix(key)}); ${page.data.length} recent dispute${page.data.length === 1 ? "" : "s"} listed`,
			),
			disputes: page.data,
		};
	} catch (error) {
		const e = error as { type?: string; statusCode?: number; message?: string };
		if (e.statusCode === 401 || e.type === "StripeAuthenticationError")
			return {
				result: fail(
					id,
					`${where} rejected the key (${maskedPrefix(key)}) with 401: it is wrong, rolled or revoked`,
					"Copy the current secret key from Stripe Dashboard → Developers → API keys (test-mode key in test mode), then `npx wrangler secret put STRIPE_SECRET_KEY` and update .dev.vars.",
				),
				disputes: null,
			};
		if (e.statusCode === 403 || e.type === "StripePermissionError")
			return {
				result: fail(
					id,
					`${where} refused to list disputes with this key (403): ${e.message ?? ""}`,
					"Give the restricted key read access to disputes, charges and customers and write access to disputes and files, or use the standard secret key.",
				),
				disputes: null,
			};
		if (e.type === "StripeConnectionError")
			return {
				result: fail(
					id,
					`cannot reach ${where}: ${e.message ?? "connection failed"}`,
					base
						? "Start the emulator (npm run dev starts it) or fix STRIPE_API_BASE; unset it to use Stripe itself."
						: "This machine cannot reach api.stripe.com: check the network, proxy or firewall.",
				),
				disputes: null,
			};
		return {
			result: fail(
				id,
				`listing disputes failed (${e.statusCode ?? e.type ?? "error"}): ${e.message ?? String(error)}`,
				"Check STRIPE_SECRET_KEY and STRIPE_API_BASE; run again with the same settings to see whether it persists.",
			),
			disputes: null,
		};
	}
}
