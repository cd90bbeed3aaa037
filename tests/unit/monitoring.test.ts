import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { NotifyMessage } from "../../lib/lifecycle/messages";
import { queuedNotices } from "../../lib/lifecycle/notify";
import { evaluateMonth, monitoringTrend, programmesFor } from "../../lib/outcomes/monitoring";
import { warnMonitoring } from "../../lib/outcomes/monitoring-notify";
import { openTestDatabase, type TestDatabase } from "../support/database";

// Visa VAMP and Mastercard ECM/HECM as the networks count them, on fixed figures and on fixed rows in Postgres,
// and the notice that goes out before a threshold is crossed.

const status = (figures: Parameters<typeof evaluateMonth>[0]) =>
	Object.fromEntries(evaluateMonth(figures).map((s) => [s.programme.id, s]));

describe("the threshold table", () => {
	it("applies VAMP's 1.5 % from April 2026 and 2.2 % before", () => {
		expect(programmesFor("2026-03").find((p) => p.id === "visa-vamp")?.ratio).toBe(0.022);
		expect(programmesFor("2026-04").find((p) => p.id === "visa-vamp")?.ratio).toBe(0.015);
		expect(programmesFor("2026-12").map((p) => [p.id, p.ratio, p.minCount])).toEqual([
			["visa-vamp", 0.015, 1500],
			["mastercard-ecm", 0.015, 100],
			["mastercard-hecm", 0.03, 300],
		]);
	});
});

describe("a month against the programmes", () => {
	const month = "2026-12";

	it("VAMP adds fraud warnings to disputes over the same month's sales, and needs 1,500 counts", () => {
		// 1,000 disputes + 500 warnings = 1,500 over 100,000 sales = 1.5 %: exactly at both limits.
		const at = status({ month, disputes: 1000, fraudWarnings: 500, charges: 100_000, previousCharges: 1 });
		expect(at["visa-vamp"]).toMatchObject({ count: 1500, denominator: 100_000, ratio: 0.015, status: "over" });
		// One fewer count: below the 1,500 floor, but within 80 % of both: approaching.
		const below = status({ month, disputes: 999, fraudWarnings: 500, charges: 100_000, previousCharges: 1 });
		expect(below["visa-vamp"]).toMatchObject({ status: "approaching", headroom: 1 });
		// A high ratio on a small count never reaches VAMP: 300 / 1,000 = 30 %, far below 1,500 counts.
		const small = status({ month, disputes: 200, fraudWarnings: 100, charges: 1000, previousCharges: 1 });
		expect(small["visa-vamp"]).toMatchObject({ ratio: 0.3, status: "clear" });
	});

	it("Mastercard counts disputes over the previous month's sales: ECM at 100 and 1.5 %, HECM at 300 and 3 %", () => {
		const ecm = status({ month, disputes: 150, fraudWarnings: 999, charges: 1, previousCharges: 10_000 });
		expect(ecm["mastercard-ecm"]).toMatchObject({ count: 150, denominator: 10_000, ratio: 0.015, status: "over" });
		expect(ecm["mastercard-hecm"]).toMatchObject({ status: "clear" });
		const hecm = status({ month, disputes: 300, fraudWarnings: 0, charges: 1, previousCharges: 10_000 });
		expect(hecm["mastercard-hecm"]).toMatchObject({ ratio: 0.03, status: "over" });
		const near = status({ month, disputes: 80, fraudWarnings: 0, charges: 1, previousCharges: 6000 });
		expect(near["mastercard-ecm"]).toMatchObject({ status: "approaching", headroom: 20 });
		const clear = status({ month, disputes: 79, fraudWarnings: 0, charges: 1, previousCharges: 6000 });
		expect(clear["mastercard-ecm"]?.status).toBe("clear");
	});

	it("says unknown, not zero, without recorded sales", () => {
		const none = status({ month, disputes: 5, fraudWarnings: 0, charges: 0, previousCharges: 0 });
		expect(none["visa-vamp"]).toMatchObject({ ratio: null, status: "unknown" });
	});
});

describe("the trend and the notice, on rows in Postgres", () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase();
	});
	afterAll(async () => t.close());
	beforeEach(async () => {
		await t.exec(
			"truncate rebuttal.disputes, rebuttal.charges, rebuttal.early_fraud_warnings, rebuttal.notifications cascade",
		);
	});

	const NOW = new Date("2026-12-15T12:00:00Z");

	/** 6,000 sales in November, 100 in December; 85 disputes and 3 inquiries in December, 1 in November. */
	async function seed() {
		await t.exec(`insert into rebuttal.charges (id, created_at)
			select 'ch_nov_' || i, '2026-11-10T00:00:00Z'::timestamptz from generate_series(1, 6000) i`);
		await t.exec(`insert into rebuttal.charges (id, created_at)
			select 'ch_dec_' || i, '2026-12-02T00:00:00Z'::timestamptz from generate_series(1, 100) i`);
		await t.exec(`insert into rebuttal.disputes (id, amount, currency, reason, status, created_at)
			select 'dp_dec_' || lpad(i::text, 3, '0'), 1000, 'usd', 'fraudulent', 'needs_response',
			       '2026-12-01T00:00:00Z'::timestamptz + make_interval(mins => i) from generate_series(1, 85) i`);
		await t.exec(`insert into rebuttal.disputes (id, amount, currency, reason, status, created_at)
			select 'dp_inq_' || i, 1000, 'usd', 'fraudulent', 'warning_needs_response', '2026-12-03T00:00:00Z'
			from generate_series(1, 3) i`);
		await t.exec(`insert into rebuttal.disputes (id, amount, currency, reason, status, created_at)
			values ('dp_nov_1', 1000, 'usd', 'fraudulent', 'lost', '2026-11-20T00:00:00Z')`);
		await t.exec(`insert into rebuttal.early_fraud_warnings (id, charge_id, actionable, fraud_type, action, warning_created_at)
			values ('issfr_dec_1', 'ch_dec_1', true, 'card_never_received', 'recorded', '2026-12-05T00:00:00Z')`);
	}

	it("counts each month in SQL: chargebacks, not inquiries; December's disputes over November's sales", async () => {
		await seed();
		const trend = await monitoringTrend(t.db, NOW, 3);
		expect(trend.map((m) => [m.month, m.disputes, m.fraudWarnings, m.charges, m.previousCharges])).toEqual([
			["2026-10", 0, 0, 0, 0],
			["2026-11", 1, 0, 6000, 0],
			["2026-12", 85, 1, 100, 6000],
		]);
		const december = trend.at(-1)!.programmes;
		expect(december.find((p) => p.programme.id === "mastercard-ecm")).toMatchObject({
			count: 85,
			denominator: 6000,
			status: "approaching",
		});
		expect(december.find((p) => p.programme.id === "visa-vamp")).toMatchObject({ count: 86, status: "clear" });
	});

	it("notifies once before ECM is crossed, naming the disputes and warnings that count", async () => {
		await seed();
		const sent: NotifyMessage[] = [];
		const now = () => NOW;
		const notifyQueue = { send: async (m: NotifyMessage) => void sent.push(m) };
		const notices = queuedNotices({ db: t.db, notifyQueue, now }, "https://hooks.example.test/x");
		const deps = { db: t.db, notices, now };
		expect(await warnMonitoring(deps)).toEqual(["monitoring_2026_12_mastercard_ecm_approaching"]);
		expect(await warnMonitoring(deps)).toEqual([]);
		expect(sent).toHaveLength(1);
		expect(sent[0]?.payload.text).toContain("Mastercard ECM is approaching its threshold in 2026-12");
		expect(sent[0]?.payload.text).toContain("85 counted (disputes over the previous month's sales) / 6000");
		expect(sent[0]?.payload.text).toContain("15 more would reach it");
		expect(sent[0]?.payload.text).toMatch(/latest disputes counted: dp_dec_085, dp_dec_084/);
		expect(sent[0]?.payload.text).toContain("latest early fraud warnings counted: issfr_dec_1");
		expect(sent[0]?.payload.text).not.toContain("dp_inq_");

		// Fifteen more disputes cross it: a second notice, at the "over" level.
		await t.exec(`insert into rebuttal.disputes (id, amount, currency, reason, status, created_at)
			select 'dp_more_' || i, 1000, 'usd', 'fraudulent', 'needs_response', '2026-12-10T00:00:00Z'
			from generate_series(1, 15) i`);
		expect(await warnMonitoring(deps)).toEqual(["monitoring_2026_12_mastercard_ecm_over"]);
	});
});
