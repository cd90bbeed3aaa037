import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// A Visa 10.4 fraud dispute that qualifies for Compelling Evidence 3.0: two earlier, undisputed charges on the same
// card, 150 and 250 days before, made from the same IP and device by the same account. rebuttal submits the
// evidence with `enhanced_evidence[visa_compelling_evidence_3]`, and the emulator, validating like Stripe, reports
// the dispute as qualified.

const DAY = 86_400;
const IP = "198.51.100.23";
const DEVICE = "fp-3c9e1a7b5d2f40e6a8b1";
const CUSTOMER = "cus_ce3e2eJennyRosen01";
const ACCOUNT = "usr_ce3_jenny";

let stack: TestStack;
let sql: pg.Pool;

beforeAll(async () => {
	stack = await startTestStack({ verbose: Boolean(process.env.E2E_VERBOSE) });
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	const now = Math.floor(Date.now() / 1000);
	await sql.query(
		`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at, signup_ip, country, email_verified_at, terms_accepted_at, terms_version)
		values ($1, 'jenny.ce3@example.com', 'Jenny Rosen', $2, to_timestamp($3), $4, 'US', to_timestamp($3), to_timestamp($3), '2025-06')`,
		[ACCOUNT, CUSTOMER, now - 400 * DAY, IP],
	);
	for (const days of [300, 250, 150, 60, 1, 0]) {
		await sql.query(
			`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id) values ($1, to_timestamp($2), 'login', $3, $4)`,
			[ACCOUNT, now - days * DAY - 3600, IP, DEVICE],
		);
	}
	const card = {
		type: "card",
		card: { brand: "visa", network: "visa", last4: "4242", fingerprint: "ce3CardFp000001", country: "US" },
	};
	const charge = (id: string, daysAgo: number) => ({
		id,
		customer: CUSTOMER,
		amount: 4900,
		currency: "usd",
		created: now - daysAgo * DAY,
		description: "Pro plan, monthly",
		receipt_email: "jenny.ce3@example.com",
		metadata: { customer_ip: IP, device_fingerprint: DEVICE },
		payment_method_details: card,
	});
	await stack.emulator("/_emulator/seed", {
		customers: [{ id: CUSTOMER, email: "jenny.ce3@example.com", name: "Jenny Rosen" }],
		charges: [charge("ch_ce3_prior_a", 250), charge("ch_ce3_prior_b", 150), charge("ch_ce3_disputed", 2)],
	});
});
afterAll(async () => {
	await sql?.end();
	await stack?.stop();
});

describe("Visa Compelling Evidence 3.0 end to end", () => {
	it("submits a qualified 10.4 dispute with the disputed and exactly two prior undisputed transactions", async () => {
		const { dispute, event } = await stack.emulator("/_emulator/disputes", {
			charge: "ch_ce3_disputed",
			reason: "fraudulent",
		});
		expect(dispute.payment_method_details.card.network_reason_code).toBe("10.4");
		expect((await stack.sendEvent(event)).status).toBe(200);

		const view = await waitFor(async () => {
			const res = await stack.api(`/api/disputes/${dispute.id}`);
			if (res.status !== 200) return null;
			const body = await res.json();
			return body.stage === "submitted" ? body : null;
		}, 60_000);
		expect(view.assessment).toMatchObject({
			playbook: "fraudulent",
			tooWeak: false,
			ce3: { status: "qualified", priorCharges: ["ch_ce3_prior_b", "ch_ce3_prior_a"] },
		});

		const page = await (await stack.api(`/dashboard/disputes/${dispute.id}`)).text();
		expect(page).toContain("qualified: matched on");
		expect(page).toContain("ch_ce3_prior_b and ch_ce3_prior_a");

		const updates = await stack.emulator(`/_emulator/disputes/${dispute.id}/updates`);
		expect(updates).toHaveLength(1);
		const ce3 = updates[0].evidence.enhanced_evidence.visa_compelling_evidence_3;
		expect(ce3.disputed_transaction).toMatchObject({
			customer_purchase_ip: IP,
			customer_device_fingerprint: DEVICE,
			customer_account_id: ACCOUNT,
			merchandise_or_services: "services",
			product_description: "Pro plan, monthly",
		});
		expect(ce3.prior_undisputed_transactions.map((t: { charge: string }) => t.charge)).toEqual([
			"ch_ce3_prior_b",
			"ch_ce3_prior_a",
		]);

		const after = await stack.emulator(`/v1/disputes/${dispute.id}`);
		expect(after.status).toBe("under_review");
		expect(after.evidence_details.enhanced_eligibility.visa_compelling_evidence_3).toEqual({
			required_actions: [],
			status: "qualified",
		});
	});
});
