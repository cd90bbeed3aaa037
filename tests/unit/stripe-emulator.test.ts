import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EmulatorHarness, seedDispute, startEmulatorHarness } from "../support/stripe-emulator";

let h: EmulatorHarness;
let stripe: Stripe;

beforeAll(async () => {
	h = await startEmulatorHarness();
	stripe = h.stripe();
});
afterAll(() => h.close());
beforeEach(() => h.controls.reset());

describe("authentication and errors", () => {
	it("answers 401 without an API key, in Stripe's error shape, with a Request-Id", async () => {
		const res = await h.api("/v1/disputes", { key: null });
		expect(res.status).toBe(401);
		expect(res.headers.get("request-id")).toMatch(/^req_/);
		const body = await res.json();
		expect(body.error.type).toBe("invalid_request_error");
		expect(body.error.message).toMatch(/did not provide an API key/);
	});

	it("rejects a malformed key through the SDK and accepts sk_test, sk_live and rk_ keys", async () => {
		await expect(h.stripe({ key: "pk_test_123" }).disputes.list()).rejects.toBeInstanceOf(
			Stripe.errors.StripeAuthenticationError,
		);
		for (const key of ["sk_test_abc", "sk_live_abc", "rk_test_abc", "rk_live_abc"]) {
			await expect(h.stripe({ key }).disputes.list()).resolves.toMatchObject({ object: "list" });
		}
	});

	it("answers 404 resource_missing for an unknown id and for an unknown route", async () => {
		const err = await stripe.disputes.retrieve("dp_missing").catch((e) => e);
		expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect(err.statusCode).toBe(404);
		expect(err.code).toBe("resource_missing");
		expect(err.message).toBe("No such dispute: 'dp_missing'");
		const res = await h.api("/v1/nothing");
		expect(res.status).toBe(404);
		expect((await res.json()).error.message).toMatch(/Unrecognized request URL/);
	});
});

describe("retrieve and expand", () => {
	it("returns a dispute shaped like Stripe's, with charge and payment_intent expandable", async () => {
		const { dispute, charge, paymentIntent, customer } = await seedDispute(h.controls);
		const plain = await stripe.disputes.retrieve(dispute.id);
		expect(plain).toMatchObject({
			id: dispute.id,
			object: "dispute",
			charge: charge.id,
			payment_intent: paymentIntent.id,
			amount: 4900,
			currency: "usd",
			status: "needs_response",
			reason: "fraudulent",
			evidence_details: { has_evidence: false, submission_count: 0, past_due: false },
			payment_method_details: {
				type: "card",
				card: { brand: "visa", case_type: "chargeback", network_reason_code: "10.4" },
			},
		});
		expect(plain.evidence.uncategorized_text).toBeNull();
		expect(plain.lastResponse.requestId).toMatch(/^req_/);

		const expanded = await stripe.disputes.retrieve(dispute.id, { expand: ["charge.customer", "payment_intent"] });
		const expandedCharge = expanded.charge as Stripe.Charge;
		expect(expandedCharge.object).toBe("charge");
		expect(expandedCharge.disputed).toBe(true);
		expect((expandedCharge.customer as Stripe.Customer).email).toBe(customer.email);
		expect((expanded.payment_intent as Stripe.PaymentIntent).object).toBe("payment_intent");
	});

	it("expands charge.customer and payment_intent.latest_charge, and shows deleted customers as Stripe does", async () => {
		const { charge, paymentIntent, customer } = await seedDispute(h.controls);
		const c = await stripe.charges.retrieve(charge.id, { expand: ["customer", "payment_intent"] });
		expect((c.customer as Stripe.Customer).id).toBe(customer.id);
		const pi = await stripe.paymentIntents.retrieve(paymentIntent.id, { expand: ["latest_charge"] });
		expect((pi.latest_charge as Stripe.Charge).id).toBe(charge.id);
		await h.controls.seed({ customers: [{ id: "cus_gone", deleted: true }] });
		const gone = await stripe.customers.retrieve("cus_gone");
		expect(gone).toMatchObject({ id: "cus_gone", object: "customer", deleted: true });
		expect(Object.keys(gone).sort()).toEqual(["deleted", "id", "object"]);
	});

	it("rejects a property that cannot be expanded and an unknown retrieve parameter", async () => {
		const { dispute } = await seedDispute(h.controls);
		const err = await stripe.disputes.retrieve(dispute.id, { expand: ["reason"] }).catch((e) => e);
		expect(err.statusCode).toBe(400);
		expect(err.message).toMatch(/cannot be expanded \(reason\)/);
		const res = await h.api(`/v1/disputes/${dispute.id}?foo=1`);
		expect(res.status).toBe(400);
		expect((await res.json()).error).toMatchObject({ code: "parameter_unknown", param: "foo" });
	});
});

describe("lists", () => {
	async function fiveDisputes() {
		const base = 1_700_000_000;
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const { charges } = await h.controls.seed({ charges: [{ created: base + i }] });
			const { disputes } = await h.controls.seed({ disputes: [{ charge: charges[0]!.id, created: base + i }] });
			ids.push(disputes[0]!.id);
		}
		return { base, newestFirst: ids.reverse() };
	}

	it("pages newest first with has_more, starting_after and ending_before", async () => {
		const { newestFirst } = await fiveDisputes();
		const first = await stripe.disputes.list({ limit: 2 });
		expect(first.object).toBe("list");
		expect(first.url).toBe("/v1/disputes");
		expect(first.data.map((d) => d.id)).toEqual(newestFirst.slice(0, 2));
		expect(first.has_more).toBe(true);
		const second = await stripe.disputes.list({ limit: 2, starting_after: first.data[1]!.id });
		expect(second.data.map((d) => d.id)).toEqual(newestFirst.slice(2, 4));
		const last = await stripe.disputes.list({ limit: 2, starting_after: second.data[1]!.id });
		expect(last.data.map((d) => d.id)).toEqual(newestFirst.slice(4));
		expect(last.has_more).toBe(false);
		const before = await stripe.disputes.list({ limit: 2, ending_before: newestFirst[3]! });
		expect(before.data.map((d) => d.id)).toEqual(newestFirst.slice(1, 3));
		expect(before.has_more).toBe(true);
		const all: string[] = [];
		for await (const d of stripe.disputes.list({ limit: 2 })) all.push(d.id);
		expect(all).toEqual(newestFirst);
	});

	it("filters by created range, charge and payment_intent, and expands data.charge", async () => {
		const { base, newestFirst } = await fiveDisputes();
		const ranged = await stripe.disputes.list({ created: { gte: base + 1, lt: base + 3 } });
		expect(ranged.data.map((d) => d.id)).toEqual(newestFirst.slice(2, 4));
		const { dispute, charge, paymentIntent } = await seedDispute(h.controls);
		expect((await stripe.disputes.list({ charge: charge.id })).data.map((d) => d.id)).toEqual([dispute.id]);
		expect((await stripe.disputes.list({ payment_intent: paymentIntent.id })).data.map((d) => d.id)).toEqual([
			dispute.id,
		]);
		const expanded = await stripe.disputes.list({ limit: 1, expand: ["data.charge"] });
		expect((expanded.data[0]!.charge as Stripe.Charge).id).toBe(charge.id);
	});

	it("has no status filter: an unknown list parameter is a 400 parameter_unknown", async () => {
		const err = await stripe.disputes.list({ status: "needs_response" } as Stripe.DisputeListParams).catch((e) => e);
		expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect(err.code).toBe("parameter_unknown");
		expect(err.param).toBe("status");
	});

	it.each([
		["limit=0", "limit"],
		["limit=101", "limit"],
		["limit=abc", "limit"],
		["created[between]=1", "created[between]"],
		["starting_after=dp_nope", "starting_after"],
	])("rejects %s", async (query, param) => {
		const res = await h.api(`/v1/disputes?${query}`);
		expect(res.status).toBe(400);
		expect((await res.json()).error.param).toBe(param);
	});

	it("lists charges by customer and payment_intent", async () => {
		const { charge, customer, paymentIntent } = await seedDispute(h.controls);
		await h.controls.seed({ charges: [{}] });
		expect((await stripe.charges.list()).data).toHaveLength(2);
		expect((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id)).toEqual([charge.id]);
		expect((await stripe.charges.list({ payment_intent: paymentIntent.id })).data.map((c) => c.id)).toEqual([
			charge.id,
		]);
	});
});

describe("evidence updates", () => {
	it("stages nested evidence with submit=false, merges it across updates, and records every update", async () => {
		const { dispute, charge } = await seedDispute(h.controls);
		// CE 3.0 prior transactions: paid charges on the same card, 120 to 365 days before the disputed one.
		const sameCard = (days: number) => ({
			created: charge.created - days * 86_400,
			payment_method_details: { card: { fingerprint: charge.payment_method_details.card.fingerprint } },
		});
		const { charges: prior } = await h.controls.seed({ charges: [sameCard(150), sameCard(200)] });
		const staged = await stripe.disputes.update(
			dispute.id,
			{
				evidence: {
					customer_name: "Jenny Rosen",
					access_activity_log: "2024-01-02 login from 203.0.113.9",
					enhanced_evidence: {
						visa_compelling_evidence_3: {
							disputed_transaction: {
								customer_account_id: "user_42",
								customer_purchase_ip: "203.0.113.9",
								merchandise_or_services: "services",
								product_description: "Pro plan",
							},
							prior_undisputed_transactions: prior.map((c) => ({
								charge: c.id,
								customer_account_id: "user_42",
								customer_purchase_ip: "203.0.113.9",
								product_description: "Pro plan",
							})),
						},
					},
				},
				metadata: { case: "A1" },
				submit: false,
			},
			{ idempotencyKey: "stage-1" },
		);
		expect(staged.status).toBe("needs_response");
		expect(staged.evidence_details).toMatchObject({ has_evidence: true, submission_count: 0 });
		expect(staged.evidence.customer_name).toBe("Jenny Rosen");
		const ce3 = staged.evidence.enhanced_evidence.visa_compelling_evidence_3!;
		expect(ce3.disputed_transaction).toMatchObject({
			customer_account_id: "user_42",
			merchandise_or_services: "services",
		});
		expect(ce3.prior_undisputed_transactions.map((t) => t.charge)).toEqual(prior.map((c) => c.id));
		expect(staged.evidence_details.enhanced_eligibility.visa_compelling_evidence_3).toEqual({
			required_actions: [],
			status: "qualified",
		});
		expect(staged.metadata).toEqual({ case: "A1" });

		const second = await stripe.disputes.update(dispute.id, {
			evidence: { product_description: "Pro plan, monthly" },
			metadata: { case: "", reviewer: "ops" },
			submit: false,
		});
		expect(second.evidence.customer_name).toBe("Jenny Rosen");
		expect(second.evidence.product_description).toBe("Pro plan, monthly");
		expect(second.metadata).toEqual({ reviewer: "ops" });

		const updates = await h.controls.updates(dispute.id);
		expect(updates).toHaveLength(2);
		expect(updates[0]).toMatchObject({
			submit: false,
			idempotency_key: "stage-1",
			evidence: { customer_name: "Jenny Rosen" },
		});
		expect(updates[1]!.evidence).toEqual({ product_description: "Pro plan, monthly" });
		expect(charge.id).toBeTruthy();
	});

	it("makes submission final: submit defaults to true, and a second update is rejected", async () => {
		const { dispute } = await seedDispute(h.controls);
		const submitted = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: "Used daily" } });
		expect(submitted.status).toBe("under_review");
		expect(submitted.evidence_details).toMatchObject({ submission_count: 1, has_evidence: true });
		const err = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: "more" } }).catch((e) => e);
		expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect(err.message).toMatch(/already been submitted/);
		expect((await stripe.disputes.retrieve(dispute.id)).evidence.uncategorized_text).toBe("Used daily");
		expect(await h.controls.updates(dispute.id)).toHaveLength(1);
	});

	it("submits staged evidence with submit=true alone; inquiries go to warning_under_review", async () => {
		const { dispute } = await seedDispute(h.controls, { status: "warning_needs_response" });
		expect(dispute.payment_method_details.card.case_type).toBe("inquiry");
		await stripe.disputes.update(dispute.id, { evidence: { customer_name: "Jenny" }, submit: false });
		const submitted = await stripe.disputes.update(dispute.id, { submit: true });
		expect(submitted.status).toBe("warning_under_review");
		expect(submitted.evidence.customer_name).toBe("Jenny");
		expect(submitted.evidence_details.submission_count).toBe(1);
	});

	it("rejects updates of closed disputes, and closing twice", async () => {
		const { dispute } = await seedDispute(h.controls);
		const closed = await stripe.disputes.close(dispute.id);
		expect(closed.status).toBe("lost");
		await expect(stripe.disputes.update(dispute.id, { evidence: { customer_name: "x" } })).rejects.toThrow(/closed/);
		await expect(stripe.disputes.close(dispute.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

		const inquiry = await seedDispute(h.controls, { status: "warning_needs_response" });
		expect((await stripe.disputes.close(inquiry.dispute.id)).status).toBe("warning_closed");

		const won = await seedDispute(h.controls);
		await stripe.disputes.update(won.dispute.id, { evidence: { customer_name: "x" } });
		const outcome = await h.controls.closeDispute(won.dispute.id, "won");
		expect(outcome.event).toMatchObject({ type: "charge.dispute.closed", data: { object: { status: "won" } } });
		await expect(stripe.disputes.update(won.dispute.id, { submit: false })).rejects.toThrow(/closed/);
	});

	it("rejects updates once evidence_details.due_by has passed", async () => {
		const { dispute } = await seedDispute(h.controls, { due_by: Math.floor(Date.now() / 1000) - 60 });
		const err = await stripe.disputes.update(dispute.id, { evidence: { customer_name: "x" } }).catch((e) => e);
		expect(err.statusCode).toBe(400);
		expect(err.message).toMatch(/deadline/);
		expect((await stripe.disputes.retrieve(dispute.id)).evidence_details.has_evidence).toBe(false);
	});

	const long = (n: number) => "x".repeat(n);
	const eight = [
		"access_activity_log",
		"cancellation_policy_disclosure",
		"cancellation_rebuttal",
		"duplicate_charge_explanation",
		"product_description",
		"refund_policy_disclosure",
		"refund_refusal_explanation",
		"uncategorized_text",
	];
	describe.each([
		{
			name: "a text field over 20,000 characters",
			evidence: { access_activity_log: long(20_001) },
			param: "evidence[access_activity_log]",
			message: /access_activity_log.*20000/,
		},
		{
			name: "another text field over 20,000",
			evidence: { uncategorized_text: long(25_000) },
			param: "evidence[uncategorized_text]",
			message: /uncategorized_text/,
		},
		{
			name: "all text fields over 150,000 together",
			evidence: Object.fromEntries(eight.map((f) => [f, long(19_000)])),
			param: "evidence",
			message: /152000.*150000/,
		},
		{
			name: "an unknown evidence field",
			evidence: { favourite_colour: "blue" },
			param: "evidence[favourite_colour]",
			message: /unknown parameter/,
		},
		{
			name: "a file field naming no file",
			evidence: { receipt: "file_nope" },
			param: "evidence[receipt]",
			message: /No such file upload/,
		},
		{
			name: "a too-short CE3 device fingerprint",
			evidence: {
				enhanced_evidence: {
					visa_compelling_evidence_3: { disputed_transaction: { customer_device_fingerprint: "short" } },
				},
			},
			param:
				"evidence[enhanced_evidence][visa_compelling_evidence_3][disputed_transaction][customer_device_fingerprint]",
			message: /at least 20/,
		},
	])("rejects $name", ({ evidence, param, message }) => {
		it("with a 400 naming the field, leaving the dispute unchanged", async () => {
			const { dispute } = await seedDispute(h.controls);
			const err = await stripe.disputes
				.update(dispute.id, { evidence: evidence as Stripe.DisputeUpdateParams.Evidence })
				.catch((e) => e);
			expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
			expect(err.statusCode).toBe(400);
			expect(err.param).toBe(param);
			expect(err.message).toMatch(message);
			const after = await stripe.disputes.retrieve(dispute.id);
			expect(after.status).toBe("needs_response");
			expect(after.evidence_details.has_evidence).toBe(false);
			expect(await h.controls.updates(dispute.id)).toEqual([]);
		});
	});

	it("accepts exactly 20,000 characters, and counts staged evidence toward the 150,000 total", async () => {
		const { dispute } = await seedDispute(h.controls);
		const first = Object.fromEntries(eight.slice(0, 7).map((f) => [f, long(20_000)]));
		await stripe.disputes.update(dispute.id, { evidence: first, submit: false });
		const err = await stripe.disputes
			.update(dispute.id, { evidence: { uncategorized_text: long(10_001) }, submit: false })
			.catch((e) => e);
		expect(err.param).toBe("evidence");
		await expect(
			stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: long(10_000) }, submit: false }),
		).resolves.toMatchObject({ status: "needs_response" });
	});
});

describe("Connect accounts", () => {
	it("scopes every object to its Stripe-Account", async () => {
		const { dispute, charge, customer, event } = await seedDispute(h.controls, { account: "acct_A1" });
		expect(event.account).toBe("acct_A1");
		await expect(stripe.disputes.retrieve(dispute.id)).rejects.toMatchObject({ statusCode: 404 });
		await expect(stripe.disputes.retrieve(dispute.id, {}, { stripeAccount: "acct_B2" })).rejects.toMatchObject({
			statusCode: 404,
		});
		const connected = h.stripe({ stripeAccount: "acct_A1" });
		expect((await connected.disputes.retrieve(dispute.id)).id).toBe(dispute.id);
		expect((await connected.charges.retrieve(charge.id)).id).toBe(charge.id);
		expect((await connected.customers.retrieve(customer.id)).id).toBe(customer.id);
		expect((await stripe.disputes.list()).data).toEqual([]);
		expect((await connected.disputes.list()).data.map((d) => d.id)).toEqual([dispute.id]);
		const updated = await connected.disputes.update(dispute.id, { evidence: { customer_name: "A" }, submit: false });
		expect(updated.evidence.customer_name).toBe("A");
		const requests = await h.controls.requests();
		expect(requests.filter((r) => r.account === "acct_A1").length).toBeGreaterThanOrEqual(5);
	});
});

describe("idempotency", () => {
	const form = (s: string) => ({ method: "POST", body: s });

	it("replays the first response for the same key and parameters, without applying the update twice", async () => {
		const { dispute } = await seedDispute(h.controls);
		const path = `/v1/disputes/${dispute.id}`;
		const headers = { "Idempotency-Key": "submit-1" };
		const first = await h.api(path, { ...form("evidence[customer_name]=Jenny"), headers });
		const second = await h.api(path, { ...form("evidence[customer_name]=Jenny"), headers });
		expect(first.status).toBe(200);
		expect(second.status).toBe(200);
		expect(first.headers.get("idempotent-replayed")).toBeNull();
		expect(second.headers.get("idempotent-replayed")).toBe("true");
		expect(await second.json()).toEqual(await first.json());
		expect(await h.controls.updates(dispute.id)).toHaveLength(1);
		const log = await h.controls.requests();
		expect(log.map((r) => [r.idempotency_key, r.replayed])).toEqual([
			["submit-1", false],
			["submit-1", true],
		]);
	});

	it("replays a stored error too (the second submit of a submitted dispute)", async () => {
		const { dispute } = await seedDispute(h.controls);
		await stripe.disputes.update(dispute.id, { evidence: { customer_name: "a" } });
		const opts = { idempotencyKey: "late" };
		const a = await stripe.disputes.update(dispute.id, { submit: true }, opts).catch((e) => e);
		const b = await stripe.disputes.update(dispute.id, { submit: true }, opts).catch((e) => e);
		expect(a.statusCode).toBe(400);
		expect(b.message).toBe(a.message);
		expect(b.headers["idempotent-replayed"]).toBe("true");
	});

	it("rejects the same key with different parameters with an idempotency_error", async () => {
		const { dispute } = await seedDispute(h.controls);
		await stripe.disputes.update(
			dispute.id,
			{ evidence: { customer_name: "A" }, submit: false },
			{ idempotencyKey: "k1" },
		);
		const err = await stripe.disputes
			.update(dispute.id, { evidence: { customer_name: "B" }, submit: false }, { idempotencyKey: "k1" })
			.catch((e) => e);
		expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
		expect(err.statusCode).toBe(400);
		expect(err.type).toBe("StripeIdempotencyError");
		expect((await stripe.disputes.retrieve(dispute.id)).evidence.customer_name).toBe("A");
	});

	it("keys per account: the same key under another Stripe-Account is a new request", async () => {
		const a = await seedDispute(h.controls, { account: "acct_A1" });
		const b = await seedDispute(h.controls, { account: "acct_B2" });
		const opts = (stripeAccount: string) => ({ idempotencyKey: "shared", stripeAccount });
		await stripe.disputes.update(a.dispute.id, { submit: false }, opts("acct_A1"));
		const other = await stripe.disputes.update(b.dispute.id, { submit: false }, opts("acct_B2"));
		expect(other.id).toBe(b.dispute.id);
	});

	it("answers 409 while a request with the same key is still in flight", async () => {
		const { dispute } = await seedDispute(h.controls);
		await h.controls.faults([{ method: "POST", path: "^/v1/disputes/", latencyMs: 400, count: 1 }]);
		const init = { ...form("submit=false"), headers: { "Idempotency-Key": "slow" } };
		const slow = h.api(`/v1/disputes/${dispute.id}`, init);
		await new Promise((r) => setTimeout(r, 100));
		const concurrent = await h.api(`/v1/disputes/${dispute.id}`, init);
		expect(concurrent.status).toBe(409);
		expect((await concurrent.json()).error.type).toBe("idempotency_error");
		expect((await slow).status).toBe(200);
		const after = await h.api(`/v1/disputes/${dispute.id}`, init);
		expect(after.headers.get("idempotent-replayed")).toBe("true");
	});

	it("does not save validation errors: a corrected retry with the same key runs", async () => {
		const { dispute } = await seedDispute(h.controls);
		const key = { idempotencyKey: "v1" };
		const err = await stripe.disputes
			.update(dispute.id, { evidence: { bogus: "x" } as Stripe.DisputeUpdateParams.Evidence, submit: false }, key)
			.catch((e) => e);
		expect(err.code).toBe("parameter_unknown");
		const fixed = await stripe.disputes.update(dispute.id, { evidence: { customer_name: "ok" }, submit: false }, key);
		expect(fixed.evidence.customer_name).toBe("ok");
	});
});

describe("test controls", () => {
	it("builds complete Stripe events for existing objects", async () => {
		const { dispute, event } = await seedDispute(h.controls);
		expect(event).toMatchObject({
			object: "event",
			type: "charge.dispute.created",
			api_version: (Stripe as unknown as { API_VERSION: string }).API_VERSION,
			livemode: false,
			data: { object: { id: dispute.id, object: "dispute" } },
			request: { id: null, idempotency_key: null },
		});
		expect(event.id).toMatch(/^evt_/);
		expect(event.account).toBeUndefined();
		const updated = await h.controls.event("charge.dispute.updated", dispute.id);
		expect(updated).toMatchObject({ type: "charge.dispute.updated", data: { object: { id: dispute.id } } });
		const { early_fraud_warnings } = await h.controls.seed({ early_fraud_warnings: [{ charge: dispute.charge }] });
		const efw = await h.controls.event("radar.early_fraud_warning.created", early_fraud_warnings[0]!.id);
		expect(efw.data.object).toMatchObject({ object: "radar.early_fraud_warning", charge: dispute.charge });
		await expect(h.controls.event("charge.dispute.updated", "dp_unknown")).rejects.toThrow(/404/);
	});

	it("fills seeded objects from Stripe's shapes and links charges to payment intents", async () => {
		const { payment_intents, charges, customers } = await h.controls.seed({
			customers: [{ email: "a@example.com" }],
			payment_intents: [{ id: "pi_seed", amount: 1234, customer: "cus_seed" }],
			charges: [{ payment_intent: "pi_seed", billing_details: { email: "a@example.com" } }],
		});
		expect(customers[0]!.id).toMatch(/^cus_/);
		expect(charges[0]).toMatchObject({
			object: "charge",
			amount: 1234,
			customer: "cus_seed",
			paid: true,
			billing_details: { email: "a@example.com", name: null, address: { city: null } },
			payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } },
		});
		expect(payment_intents[0]!.latest_charge).toBeNull();
		expect((await stripe.paymentIntents.retrieve("pi_seed")).latest_charge).toBe(charges[0]!.id);
	});
});
