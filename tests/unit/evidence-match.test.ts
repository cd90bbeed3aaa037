import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchAccount } from "../../lib/evidence/match";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { makeCharge, makeCustomer } from "../support/stripe-fixtures";

let t: TestDatabase;

beforeAll(async () => {
	t = await openTestDatabase();
	await t.exec(`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at) values
		('acct_cus', 'by-customer@example.com', 'By Customer', 'cus_match', '2025-01-01T00:00:00Z'),
		('acct_meta', 'by-meta@example.com', 'By Metadata', null, '2025-01-02T00:00:00Z'),
		('acct_billing', 'Billing.Person@Example.COM', 'By Billing', null, '2025-01-03T00:00:00Z'),
		('acct_customer_email', 'CUSTOMER.person@example.com', 'By Customer Email', null, '2025-01-04T00:00:00Z'),
		('acct_twin_1', 'twin@example.com', 'Twin One', null, '2025-01-05T00:00:00Z'),
		('acct_twin_2', 'TWIN@example.com', 'Twin Two', null, '2025-01-06T00:00:00Z')`);
});

afterAll(async () => {
	await t?.close();
});

const billing = (email: string | null) => ({
	billing_details: { email, name: null, phone: null, address: null, tax_id: null },
});

describe("matchAccount", () => {
	it("matches the charge's customer first, even when metadata and emails name other accounts", async () => {
		const charge = makeCharge({
			customer: "cus_match",
			metadata: { account_id: "acct_meta" },
			...billing("billing.person@example.com"),
		});
		const m = await matchAccount(t.db, charge, makeCustomer({ id: "cus_match", email: "customer.person@example.com" }));
		expect(m?.matchedBy).toBe("stripe_customer_id");
		expect(m?.row.id).toBe("acct_cus");
	});

	it("reads the customer id from an expanded charge.customer when no customer is passed", async () => {
		const charge = makeCharge({ customer: makeCustomer({ id: "cus_match", email: null }) as never });
		const m = await matchAccount(t.db, charge, null);
		expect(m).toMatchObject({ matchedBy: "stripe_customer_id", row: { id: "acct_cus" } });
	});

	it("falls back to metadata.account_id before any email", async () => {
		const charge = makeCharge({
			customer: "cus_unknown",
			metadata: { account_id: "acct_meta" },
			...billing("billing.person@example.com"),
		});
		const m = await matchAccount(
			t.db,
			charge,
			makeCustomer({ id: "cus_unknown", email: "customer.person@example.com" }),
		);
		expect(m).toMatchObject({ matchedBy: "metadata_account_id", row: { id: "acct_meta" } });
	});

	it("ignores a metadata id that names no account and goes on to the billing email", async () => {
		const charge = makeCharge({
			customer: null,
			metadata: { account_id: "acct_missing" },
			...billing("billing.person@example.com"),
		});
		const m = await matchAccount(t.db, charge, null);
		expect(m).toMatchObject({ matchedBy: "billing_email", row: { id: "acct_billing" } });
	});

	it("matches the billing email case-insensitively, before the customer's email", async () => {
		const charge = makeCharge({ customer: "cus_unknown", ...billing("  BILLING.person@example.com ") });
		const m = await matchAccount(
			t.db,
			charge,
			makeCustomer({ id: "cus_unknown", email: "customer.person@example.com" }),
		);
		expect(m).toMatchObject({ matchedBy: "billing_email", row: { id: "acct_billing" } });
	});

	it("matches the customer's email case-insensitively when the billing email matches nothing", async () => {
		const charge = makeCharge({ customer: "cus_unknown", ...billing("nobody@example.com") });
		const m = await matchAccount(
			t.db,
			charge,
			makeCustomer({ id: "cus_unknown", email: "Customer.Person@EXAMPLE.com" }),
		);
		expect(m).toMatchObject({ matchedBy: "customer_email", row: { id: "acct_customer_email" } });
	});

	it("uses the email of an expanded charge.customer", async () => {
		const charge = makeCharge({
			customer: makeCustomer({ id: "cus_unknown", email: "customer.person@example.com" }) as never,
			...billing(null),
		});
		const m = await matchAccount(t.db, charge, null);
		expect(m).toMatchObject({ matchedBy: "customer_email", row: { id: "acct_customer_email" } });
	});

	it("refuses to guess when an email belongs to several accounts", async () => {
		const charge = makeCharge({ customer: null, ...billing("twin@example.com") });
		expect(await matchAccount(t.db, charge, null)).toBeNull();
	});

	it("returns null when nothing matches", async () => {
		const charge = makeCharge({
			customer: "cus_nobody",
			metadata: { account_id: "nope" },
			...billing("stranger@example.com"),
		});
		expect(
			await matchAccount(t.db, charge, makeCustomer({ id: "cus_nobody", email: "stranger2@example.com" })),
		).toBeNull();
		expect(await matchAccount(t.db, makeCharge({ customer: null, ...billing(null) }), null)).toBeNull();
	});
});
