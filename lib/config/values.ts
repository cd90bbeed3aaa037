import { z } from "zod";

/** The shapes configuration values share. Messages name the shape expected, never the value (it may be a secret). */

export const stripeSecretKey = z
	.string({ error: "is required" })
	.regex(/^(sk|rk)_(live|test)_[A-Za-z0-9_]+$/, "must look like sk_live_…, sk_test_… or rk_…");

export const webhookSecret = z
	.string({ error: "is required" })
	.regex(/^whsec_[A-Za-z0-9_+/=]+$/, "must look like whsec_…");

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http or https URL" });

/** Why a connection string does not parse, most often: a password with a character that must be percent-encoded. */
export const DATABASE_URL_UNPARSEABLE =
	"is not a valid URL: percent-encode special characters in the user name and password (/ as %2F, # as %23, ? as %3F, @ as %40, : as %3A, % as %25)";

export const databaseUrl = z
	.string({ error: "is required" })
	.regex(/^postgres(ql)?:\/\/\S+$/, { error: "must be a postgres:// connection string", abort: true })
	.refine(parsesAsUrl, DATABASE_URL_UNPARSEABLE);

function parsesAsUrl(value: string): boolean {
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

/** An optional value; empty counts as unset (a blank line in .dev.vars, an empty wrangler var). */
export const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/**
 * The fewest pages PDF_MAX_PAGES may set: the leanest layout (cover, case, identity, transaction, usage
 * summary) of the largest case fits in 4 (tests/unit/pdf.test.ts), so a smaller limit could fail a dispute.
 */
export const MIN_PDF_PAGES = 4;

export const queueRetryBaseSeconds = optional(z.coerce.number().int().min(0).max(3600)).transform((s) => s ?? 30);
