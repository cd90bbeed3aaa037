import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PLATFORM_ACCOUNT } from "../../local/stripe-emulator/billing";
import { type EmulatorHarness, makePdf, seedDispute, startEmulatorHarness } from "../support/stripe-emulator";

// Stripe Billing, accounts, refunds, Klarna disputes and per-field file checks, each through stripe-node.

let h: EmulatorHarness;
let stripe: Stripe;

beforeAll(async () => {
	h = await startEmulatorHarness({ port: 0, rateLimit: false });
	stripe = h.stripe();
});
afterAll(() => h.close());
beforeEach(() => h.controls.reset());

const DAY = 86_400;
const start = Math.floor(Date.UTC(2026, 2, 1) / 1000);

describe("invoices, invoice payments and subscriptions", () => {
	it("finds the invoice a payment intent paid, its lines and period, and the subscription with its cancellation", async () => {
		const { paymentIntent, customer } = await seedDispute(h.controls, { reason: "subscription_canceled" });
		const { subscriptions } = await h.controls.seed({
			subscriptions: [
				{
					customer: customer.id,
					created: start - 60 * DAY,
					interval: "month",
					current_period_start: start,
					current_period_end: start + 31 * DAY,
					price: { nickname: "Pro monthly", unit_amount: 4900 },
					cancel_at_period_end: true,
					canceled_at: start + 3 * DAY,
					cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive", comment: null },
				},
			],
		});
		const sub = subscriptions[0]!;
		const { invoices } = await h.controls.seed({
			invoices: [{ subscription: sub.id, payment_intent: paymentIntent.id, number: "7FE1103-0004", created: start }],
		});
		const payments = await stripe.invoicePayments.list({
			payment: { type: "payment_intent", payment_intent: paymentIntent.id },
			expand: ["data.invoice"],
		});
		expect(payments.data).toHaveLength(1);
		const invoice = payments.data[0]!.invoice as Stripe.Invoice;
		expect(invoice).toMatchObject({
			id: invoices[0]!.id,
			object: "invoice",
			number: "7FE1103-0004",
			billing_reason: "subscription_cycle",
			period_start: start,
			parent: { type: "subscription_details", subscription_details: { subscription: sub.id } },
		});
		expect(invoice.lines.data[0]).toMatchObject({ amount: 4900, period: { start, end: start + 31 * DAY } });
		const other = await stripe.invoicePayments.list({
			payment: { type: "payment_intent", payment_intent: "pi_other" },
		});
		expect(other.data).toEqual([]);

		const fetched = await stripe.subscriptions.retrieve(sub.id);
		expect(fetched).toMatchObject({
			status: "active",
			cancel_at_period_end: true,
			canceled_at: start + 3 * DAY,
			cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive" },
			latest_invoice: invoice.id,
		});
		expect(fetched.items.data[0]!.price).toMatchObject({ nickname: "Pro monthly", recurring: { interval: "month" } });
		expect((await stripe.invoices.retrieve(invoice.id)).id).toBe(invoice.id);
		await expect(stripe.subscriptions.retrieve("sub_missing")).rejects.toMatchObject({ code: "resource_missing" });
	});

	it("rejects an invalid payment type", async () => {
		await expect(
			stripe.invoicePayments.list({ payment: { type: "cheque" as "payment_intent" } }),
		).rejects.toMatchObject({ statusCode: 400 });
	});
});

describe("accounts", () => {
	it("answers GET /v1/account for the platform and a connected account, and GET /v1/accounts/:id", async () => {
		await h.controls.seed({
			accounts: [
				{
					id: PLATFORM_ACCOUNT,
					business_profile: { name: "Northwind Analytics", support_email: "help@northwind.example" },
					country: "GB",
				},
				{ id: "acct_1Connected00001", business_profile: { name: "Lumen Photo Co." }, country: "DE" },
			],
		});
		const own = await stripe.accounts.retrieveCurrent();
		expect(own).toMatchObject({
			id: PLATFORM_ACCOUNT,
			country: "GB",
			business_profile: { name: "Northwind Analytics", support_email: "help@northwind.example" },
		});
		const connected = await h.stripe({ stripeAccount: "acct_1Connected00001" }).accounts.retrieveCurrent();
		expect(connected.business_profile?.name).toBe("Lumen Photo Co.");
		expect((await stripe.accounts.retrieve("acct_1Connected00001")).country).toBe("DE");
		await expect(stripe.accounts.retrieve("acct_1Nobody")).rejects.toMatchObject({ statusCode: 404 });
		// A connected account the emulator was not told about still answers GET /v1/account, with defaults.
		const unseeded = await h.stripe({ stripeAccount: "acct_1Unseeded0001" }).accounts.retrieveCurrent();
		expect(unseeded).toMatchObject({ id: "acct_1Unseeded0001", business_profile: { name: null } });
	});
});

describe("refunds list", () => {
	it("lists a charge's refunds, newest first", async () => {
		const { charge } = await seedDispute(h.controls, { status: "warning_needs_response" });
		const first = await stripe.refunds.create({ charge: charge.id, amount: 900 });
		const second = await stripe.refunds.create({ charge: charge.id, amount: 1000 });
		const list = await stripe.refunds.list({ charge: charge.id, limit: 100 });
		expect(list.data.map((r) => r.id)).toEqual([second.id, first.id]);
		expect(list.data.map((r) => r.amount)).toEqual([1000, 900]);
		expect((await stripe.refunds.list({ charge: "ch_other" })).data).toEqual([]);
	});
});

describe("a charge's refunds", () => {
	it("are on the charge only when expanded, as Stripe sends them: the first 10, newest first, with has_more", async () => {
		const { charge, dispute } = await seedDispute(h.controls, { status: "warning_needs_response" });
		const ids: string[] = [];
		for (let i = 0; i < 11; i++) ids.unshift((await stripe.refunds.create({ charge: charge.id, amount: 10 + i })).id);
		expect((await stripe.charges.retrieve(charge.id)).refunds).toBeUndefined();
		const expanded = await stripe.charges.retrieve(charge.id, { expand: ["refunds"] });
		expect(expanded.refunds?.data.map((r) => r.id)).toEqual(ids.slice(0, 10));
		expect(expanded.refunds).toMatchObject({ object: "list", has_more: true, url: `/v1/charges/${charge.id}/refunds` });
		const viaDispute = await stripe.disputes.retrieve(dispute.id, { expand: ["charge", "charge.refunds"] });
		expect((viaDispute.charge as Stripe.Charge).refunds?.data).toEqual(expanded.refunds?.data);
		const other = await seedDispute(h.controls);
		expect((await stripe.charges.retrieve(other.charge.id, { expand: ["refunds"] })).refunds).toMatchObject({
			data: [],
			has_more: false,
		});
	});
});

describe("Klarna disputes", () => {
	it.each([
		["needs_response", "a chargeback"],
		["warning_needs_response", "an inquiry"],
	] as const)("a Klarna %s is %s without a card", async (status, _kind) => {
		const { charge } = await seedDispute(h.controls);
		const { dispute } = await h.controls.createDispute({
			charge: charge.id,
			reason: "product_not_received",
			status,
			payment_method_type: "klarna",
		});
		const fetched = await stripe.disputes.retrieve(dispute.id);
		expect(fetched.status).toBe(status);
		expect(fetched.payment_method_details).toMatchObject({ type: "klarna", klarna: { reason_code: "10" } });
		expect(fetched.payment_method_details?.card).toBeUndefined();
		expect(fetched.network_reason_code).toBeNull();
	});
});

describe("per-field evidence file checks", () => {
	it("takes a PDF in each file field and refuses a file of another purpose or type", async () => {
		const { dispute } = await seedDispute(h.controls, { reason: "subscription_canceled" });
		const pdf = await stripe.files.create({
			purpose: "dispute_evidence",
			file: { data: await makePdf(1), name: "policy.pdf", type: "application/pdf" },
		});
		const updated = await stripe.disputes.update(dispute.id, {
			evidence: { cancellation_policy: pdf.id, receipt: pdf.id, customer_communication: pdf.id },
		});
		expect(updated.evidence).toMatchObject({ cancellation_policy: pdf.id, receipt: pdf.id });
		const gif = await stripe.files.create({
			purpose: "business_logo",
			file: { data: Buffer.from("GIF89a\u0001\u0000\u0001\u0000"), name: "logo.gif", type: "image/gif" },
		});
		const err = await stripe.disputes.update(dispute.id, { evidence: { receipt: gif.id } }).catch((e) => e);
		expect(err).toMatchObject({ statusCode: 400, param: "evidence[receipt]" });
		expect(err.message).toMatch(/purpose `business_logo`/);
	});
});
