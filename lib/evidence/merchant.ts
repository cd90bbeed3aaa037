import type Stripe from "stripe";
import type { MerchantIdentity } from "../documents/receipt";
import { stripeCall } from "../stripe/errors";

/**
 * Who the merchant is on the evidence: MERCHANT_NAME when set; else the Stripe account's business name (the
 * connected account's under Connect, as the request options name it), its dashboard name, the charge's statement
 * descriptor, and last the account's website host. Support email, URL, phone and country come from the account.
 * A document is never signed "The merchant".
 */
export async function merchantIdentity(
	stripe: Stripe,
	configuredName: string | undefined,
	charge: Stripe.Charge,
	requestOptions?: Stripe.RequestOptions,
): Promise<MerchantIdentity> {
	const account = await stripeCall("retrieve account", () => stripe.accounts.retrieveCurrent({}, requestOptions));
	const profile = account.business_profile;
	const host = hostOf(profile?.url) ?? hostOf(profile?.support_url);
	const name =
		configuredName?.trim() ||
		profile?.name?.trim() ||
		account.settings?.dashboard?.display_name?.trim() ||
		charge.calculated_statement_descriptor?.trim() ||
		charge.statement_descriptor?.trim() ||
		host ||
		`Stripe account ${account.id}`;
	return {
		name,
		supportEmail: profile?.support_email ?? account.email ?? null,
		supportUrl: profile?.support_url ?? profile?.url ?? null,
		supportPhone: profile?.support_phone ?? null,
		country: account.country ?? null,
	};
}

function hostOf(url: string | null | undefined): string | null {
	if (!url) return null;
	try {
		return new URL(url).host || null;
	} catch {
		return null;
	}
}
