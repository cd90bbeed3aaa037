import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFacts } from "../../lib/evidence/facts";
import { servicePeriodStartOf } from "../../lib/evidence/stripe-facts";
import { LOGIN_WINDOW_DAYS, summariseChargeWindow } from "../../lib/evidence/usage";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { CHARGE_CREATED, makeCharge, makeEvidenceCase } from "../support/stripe-fixtures";

// Logins around the charge, activity after the service period began, and the purchase device, aggregated in SQL:
// exact counts from a seeded history, two rows fetched whatever its size.

const CHARGE_AT = new Date(CHARGE_CREATED * 1000);
const H = 3600_000;
const D = 24 * H;

let t: TestDatabase;
beforeAll(async () => {
	t = await openTestDatabase();
	await t.exec(
		`insert into rebuttal.accounts (id, email, name, created_at) values ('acct_w', 'w@example.com', 'W', now() - interval '1 year')`,
	);
	const rows: [number, string, string | null][] = [
		[-30 * D, "login", "device-old-000000001"], // outside the login window
		[-6 * D, "login", "device-main-00000001"],
		[-2 * D, "Login", "device-main-00000001"],
		[-12 * H, "generation", "device-main-00000001"],
		[-10 * 60_000, "login", "device-main-00000001"], // the purchase device, seen before
		[2 * H, "download", null],
		[3 * D, "sign_in", "device-main-00000001"],
		[8 * D, "login", "device-main-00000001"], // outside the login window
		[40 * D, "generation", null],
	];
	// Plus bulk rows far before the charge: they change no window count.
	await t.exec(
		`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id)
		select 'acct_w', $1::timestamptz - make_interval(days => 60 + (g % 200)), 'generation', null, 'device-bulk-' || (g % 3)
		from generate_series(1, 20000) g`,
		[CHARGE_AT.toISOString()],
	);
	for (const [offset, kind, device] of rows) {
		await t.exec(
			`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id) values ('acct_w', $1, $2, '203.0.113.5', $3)`,
			[new Date(CHARGE_AT.getTime() + offset).toISOString(), kind, device],
		);
	}
});
afterAll(async () => t?.close());

describe.each(["summary", "rows"] as const)("activity around the charge, from the %s", (source) => {
	it("counts logins either side, activity within a day, after the service period, and the purchase device", async () => {
		const { window, rowsFetched } = await summariseChargeWindow(
			t.db,
			"acct_w",
			CHARGE_AT,
			{ start: new Date(CHARGE_AT.getTime() + D), source: "charge_metadata" },
			source,
		);
		expect(rowsFetched).toBe(2);
		expect(window).toMatchObject({
			windowDays: LOGIN_WINDOW_DAYS,
			loginsBefore: 3,
			loginsAfter: 1,
			lastLoginBeforeAt: new Date(CHARGE_AT.getTime() - 10 * 60_000).toISOString(),
			firstLoginAfterAt: new Date(CHARGE_AT.getTime() + 3 * D).toISOString(),
			eventsAroundCharge: 3,
			afterServiceStart: 3,
			servicePeriodSource: "charge_metadata",
			devicesBeforeCharge: 5,
			purchaseDevice: "device-main-00000001",
			purchaseDeviceSeenBefore: true,
		});
	});

	it("becomes facts with stable ids", async () => {
		const { window } = await summariseChargeWindow(
			t.db,
			"acct_w",
			CHARGE_AT,
			servicePeriodStartOf(makeCharge()),
			source,
		);
		const c = makeEvidenceCase("fraudulent", "rich");
		const facts = new Map(buildFacts({ ...c, chargeWindow: window }).map((f) => [f.id, f]));
		expect(facts.get("login.before_charge")?.value).toBe(3);
		expect(facts.get("login.after_charge")?.value).toBe(1);
		expect(facts.get("purchase.device_seen_before")?.value).toBe(true);
		expect(facts.get("usage.after_service_start")?.value).toBe(4);
		expect(facts.get("country.card_matches_account")?.value).toBe(true);
		expect(facts.get("country.billing_matches_card")?.value).toBe(true);
		expect(facts.get("cancellation.count")?.value).toBe(1);
		expect(facts.get("cancellation.before_charge")?.value).toBe(false);
		expect(facts.get("refund.status")?.value).toBe("none");
	});

	it("takes the service period's start from the charge metadata when given", () => {
		const start = servicePeriodStartOf(
			makeCharge({ metadata: { service_period_start: String(CHARGE_CREATED - 86_400) } }),
		);
		expect(start).toEqual({ start: new Date((CHARGE_CREATED - 86_400) * 1000), source: "charge_metadata" });
		expect(servicePeriodStartOf(makeCharge()).source).toBe("charge");
	});
});
