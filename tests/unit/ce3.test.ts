import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db/client";
import {
	assessCe3,
	type Ce3Context,
	type Ce3Identity,
	ce3Applicability,
	eligiblePriorCharges,
	qualifyCe3,
	satisfiesMatchRule,
} from "../../lib/evidence/ce3";
import { type ChargeListing, chargesCreatedBetween } from "../../lib/evidence/stripe-facts";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { CHARGE_CREATED, makeCharge, makeDispute, makePriorCharge } from "../support/stripe-fixtures";

const IP = "198.51.100.4";
const DEVICE = "device-7f3a9c2e41b84d0a"; // 23 characters: a fingerprint
const FP = "AOB934RVNwzk6xtn";

function identity(charge: string, overrides: Partial<Ce3Identity> = {}): Ce3Identity {
	return {
		charge,
		createdAt: CHARGE_CREATED,
		customer_purchase_ip: IP,
		device: { kind: "customer_device_fingerprint", value: DEVICE },
		customer_account_id: "acct_42",
		customer_email_address: "jenny.rosen@example.com",
		shipping_address: null,
		product_description: "Pro plan, monthly",
		...overrides,
	};
}

/** A stripe-node stand-in whose charges.list answers from fixtures, honouring `created` bounds. */
function fakeStripe(charges: Stripe.Charge[]): { stripe: Stripe; calls: unknown[] } {
	const calls: unknown[] = [];
	const stripe = {
		charges: {
			list: async (params: { created: { gte: number; lte: number } }) => {
				calls.push(params);
				return {
					data: charges.filter((c) => c.created >= params.created.gte && c.created <= params.created.lte),
					has_more: false,
				};
			},
		},
	} as unknown as Stripe;
	return { stripe, calls };
}

const withIpAndDevice = (ip = IP, device = DEVICE) => ({ metadata: { customer_ip: ip, device_fingerprint: device } });

const CTX: Ce3Context = {
	accountId: "acct_42",
	email: "jenny.rosen@example.com",
	productDescription: "Pro plan, monthly",
	purchaseIp: null,
};

describe("Visa's matching rule", () => {
	it.each([
		[["customer_purchase_ip", "device"], true],
		[["customer_purchase_ip", "customer_account_id"], true],
		[["device", "shipping_address"], true],
		[["device", "customer_email_address"], true],
		[["customer_purchase_ip"], false],
		[["customer_account_id", "customer_email_address", "shipping_address"], false],
		[[], false],
	] as const)("%j → %s", (matched, ok) => {
		expect(satisfiesMatchRule(matched)).toBe(ok);
	});
});

describe("a CE 3.0 qualified dispute", () => {
	it("fills the disputed transaction and exactly two prior undisputed transactions", async () => {
		const dispute = makeDispute();
		const charge = makeCharge(withIpAndDevice());
		const priors = [
			makePriorCharge(1, 30, withIpAndDevice()), // too recent
			makePriorCharge(2, 130, withIpAndDevice()),
			makePriorCharge(3, 200, withIpAndDevice()),
			makePriorCharge(4, 300, withIpAndDevice()),
			makePriorCharge(5, 400, withIpAndDevice()), // too old
		];
		const { stripe, calls } = fakeStripe(priors);
		const { result } = await assessCe3({ db: {} as Db, stripe }, dispute, charge, CTX);
		expect(calls).toHaveLength(1);
		expect(result.status).toBe("qualified");
		if (result.status !== "qualified") return;
		expect(result.priorCharges).toEqual(["ch_prior_0002", "ch_prior_0003"]);
		expect(result.matched).toEqual(
			expect.arrayContaining(["customer_purchase_ip", "device", "customer_account_id", "customer_email_address"]),
		);
		expect(result.evidence.prior_undisputed_transactions).toHaveLength(2);
		expect(result.evidence.disputed_transaction).toEqual({
			customer_purchase_ip: IP,
			customer_device_fingerprint: DEVICE,
			customer_account_id: "acct_42",
			customer_email_address: "jenny.rosen@example.com",
			product_description: "Pro plan, monthly",
			merchandise_or_services: "services",
		});
		expect(result.evidence.prior_undisputed_transactions[0]).toMatchObject({
			charge: "ch_prior_0002",
			customer_purchase_ip: IP,
			customer_device_fingerprint: DEVICE,
		});
	});

	it("qualifies on one main and one secondary element (IP and account id), without a device", () => {
		const d = identity("ch_d", { device: null });
		const result = qualifyCe3(d, [identity("ch_1", { device: null }), identity("ch_2", { device: null })]);
		expect(result).toMatchObject({ status: "qualified", matched: expect.arrayContaining(["customer_purchase_ip"]) });
	});
});

type Case = [
	name: string,
	failed: string,
	build: () => { dispute: Stripe.Dispute; charge: Stripe.Charge; priors: Stripe.Charge[]; ctx?: Ce3Context },
];

const good = () => [makePriorCharge(2, 130, withIpAndDevice()), makePriorCharge(3, 200, withIpAndDevice())];

const NOT_QUALIFIED: Case[] = [
	[
		"not a Visa card",
		"not_visa",
		() => ({
			dispute: makeDispute({ payment_method_details: { card: { brand: "mastercard", network: "mastercard" } } }),
			charge: makeCharge(withIpAndDevice()),
			priors: good(),
		}),
	],
	[
		"a Visa reason other than 10.4",
		"not_reason_10_4",
		() => ({
			dispute: makeDispute({ payment_method_details: { card: { network_reason_code: "13.1" } } }),
			charge: makeCharge(withIpAndDevice()),
			priors: good(),
		}),
	],
	[
		"not listed as eligible",
		"not_eligible",
		() => ({ dispute: makeDispute({ enhanced_eligibility_types: [] }), charge: makeCharge(), priors: good() }),
	],
	[
		"Stripe reports not_qualified",
		"stripe_not_qualified",
		() => ({
			dispute: makeDispute({
				evidence_details: {
					enhanced_eligibility: { visa_compelling_evidence_3: { status: "not_qualified", required_actions: [] } },
				},
			}),
			charge: makeCharge(),
			priors: good(),
		}),
	],
	[
		"no Stripe customer",
		"no_customer",
		() => ({ dispute: makeDispute(), charge: makeCharge({ customer: null }), priors: good() }),
	],
	[
		"no card fingerprint",
		"no_card_fingerprint",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge({ payment_method_details: { card: { fingerprint: null } } }),
			priors: good(),
		}),
	],
	[
		"only one prior charge in the 120–365 day window",
		"fewer_than_two_prior_charges",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge(withIpAndDevice()),
			priors: [makePriorCharge(2, 130, withIpAndDevice()), makePriorCharge(3, 90, withIpAndDevice())],
		}),
	],
	[
		"prior charges on another card",
		"fewer_than_two_prior_charges",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge(withIpAndDevice()),
			priors: good().map((c) => ({
				...c,
				payment_method_details: {
					...c.payment_method_details!,
					card: { ...c.payment_method_details!.card!, fingerprint: "other" },
				},
			})) as Stripe.Charge[],
		}),
	],
	[
		"prior charges disputed or refunded",
		"fewer_than_two_prior_charges",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge(withIpAndDevice()),
			priors: [
				makePriorCharge(2, 130, { ...withIpAndDevice(), disputed: true }),
				makePriorCharge(3, 200, { ...withIpAndDevice(), refunded: true }),
				makePriorCharge(4, 250, { ...withIpAndDevice(), fraud_details: { user_report: "fraudulent" } }),
			],
		}),
	],
	[
		"prior charges from another IP and device, no account",
		"no_matching_elements",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge(withIpAndDevice()),
			priors: [
				makePriorCharge(2, 130, withIpAndDevice("203.0.113.7", "another-device-0000000001")),
				makePriorCharge(3, 200, withIpAndDevice("203.0.113.8", "another-device-0000000002")),
			],
			ctx: { ...CTX, accountId: null },
		}),
	],
	[
		"only secondary elements match (account id and email)",
		"no_matching_elements",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge(withIpAndDevice()),
			priors: [
				makePriorCharge(2, 130, withIpAndDevice("203.0.113.7", "another-device-0000000001")),
				makePriorCharge(3, 200, withIpAndDevice("203.0.113.8", "another-device-0000000002")),
			],
		}),
	],
	[
		"no product description",
		"missing_product_description",
		() => ({
			dispute: makeDispute(),
			charge: makeCharge({ ...withIpAndDevice(), description: null }),
			priors: good(),
			ctx: { ...CTX, productDescription: null },
		}),
	],
];

describe.each(NOT_QUALIFIED)("not qualified: %s", (_name, failed, build) => {
	it(`records the failed requirement ${failed}`, async () => {
		const { dispute, charge, priors, ctx } = build();
		const { stripe } = fakeStripe(priors);
		const { result } = await assessCe3({ db: {} as Db, stripe }, dispute, charge, ctx ?? CTX);
		expect(result.status).not.toBe("qualified");
		expect(result).toMatchObject({ failed, detail: expect.any(String) });
		expect(result.status).toBe(ce3Applicability(dispute) ? "not_applicable" : "not_qualified");
	});
});

describe("prior charges", () => {
	it("keeps only paid, undisputed charges on the same card 120–365 days old, newest first", () => {
		const charge = makeCharge();
		const kept = eligiblePriorCharges(
			[
				makePriorCharge(1, 119),
				makePriorCharge(2, 120),
				makePriorCharge(3, 365),
				makePriorCharge(4, 366),
				makePriorCharge(5, 200, { status: "failed", paid: false }),
				makePriorCharge(6, 200, { amount: 0 }),
				makePriorCharge(2, 120),
			],
			charge,
		);
		expect(kept.map((c) => c.id)).toEqual(["ch_prior_0002", "ch_prior_0003"]);
		expect(kept.every((c) => c.payment_method_details?.card?.fingerprint === FP)).toBe(true);
	});
});

describe("IP and device from the merchant's activity at each charge's time", () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase();
		await t.exec(
			`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at) values ('acct_42', 'jenny.rosen@example.com', 'Jenny', 'cus_QXg1o8vcGmoR32', now() - interval '2 years')`,
		);
		for (const days of [0, 130, 200]) {
			const at = new Date((CHARGE_CREATED - days * 86_400 + 60) * 1000).toISOString();
			await t.exec(
				`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id) values ('acct_42', $1, 'login', $2, $3)`,
				[at, IP, DEVICE],
			);
		}
	});
	afterAll(async () => t?.close());

	it("qualifies when the activity within 30 minutes of each charge shows the same IP and device", async () => {
		const { stripe } = fakeStripe([makePriorCharge(2, 130), makePriorCharge(3, 200)]);
		const { result, rowsFetched } = await assessCe3({ db: t.db, stripe }, makeDispute(), makeCharge(), CTX);
		expect(result).toMatchObject({ status: "qualified", priorCharges: ["ch_prior_0002", "ch_prior_0003"] });
		expect(rowsFetched).toBe(6);
	});
});

describe("the window read from the case file's listing of earlier charges", () => {
	const CUSTOMER = "cus_QXg1o8vcGmoR32";
	// Newest first, as Stripe lists them: the disputed charge's customer, every charge before it.
	const history = () => [
		makePriorCharge(1, 30, withIpAndDevice()),
		makePriorCharge(2, 130, withIpAndDevice()),
		makePriorCharge(3, 200, withIpAndDevice()),
		makePriorCharge(4, 300, withIpAndDevice()),
		makePriorCharge(5, 400, withIpAndDevice()),
	];
	const listing = (charges: Stripe.Charge[], complete: boolean, customerId = CUSTOMER): ChargeListing => ({
		customerId,
		before: CHARGE_CREATED,
		charges,
		complete,
	});
	const assess = async (chargeListing: ChargeListing | null) => {
		const { stripe, calls } = fakeStripe(history());
		const { result } = await assessCe3({ db: {} as Db, stripe }, makeDispute(), makeCharge(withIpAndDevice()), {
			...CTX,
			chargeListing,
		});
		return { result, calls: calls.length };
	};

	it("decides as its own listing would, without a Stripe call, when the listing is complete", async () => {
		const own = await assess(null);
		expect(own.calls).toBe(1);
		expect(own.result).toMatchObject({ status: "qualified", priorCharges: ["ch_prior_0002", "ch_prior_0003"] });
		const reused = await assess(listing(history(), true));
		expect(reused).toEqual({ result: own.result, calls: 0 });
	});

	it("reuses an incomplete listing only when it reaches past the window's oldest end", async () => {
		// Cut short after a charge older than 365 days: nothing of the window can be missing.
		expect(await assess(listing(history(), false))).toEqual({ result: (await assess(null)).result, calls: 0 });
		// Cut short at 200 days: charges of the window may be unread, so CE 3.0 lists it itself.
		const cut = await assess(listing(history().slice(0, 3), false));
		expect(cut.calls).toBe(1);
		expect(cut.result).toEqual((await assess(null)).result);
	});

	it("never takes another customer's listing, or one that stops short of the window", () => {
		const gte = CHARGE_CREATED - 365 * 86_400;
		const lte = CHARGE_CREATED - 120 * 86_400;
		expect(chargesCreatedBetween(listing(history(), true, "cus_other"), CUSTOMER, gte, lte)).toBeNull();
		expect(chargesCreatedBetween({ ...listing(history(), true), before: lte }, CUSTOMER, gte, lte)).toBeNull();
		expect(chargesCreatedBetween(null, CUSTOMER, gte, lte)).toBeNull();
		expect(chargesCreatedBetween(listing(history(), true), CUSTOMER, gte, lte)?.map((c) => c.id)).toEqual([
			"ch_prior_0002",
			"ch_prior_0003",
			"ch_prior_0004",
		]);
	});
});
