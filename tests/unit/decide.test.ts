import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decideFight, type FightDeps, getDecision, presentDecision } from "../../lib/decide/decide";
import { economicVerdict, MIN_DECIDED } from "../../lib/decide/economics";
import { counteredFee, DEFAULT_COUNTERED_FEES, parseFeeTable } from "../../lib/decide/fees";
import { winRecord } from "../../lib/outcomes/record";
import { openTestDatabase, type TestDatabase } from "../support/database";

// Fight or accept, priced: break-even F / (A + F), the merchant's own record (at least 10 decided disputes of
// the reason), and the countered fee from a table where an unknown entry means no verdict, never a fee of zero.

const record = (wins: number, decided: number) => ({ wins, decided, basis: "reason fraudulent" });

describe("the economic verdict", () => {
	// A = 8500, F = 1500: break-even 1500 / 10000 = 15 %. 3/20 is exactly 15 %.
	const at = { amount: 8500, currency: "usd", fee: 1500 };

	it("accepts exactly at break-even: fighting is worth nothing more than accepting", () => {
		const v = economicVerdict({ ...at, record: record(3, 20) });
		expect(v.breakEven).toBeCloseTo(0.15, 10);
		expect(v.probability).toBeCloseTo(0.15, 10);
		expect(v.expectedGain).toBe(0);
		expect(v.verdict).toBe("accept");
		expect(v.reason).toContain("3/20 won");
	});

	it("fights one win above break-even and accepts one win below", () => {
		expect(economicVerdict({ ...at, record: record(4, 20) }).verdict).toBe("fight");
		expect(economicVerdict({ ...at, record: record(2, 20) }).verdict).toBe("accept");
	});

	it("moves break-even with the amount: a small dispute needs a better record", () => {
		// A = 1500, F = 1500: break-even 50 %; 5/10 accepts, 6/10 fights.
		const small = { amount: 1500, currency: "usd", fee: 1500 };
		expect(economicVerdict({ ...small, record: record(5, 10) }).verdict).toBe("accept");
		expect(economicVerdict({ ...small, record: record(6, 10) }).verdict).toBe("fight");
		expect(economicVerdict({ ...small, record: record(6, 10) }).breakEven).toBe(0.5);
	});

	it("gives no verdict with fewer than 10 decided disputes, and says the counts", () => {
		const v = economicVerdict({ ...at, record: record(0, MIN_DECIDED - 1) });
		expect(v.verdict).toBe("no_verdict");
		expect(v.reason).toMatch(/fewer than 10 decided disputes .*0\/9 won/);
		expect(economicVerdict({ ...at, record: record(0, MIN_DECIDED) }).verdict).toBe("accept");
		expect(economicVerdict({ ...at, record: null }).reason).toMatch(/no decided disputes/);
	});

	it("gives no verdict when the fee is unknown, however bad the record", () => {
		const v = economicVerdict({ ...at, fee: null, record: record(0, 100) });
		expect(v.verdict).toBe("no_verdict");
		expect(v.fee).toBeNull();
		expect(v.breakEven).toBeNull();
		expect(v.reason).toMatch(/no countered fee is known for USD/);
	});

	it("treats a fee of zero as a real zero: fighting always pays", () => {
		expect(economicVerdict({ ...at, fee: 0, record: record(1, 50) }).verdict).toBe("fight");
	});
});

describe("the countered fee table", () => {
	it("knows Stripe's US fee and nothing it was not told", () => {
		expect(counteredFee(DEFAULT_COUNTERED_FEES, "US", "USD")).toBe(1500);
		expect(counteredFee(DEFAULT_COUNTERED_FEES, "GB", "gbp")).toBeNull();
		expect(counteredFee(DEFAULT_COUNTERED_FEES, null, "usd")).toBeNull();
	});

	it("merges FIGHT_FEES over the defaults, with a wildcard country", () => {
		const table = parseFeeTable("GB:gbp=1200, *:eur=1500,US:usd=2000");
		expect(counteredFee(table, "GB", "gbp")).toBe(1200);
		expect(counteredFee(table, "DE", "eur")).toBe(1500);
		expect(counteredFee(table, null, "eur")).toBe(1500);
		expect(counteredFee(table, "US", "usd")).toBe(2000);
		expect(counteredFee(parseFeeTable("FR:eur=0"), "FR", "eur")).toBe(0);
	});

	it.each(["GB=1200", "gb:gbp=1", "GB:gbp=", "GB:gbp=-5", "GB:gbp=1.5"])("refuses %s", (entry) => {
		expect(() => parseFeeTable(entry)).toThrow(/COUNTRY:currency=amount/);
	});
});

describe("decideFight over the merchant's own record", () => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase();
	});
	afterAll(async () => t.close());
	beforeEach(async () => {
		await t.exec("truncate rebuttal.dispute_outcomes, rebuttal.fight_decisions, rebuttal.assessments");
	});

	/** Seeds decided disputes of `reason`: `wins` won and `losses` lost, all fought, plus one not fought. */
	async function seed(reason: string, wins: number, losses: number, strength?: string) {
		const rows = [...Array(wins).fill("won"), ...Array(losses).fill("lost")];
		for (const [i, outcome] of rows.entries()) {
			const id = `dp_${reason}_${strength ?? "x"}_${i}`;
			await t.exec(
				`insert into rebuttal.dispute_outcomes (dispute_id, outcome, fought, source, reason, amount, currency, dispute_created_at)
				 values ($1, $2, true, 'history', $3, 5000, 'usd', now())`,
				[id, outcome, reason],
			);
			if (strength) {
				await t.exec(`insert into rebuttal.assessments (dispute_id, playbook, strength) values ($1, $2, $3)`, [
					id,
					reason,
					strength,
				]);
			}
		}
		await t.exec(
			`insert into rebuttal.dispute_outcomes (dispute_id, outcome, fought, source, reason, amount, currency, dispute_created_at)
			 values ($1, 'lost', false, 'history', $2, 5000, 'usd', now())`,
			[`dp_${reason}_accepted_${strength ?? "x"}`, reason],
		);
	}

	const deps = (overrides: Partial<FightDeps> = {}): FightDeps => ({
		db: t.db,
		policy: "economic",
		fees: DEFAULT_COUNTERED_FEES,
		reviewMode: false,
		accountCountry: async () => "US",
		...overrides,
	});
	const input = { disputeId: "dp_new", reason: "fraudulent", amount: 2000, currency: "usd", strength: null };

	it("counts only fought disputes, and prefers the strength's own record when it is long enough", async () => {
		await seed("fraudulent", 2, 9);
		expect(await winRecord(t.db, "fraudulent", null, 10)).toEqual({ wins: 2, decided: 11, basis: "reason fraudulent" });
		await seed("fraudulent", 8, 2, "strong");
		expect(await winRecord(t.db, "fraudulent", "strong", 10)).toMatchObject({ wins: 8, decided: 10 });
		expect(await winRecord(t.db, "fraudulent", "weak", 10)).toMatchObject({ wins: 10, decided: 21 });
	});

	it("accepts early when the record does not pay, and records the numbers", async () => {
		// 2/11 against break-even 1500/3500 ≈ 43 %.
		await seed("fraudulent", 2, 9);
		const decision = await decideFight(deps(), input);
		expect(decision).toMatchObject({ verdict: "accept", action: "accept", fee: 1500, wins: 2, decided: 11 });
		const shown = presentDecision(await getDecision(t.db, "dp_new"));
		expect(shown).toMatchObject({ action: "accept", record: "2/11", fee: 1500, country: "US" });
		expect(shown?.breakEven).toBeCloseTo(1500 / 3500, 10);
		expect(shown?.reason).toMatch(/^accepted early: fighting does not pay: 2\/11 won/);
	});

	it("asks in review mode instead of accepting", async () => {
		await seed("fraudulent", 2, 9);
		const decision = await decideFight(deps({ reviewMode: true }), input);
		expect(decision.action).toBe("ask");
		expect(decision.reason).toMatch(/recommends accepting/);
	});

	it("fights and says why with 9 decided disputes, an unknown country or FIGHT_POLICY=always", async () => {
		await seed("fraudulent", 0, 9);
		expect(await decideFight(deps(), input)).toMatchObject({ verdict: "no_verdict", action: "answer" });
		await seed("fraudulent", 0, 5, "weak");
		expect(await decideFight(deps({ accountCountry: async () => null }), input)).toMatchObject({
			verdict: "no_verdict",
			action: "answer",
			fee: null,
		});
		expect(
			await decideFight(
				deps({
					accountCountry: async () => {
						throw new Error("account unreadable");
					},
				}),
				input,
			),
		).toMatchObject({ verdict: "no_verdict", action: "answer" });
		expect(await decideFight(deps({ policy: "always" }), input)).toMatchObject({
			policy: "always",
			action: "answer",
		});
		expect((await getDecision(t.db, "dp_new"))?.policy).toBe("always");
	});
});
