import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { merchantIdentity } from "../../lib/evidence/merchant";
import { AccountCache } from "../../lib/stripe/accounts";
import { PLATFORM_ACCOUNT } from "../../local/stripe-emulator/billing";
import { type EmulatorHarness, startEmulatorHarness } from "../support/stripe-emulator";
import { makeCharge } from "../support/stripe-fixtures";

// The merchant's identity on the evidence: MERCHANT_NAME, else the Stripe account (the connected one under
// Connect), else the statement descriptor; never "The merchant".

let h: EmulatorHarness;
beforeAll(async () => {
	h = await startEmulatorHarness({ port: 0, rateLimit: false });
});
afterAll(() => h.close());
beforeEach(() => h.controls.reset());

const charge = makeCharge();

/** The identity as the assembly builds it: the account read from the emulator now (a fresh cache each time). */
async function identity(configuredName: string | undefined, c: Stripe.Charge, stripeAccount: string | null = null) {
	const account = await new AccountCache().reader(h.stripe(), "test")(stripeAccount);
	return merchantIdentity(account, configuredName, c);
}

describe("merchantIdentity", () => {
	it("takes the business name, support contact and country from the platform's account", async () => {
		await h.controls.seed({
			accounts: [
				{
					id: PLATFORM_ACCOUNT,
					country: "GB",
					business_profile: {
						name: "Northwind Analytics Ltd.",
						support_email: "billing@northwind.example",
						support_url: "https://northwind.example/support",
					},
				},
			],
		});
		expect(await identity(undefined, charge)).toEqual({
			name: "Northwind Analytics Ltd.",
			supportEmail: "billing@northwind.example",
			supportUrl: "https://northwind.example/support",
			supportPhone: null,
			country: "GB",
		});
	});

	it("uses the connected account's profile under Connect, and MERCHANT_NAME over any", async () => {
		await h.controls.seed({
			accounts: [{ id: "acct_1LumenPhoto0001", country: "DE", business_profile: { name: "Lumen Photo GmbH" } }],
		});
		const connected = await identity(undefined, charge, "acct_1LumenPhoto0001");
		expect(connected).toMatchObject({ name: "Lumen Photo GmbH", country: "DE" });
		expect((await identity("Lumen", charge, "acct_1LumenPhoto0001")).name).toBe("Lumen");
	});

	it("falls back to the statement descriptor, then the website, never to 'The merchant'", async () => {
		expect((await identity(undefined, charge)).name).toBe("ACME STUDIO");
		const bare = makeCharge({ calculated_statement_descriptor: null, statement_descriptor: null });
		await h.controls.seed({ accounts: [{ id: PLATFORM_ACCOUNT, business_profile: { url: "https://acme.example/" } }] });
		expect((await identity(undefined, bare)).name).toBe("acme.example");
		await h.controls.reset();
		expect((await identity(undefined, bare)).name).toBe(`Stripe account ${PLATFORM_ACCOUNT}`);
	});
});
