import type Stripe from "stripe";
import type { MerchantIdentity } from "../documents/receipt";

/**
 * Who the merchant is on the evidence: MERCHANT_NAME when set; else the Stripe account's business name (the
 * connected account's under Connect), its dashboard name, the charge's statement descriptor, and last the
 * account's website host. Support email, URL, phone and country come from the account. A document is never signed
 * "The merchant". `account` is the dispute's account as Stripe reports it (`PipelineDeps.account`).
 */
export function merchantIdentity(
	account: Stripe.Account,
	configuredName: string | undefined,
	charge: Stripe.Charge,
): MerchantIdentity {
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
