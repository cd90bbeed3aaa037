import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCancellationState } from "../../lib/evidence/cancellations";
import { playbookFor } from "../../lib/evidence/playbooks";
import { CANCEL_KINDS } from "../../lib/evidence/usage-facts";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { makeEvidenceCase } from "../support/stripe-fixtures";

// Without Stripe Billing, the account's activity decides: the latest cancellation before the charge counts, and a
// reactivation after it undoes it — not the first cancellation ever.

let t: TestDatabase;
beforeAll(async () => {
	t = await openTestDatabase();
	await t.exec(`insert into rebuttal.accounts (id, email, created_at) values
		('u_react', 'a@example.com', '2025-01-01T00:00:00Z'), ('u_cancel', 'b@example.com', '2025-01-01T00:00:00Z')`);
	await t.exec(`insert into rebuttal.activity (account_id, occurred_at, kind) values
		('u_react', '2025-06-01T00:00:00Z', 'cancellation'),
		('u_react', '2025-06-20T00:00:00Z', 'Subscription Reactivated'),
		('u_react', '2026-04-01T00:00:00Z', 'cancellation'),
		('u_cancel', '2025-06-01T00:00:00Z', 'cancellation'),
		('u_cancel', '2025-06-20T00:00:00Z', 'reactivation'),
		('u_cancel', '2026-02-28T00:00:00Z', 'unsubscribe')`);
});
afterAll(async () => {
	await t?.close();
});

const chargeAt = new Date("2026-03-12T14:05:00Z");

describe.each(["summary", "rows"] as const)("the latest cancellation against the charge, from the %s", (source) => {
	it("a cancellation reactivated before the charge is not in effect", async () => {
		const state = await loadCancellationState(t.db, "u_react", chargeAt, [...CANCEL_KINDS], source);
		expect(state).toEqual({
			latestBeforeCharge: "2025-06-01T00:00:00.000Z",
			reactivatedAt: "2025-06-20T00:00:00.000Z",
		});
		const c = makeEvidenceCase("subscription_canceled", "rich", { cancellationState: state });
		expect(c.facts.find((f) => f.id === "cancellation.before_charge")?.value).toBe(false);
		expect(playbookFor("subscription_canceled").strength(c).tooWeak).toBe(false);
	});

	it("a later cancellation after an old reactivation is in effect and makes the case too weak", async () => {
		const state = await loadCancellationState(t.db, "u_cancel", chargeAt, [...CANCEL_KINDS], source);
		expect(state).toEqual({ latestBeforeCharge: "2026-02-28T00:00:00.000Z", reactivatedAt: null });
		const c = makeEvidenceCase("subscription_canceled", "rich", { cancellationState: state });
		expect(playbookFor("subscription_canceled").strength(c)).toMatchObject({ tooWeak: true });
	});
});
