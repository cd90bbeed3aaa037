import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvidenceCase } from "../../lib/evidence/collect";
import { buildFacts } from "../../lib/evidence/facts";
import {
	collectPriorPayments,
	collectPriorPaymentsWithFirst,
	collectRefunds,
	countPriorPayments,
	purchaseIpFromStripe,
	summariseCharge,
	summariseCustomer,
	summariseDispute,
} from "../../lib/evidence/stripe-facts";
import type { CaseParts } from "../../lib/evidence/types";
import { formatAmount, formatDateTime } from "../../lib/format";
import { DISPUTE_EXPAND } from "../../lib/pipeline/sync";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { type EmulatorHarness, seedDispute, startEmulatorHarness } from "../support/stripe-emulator";
import {
	CHARGE_CREATED,
	DUE_BY,
	makeCharge,
	makeCustomer,
	makeDispute,
	makeDisputeCase,
	makePaymentIntent,
	makePriorCharge,
} from "../support/stripe-fixtures";

describe("formatting", () => {
	it.each([
		[2900, "usd", "$29.00"],
		[123456, "eur", "€1,234.56"],
		[1000, "jpy", "¥1,000"],
		[1500, "kwd", "KWD 1.500"],
		// Zero-decimal in Stripe amounts; ISK stays two-decimal in the API although charged in whole krónur.
		[50000, "ugx", "UGX 50,000"],
		[50000, "isk", "ISK 500.00"],
		[500, "xyz", "XYZ 5.00"],
	])("formats %d %s as %s", (amount, currency, display) => {
		expect(formatAmount(amount, currency).replace(/\u00a0/g, " ")).toBe(display);
	});

	it("formats times in UTC as `12 Mar 2026, 14:05 UTC`", () => {
		expect(formatDateTime("2026-03-12T14:05:59.000Z")).toBe("12 Mar 2026, 14:05 UTC");
		expect(formatDateTime("2026-01-05T03:07:00+09:00")).toBe("4 Jan 2026, 18:07 UTC");
	});
});

describe("Stripe summaries", () => {
	it("maps a dispute", () => {
		expect(summariseDispute(makeDispute({ reason: "unrecognized" }))).toEqual({
			id: "dp_1Pgc71B7WZ01zgkWMevJiAUx",
			amount: 2900,
			currency: "usd",
			reason: "unrecognized",
			networkReasonCode: "10.4",
			status: "needs_response",
			dueBy: new Date(DUE_BY * 1000).toISOString(),
			createdAt: new Date((CHARGE_CREATED + 20 * 86_400) * 1000).toISOString(),
			cardBrand: "visa",
			isInquiry: false,
		});
		const inquiry = makeDispute({
			status: "warning_needs_response",
			evidence_details: { due_by: null },
			payment_method_details: { card: { case_type: "inquiry" } },
		});
		expect(summariseDispute(inquiry)).toMatchObject({ isInquiry: true, dueBy: null });
	});

	it("maps a charge, including checks, 3D Secure, wallet and refunds", () => {
		const c = summariseCharge(
			makeCharge({
				amount_refunded: 500,
				payment_method_details: {
					card: { three_d_secure: { result: "authenticated" } as never, wallet: { type: "apple_pay" } as never },
				},
			}),
		);
		expect(c).toMatchObject({
			id: "ch_3PgafuB7WZ01zgkW0XmPNZs8",
			createdAt: "2026-03-12T14:05:00.000Z",
			statementDescriptor: "ACME STUDIO",
			billingEmail: "jenny.rosen@example.com",
			billingCountry: "US",
			billingPostalCode: "97201",
			cardBrand: "visa",
			cardLast4: "4242",
			checks: { addressLine1: "pass", addressPostalCode: "pass", cvc: "pass" },
			threeDSecure: "authenticated",
			wallet: "apple_pay",
			refunded: false,
			amountRefunded: 500,
		});
	});

	it("maps customers: passed, expanded, deleted, id only", () => {
		expect(summariseCustomer(makeCustomer())).toMatchObject({
			id: "cus_QXg1o8vcGmoR32",
			email: "jenny.rosen@example.com",
		});
		expect(summariseCustomer(null, makeCharge({ customer: makeCustomer({ name: "Expanded" }) as never }))?.name).toBe(
			"Expanded",
		);
		expect(summariseCustomer({ id: "cus_gone", object: "customer", deleted: true })).toEqual({
			id: "cus_gone",
			name: null,
			email: null,
			createdAt: null,
		});
		expect(summariseCustomer(null, makeCharge({ customer: "cus_x" }))).toEqual({
			id: "cus_x",
			name: null,
			email: null,
			createdAt: null,
		});
		expect(summariseCustomer(null, makeCharge({ customer: null }))).toBeNull();
	});

	it("takes the purchase IP from charge metadata, then payment intent metadata, and trusts only IPs", () => {
		expect(purchaseIpFromStripe(makeCharge({ metadata: { customer_ip: "203.0.113.7" } }))).toEqual({
			ip: "203.0.113.7",
			source: "charge_metadata",
		});
		const pi = makePaymentIntent({ metadata: { ip: "2001:db8::1" } });
		expect(purchaseIpFromStripe(makeCharge({ payment_intent: pi as never }))).toEqual({
			ip: "2001:db8::1",
			source: "payment_intent_metadata",
		});
		expect(purchaseIpFromStripe(makeCharge({ metadata: { ip: "not an ip" } }))).toBeNull();
		expect(purchaseIpFromStripe(makeCharge({ metadata: { ip: "300.1.1.1" } }))).toBeNull();
		expect(purchaseIpFromStripe(makeCharge())).toBeNull();
	});
});

describe("countPriorPayments", () => {
	const disputed = makeCharge();
	it("counts earlier succeeded charges in the same currency, with disputed and refunded ones", () => {
		const charges = [
			makePriorCharge(1, 90),
			makePriorCharge(2, 60, { disputed: true }),
			makePriorCharge(3, 30, { refunded: true, amount_refunded: 2900 }),
			makePriorCharge(4, 20, { amount_refunded: 100 }),
			makePriorCharge(5, 10, { status: "failed" }),
			makePriorCharge(6, 5, { currency: "eur" }),
			makePriorCharge(7, -1), // after the disputed charge
			makePriorCharge(1, 90), // a repeat from overlapping pages
			disputed,
		];
		expect(countPriorPayments(charges, disputed)).toEqual({
			count: 4,
			total: 4 * 2900,
			currency: "usd",
			disputed: 1,
			refunded: 2,
			firstAt: new Date((CHARGE_CREATED - 90 * 86_400) * 1000).toISOString(),
			lastAt: new Date((CHARGE_CREATED - 20 * 86_400) * 1000).toISOString(),
		});
		expect(countPriorPayments([], disputed)).toEqual({
			count: 0,
			total: 0,
			currency: "usd",
			disputed: 0,
			refunded: 0,
			firstAt: null,
			lastAt: null,
		});
	});
});

/**
 * No Stripe emulator exists in the tree yet, so paging is checked against a tiny fake that implements only
 * `charges.list` with plain list objects. The end-to-end suite covers the real request path.
 */
function fakeChargesStripe(all: Stripe.Charge[]) {
	const calls: Stripe.ChargeListParams[] = [];
	const stripe = {
		charges: {
			list: async (params: Stripe.ChargeListParams) => {
				calls.push(params);
				const lt = typeof params.created === "object" ? params.created.lt : undefined;
				const eligible = all.filter((c) => c.customer === params.customer && (lt === undefined || c.created < lt));
				const from = params.starting_after ? eligible.findIndex((c) => c.id === params.starting_after) + 1 : 0;
				const data = eligible.slice(from, from + (params.limit ?? 10));
				return { object: "list", data, has_more: from + data.length < eligible.length, url: "/v1/charges" };
			},
		},
		// No refunds and no invoice: a one-off card payment.
		refunds: { list: async () => ({ object: "list", data: [], has_more: false, url: "/v1/refunds" }) },
		invoicePayments: { list: async () => ({ object: "list", data: [], has_more: false, url: "/v1/invoice_payments" }) },
	} as unknown as Stripe;
	return { stripe, calls };
}

describe("collectPriorPayments", () => {
	it("pages at most three times 100 charges, newest first, before the disputed charge", async () => {
		const many = Array.from({ length: 450 }, (_, i) => makePriorCharge(i, i + 1));
		const { stripe, calls } = fakeChargesStripe(many);
		const prior = await collectPriorPayments(stripe, "cus_QXg1o8vcGmoR32", makeCharge(), {
			stripeAccount: "acct_connected",
		});
		expect(calls).toHaveLength(3);
		expect(calls[0]).toEqual({ customer: "cus_QXg1o8vcGmoR32", created: { lt: CHARGE_CREATED }, limit: 100 });
		expect(calls[1]?.starting_after).toBe("ch_prior_0099");
		expect(prior.count).toBe(300);
	});

	it("makes no call without a customer", async () => {
		const { stripe, calls } = fakeChargesStripe([]);
		expect((await collectPriorPayments(stripe, null, makeCharge())).count).toBe(0);
		expect(calls).toHaveLength(0);
	});

	it("hands on what it listed, complete only when Stripe had nothing more", async () => {
		const cut = await collectPriorPaymentsWithFirst(
			fakeChargesStripe(Array.from({ length: 450 }, (_, i) => makePriorCharge(i, i + 1))).stripe,
			"cus_QXg1o8vcGmoR32",
			makeCharge(),
		);
		expect(cut.listing).toMatchObject({ customerId: "cus_QXg1o8vcGmoR32", before: CHARGE_CREATED, complete: false });
		expect(cut.listing?.charges).toHaveLength(300);
		const all = await collectPriorPaymentsWithFirst(
			fakeChargesStripe(Array.from({ length: 120 }, (_, i) => makePriorCharge(i, i + 1))).stripe,
			"cus_QXg1o8vcGmoR32",
			makeCharge(),
		);
		expect(all.listing).toMatchObject({ complete: true });
		expect(all.listing?.charges.map((c) => c.id)).toEqual(
			Array.from({ length: 120 }, (_, i) => makePriorCharge(i, i + 1).id),
		);
	});
});

describe("collectRefunds", () => {
	let h: EmulatorHarness;
	beforeAll(async () => {
		h = await startEmulatorHarness({ port: 0, rateLimit: false });
	});
	afterAll(() => h?.close());

	const refundListings = async () =>
		(await h.controls.requests()).filter((r) => r.method === "GET" && r.path === "/v1/refunds").length;

	it.each([
		[3, 0],
		[10, 0],
		[11, 1],
	])(
		"with %i refunds, reads them from the dispute's charge with %i list call(s), as the listing has them",
		async (n, lists) => {
			const stripe = h.stripe();
			const { charge, dispute } = await seedDispute(h.controls, { status: "warning_needs_response" });
			for (let i = 0; i < n; i++) await stripe.refunds.create({ charge: charge.id, amount: 10 + i });
			const listed = (await stripe.refunds.list({ charge: charge.id, limit: 100 })).data;
			const before = await refundListings();
			const read = await stripe.disputes.retrieve(dispute.id, { expand: DISPUTE_EXPAND });
			const refunds = await collectRefunds(stripe, read.charge as Stripe.Charge);
			expect((await refundListings()) - before).toBe(lists);
			expect(refunds.map((r) => r.id)).toEqual(listed.map((r) => r.id));
			expect(refunds).toHaveLength(n);
			expect(refunds[0]).toEqual({
				id: listed[0]!.id,
				amount: listed[0]!.amount,
				createdAt: new Date(listed[0]!.created * 1000).toISOString(),
				status: "succeeded",
			});
		},
	);
});

describe("buildFacts", () => {
	const { dispute, charge, customer } = makeDisputeCase({ reason: "fraudulent" });
	const parts: CaseParts = {
		merchantName: "Acme Studio",
		dispute: summariseDispute(dispute),
		charge: summariseCharge(charge),
		customer: summariseCustomer(customer),
		account: {
			id: "acct_42",
			email: "Jenny.Rosen@example.com",
			name: "Jenny Rosen",
			createdAt: "2025-11-02T08:30:00.000Z",
			signupIp: "198.51.100.4",
			signupUserAgent: "Mozilla/5.0",
			country: "US",
			emailVerifiedAt: "2025-11-02T08:35:00.000Z",
			termsAcceptedAt: "2025-11-02T08:31:00.000Z",
			termsVersion: "2025-06",
			matchedBy: "stripe_customer_id",
		},
		usage: {
			total: 1234,
			firstAt: "2025-11-02T08:40:00.000Z",
			lastAt: "2026-03-30T10:00:00.000Z",
			afterCharge: 210,
			lastAfterChargeAt: "2026-03-30T10:00:00.000Z",
			byKind: [
				{
					kind: "login",
					count: 800,
					firstAt: "2025-11-02T08:40:00.000Z",
					lastAt: "2026-03-30T10:00:00.000Z",
					afterCharge: 150,
				},
				{
					kind: "Image export!",
					count: 434,
					firstAt: "2025-11-03T08:40:00.000Z",
					lastAt: "2026-03-29T10:00:00.000Z",
					afterCharge: 60,
				},
			],
			weekly: [
				{ weekStart: "2026-03-02", count: 30 },
				{ weekStart: "2026-03-09", count: 0 },
				{ weekStart: "2026-03-16", count: 12 },
			],
			distinctIps: 3,
			distinctDevices: 2,
			topIps: [
				{ value: "198.51.100.4", count: 1000, firstAt: "2025-11-02T08:40:00.000Z", lastAt: "2026-03-30T10:00:00.000Z" },
			],
			topDevices: [
				{ value: "dev-a", count: 900, firstAt: "2025-11-02T08:40:00.000Z", lastAt: "2026-03-30T10:00:00.000Z" },
			],
			recent: [{ occurredAt: "2026-03-30T10:00:00.000Z", kind: "login", ip: "198.51.100.4", deviceId: "dev-a" }],
		},
		priorPayments: {
			count: 5,
			total: 14500,
			currency: "usd",
			disputed: 0,
			refunded: 1,
			firstAt: "2025-11-12T14:05:00.000Z",
			lastAt: "2026-02-12T14:05:00.000Z",
		},
		artifacts: [
			{
				id: "art_1",
				title: "Poster",
				createdAt: "2026-03-20T10:00:00.000Z",
				contentType: "image/png",
				location: "r2:a",
			},
		],
		artifactCount: 17,
		purchaseIp: {
			ip: "198.51.100.4",
			source: "charge_metadata",
			observedAt: null,
			priorCount: 950,
			firstSeenAt: "2025-11-02T08:40:00.000Z",
		},
	};
	const facts = buildFacts(parts);
	const byId = new Map(facts.map((f) => [f.id, f]));

	it("gives every fact a unique id, a label, a display and a source", () => {
		expect(new Set(facts.map((f) => f.id)).size).toBe(facts.length);
		for (const f of facts) {
			expect(f.label).not.toBe("");
			expect(f.display).not.toBe("");
			expect(["stripe", "merchant_db"]).toContain(f.source);
		}
	});

	it.each([
		["dispute.amount", 2900, "$29.00", "stripe"],
		["charge.created_at", "2026-03-12T14:05:00.000Z", "12 Mar 2026, 14:05 UTC", "stripe"],
		["charge.checks.cvc", "pass", "passed", "stripe"],
		["charge.card", "visa 4242", "Visa card ending 4242", "stripe"],
		["account.signup_at", "2025-11-02T08:30:00.000Z", "2 Nov 2025, 08:30 UTC", "merchant_db"],
		["account.terms_version", "2025-06", "2025-06", "merchant_db"],
		["account.email_matches_payment", true, "yes", "merchant_db"],
		["usage.total", 1234, "1,234", "merchant_db"],
		["usage.after_charge", 210, "210", "merchant_db"],
		["usage.weeks_active", 2, "2", "merchant_db"],
		["usage.kind.login.count", 800, "800", "merchant_db"],
		["usage.kind.image_export.after_charge", 60, "60", "merchant_db"],
		["access.distinct_ips", 3, "3", "merchant_db"],
		["access.ip.1", "198.51.100.4", "198.51.100.4: 1,000 events, 2 Nov 2025 to 30 Mar 2026", "merchant_db"],
		["purchase.ip", "198.51.100.4", "198.51.100.4", "stripe"],
		["purchase.ip_seen_before", true, "yes", "merchant_db"],
		["purchase.ip_prior_count", 950, "950", "merchant_db"],
		["purchase.ip_matches_signup", true, "yes", "merchant_db"],
		["prior.count", 5, "5", "stripe"],
		["prior.total", 14500, "$145.00", "stripe"],
		["prior.undisputed", 5, "5", "stripe"],
		["artifacts.count", 17, "17", "merchant_db"],
	])("%s = %j (%s)", (id, value, display, source) => {
		expect(byId.get(id)).toMatchObject({ value, display, source });
	});

	it("omits facts whose data is absent instead of stating unknowns", () => {
		const sparse = buildFacts({
			...parts,
			account: null,
			usage: null,
			purchaseIp: null,
			customer: null,
			artifacts: [],
		});
		const ids = sparse.map((f) => f.id);
		expect(ids).toContain("dispute.amount");
		expect(ids.some((id) => /^(account|usage|access|purchase|prior|artifacts|customer)\./.test(id))).toBe(false);
		expect(sparse.every((f) => f.value !== null && f.value !== "")).toBe(true);
	});
});

describe("collectEvidenceCase", () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase();
		await t.exec(`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at, terms_accepted_at, terms_version)
			values ('acct_c', 'jenny.rosen@example.com', 'Jenny Rosen', 'cus_QXg1o8vcGmoR32', '2025-10-01T00:00:00Z', '2025-10-01T00:01:00Z', 'v3')`);
		await t.exec(`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id)
			select 'acct_c', timestamptz '2026-01-01T00:00:00Z' + make_interval(hours => g), 'login', '192.0.2.' || (g % 3), 'd'
			from generate_series(1, 2000) as g`);
	});
	afterAll(async () => {
		await t?.close();
	});

	it("assembles the case from Stripe, the account and its usage, counting the rows it read", async () => {
		const { dispute, charge, customer } = makeDisputeCase({
			reason: "fraudulent",
			charge: { metadata: { customer_ip: "192.0.2.1" } },
		});
		const { stripe } = fakeChargesStripe([makePriorCharge(1, 30), makePriorCharge(2, 60)]);
		const { evidenceCase, rowsFetched } = await collectEvidenceCase(
			{ db: t.db, stripe, merchantName: "Acme Studio" },
			dispute,
			charge,
			customer,
		);
		expect(evidenceCase.account).toMatchObject({ id: "acct_c", matchedBy: "stripe_customer_id", termsVersion: "v3" });
		expect(evidenceCase.usage?.total).toBe(2000);
		expect(evidenceCase.priorPayments.count).toBe(2);
		expect(evidenceCase.purchaseIp).toMatchObject({ ip: "192.0.2.1", source: "charge_metadata" });
		const ids = evidenceCase.facts.map((f) => f.id);
		expect(ids).toEqual(
			expect.arrayContaining(["account.terms_version", "usage.total", "prior.count", "purchase.ip_seen_before"]),
		);
		expect(rowsFetched).toBeGreaterThan(1);
		expect(rowsFetched).toBeLessThan(300);
	});

	it("builds a Stripe-only case when no account matches", async () => {
		const { dispute, charge } = makeDisputeCase({
			customer: null,
			charge: { billing_details: { email: "stranger@example.com" } },
		});
		const { stripe, calls } = fakeChargesStripe([]);
		const { evidenceCase, rowsFetched } = await collectEvidenceCase(
			{ db: t.db, stripe, merchantName: "Acme Studio" },
			dispute,
			charge,
			null,
		);
		expect(evidenceCase.account).toBeNull();
		expect(evidenceCase.usage).toBeNull();
		expect(rowsFetched).toBe(0);
		expect(calls).toHaveLength(0);
		expect(evidenceCase.facts.some((f) => f.id.startsWith("usage."))).toBe(false);
	});
});
