import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { couldHaveHelped, evidenceFieldsByOutcome, whatWins, winsBy } from "../../lib/outcomes/learn";
import { openTestDatabase, type TestDatabase } from "../support/database";

// What wins, as counts, from fixed outcome rows in Postgres.

let t: TestDatabase;
beforeAll(async () => {
	t = await openTestDatabase();
	const rows: [string, string, boolean, string, string | null, string | null, number, string[], string | null][] = [
		["dp_w1", "won", true, "fraudulent", "visa", "US", 1500, ["access_activity_log", "customer_email_address"], null],
		["dp_w2", "won", true, "fraudulent", "visa", "GB", 4900, ["access_activity_log", "service_documentation"], null],
		["dp_w3", "won", true, "fraudulent", "mastercard", "US", 60000, ["access_activity_log"], null],
		["dp_l1", "lost", true, "fraudulent", "visa", "US", 4900, ["customer_email_address"], null],
		["dp_l2", "lost", true, "product_not_received", null, null, 900, [], "late_evidence"],
		["dp_x1", "lost", false, "fraudulent", "visa", "US", 4900, [], null],
	];
	for (const r of rows) {
		await t.exec(
			`insert into rebuttal.dispute_outcomes (dispute_id, outcome, fought, source, reason, network, issuer_country, amount, currency, evidence_fields, loss_reason, dispute_created_at)
			 values ($1, $2, $3, 'history', $4, $5, $6, $7, 'usd', $8::jsonb, $9, now())`,
			[r[0], r[1], r[2], r[3], r[4], r[5], r[6], JSON.stringify(r[7]), r[8]],
		);
	}
	await t.exec(
		`insert into rebuttal.assessments (dispute_id, playbook, strength, key_facts)
		 values ('dp_l1', 'fraudulent', 'weak', '{"present":["email"],"missing":["use after the charge"]}')`,
	);
});
afterAll(async () => t.close());

describe("what wins", () => {
	it("counts wins of fought disputes per reason, network, issuer country and amount band", async () => {
		expect(await winsBy(t.db, "reason")).toEqual([
			{ key: "fraudulent", wins: 3, decided: 4, record: "3/4" },
			{ key: "product_not_received", wins: 0, decided: 1, record: "0/1" },
		]);
		expect((await winsBy(t.db, "network")).map((r) => [r.key, r.record])).toEqual([
			["visa", "2/3"],
			["mastercard", "1/1"],
			["unknown", "0/1"],
		]);
		expect((await winsBy(t.db, "issuer_country")).map((r) => [r.key, r.record])).toEqual([
			["US", "2/3"],
			["GB", "1/1"],
			["unknown", "0/1"],
		]);
		expect((await winsBy(t.db, "amount_band")).map((r) => [r.key, r.record])).toEqual([
			["20 to 100", "1/2"],
			["under 20", "1/2"],
			["500 and more", "1/1"],
		]);
	});

	it("says in how many won and lost cases each evidence field was present", async () => {
		const fields = await evidenceFieldsByOutcome(t.db);
		const of = (field: string) => fields.find((f) => f.reason === "fraudulent" && f.field === field);
		expect(of("access_activity_log")).toMatchObject({ inWon: "3/3", inLost: "0/1" });
		expect(of("customer_email_address")).toMatchObject({ inWon: "1/3", inLost: "1/1" });
	});

	it("names what could have helped a lost dispute, and Klarna's loss reason", async () => {
		expect(await couldHaveHelped(t.db, "dp_l1")).toEqual({
			fought: true,
			missingKeyFacts: ["use after the charge"],
			fieldsInWonCases: [{ field: "access_activity_log", presentIn: "3/3 won" }],
			lossReason: null,
		});
		expect(await couldHaveHelped(t.db, "dp_l2")).toMatchObject({ lossReason: "late_evidence", missingKeyFacts: [] });
		expect(await couldHaveHelped(t.db, "dp_w1")).toBeNull();
		expect((await whatWins(t.db)).byReason[0]?.record).toBe("3/4");
	});
});
