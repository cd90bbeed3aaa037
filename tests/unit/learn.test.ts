import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	CE3_QUALIFIED,
	couldHaveHelped,
	evidenceFieldsByOutcome,
	factsByOutcome,
	whatWins,
	winsBy,
} from "../../lib/outcomes/learn";
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
	// rebuttal's evidence for four of the fought disputes (dp_w3 was answered outside rebuttal: no facts).
	const fact = (id: string) => ({ id, label: id, value: 1, display: "1", source: "merchant_db" });
	const facts: [string, string, string[], unknown][] = [
		[
			"dp_w1",
			"fraudulent",
			["dispute.id", "usage.after_charge", "access.device.1", "access.device.2", "purchase.ip"],
			{ status: "qualified" },
		],
		[
			"dp_w2",
			"fraudulent",
			["dispute.id", "usage.after_charge", "prior.count", "merchant.name"],
			{ status: "not_qualified" },
		],
		["dp_l1", "fraudulent", ["dispute.id", "purchase.ip", "usage.kind.api_call.count"], null],
		["dp_l2", "product_not_received", ["dispute.id", "charge.receipt_email"], null],
	];
	for (const [id, reason, ids, ce3] of facts) {
		await t.exec(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage) values ($1, 4900, 'usd', $2, 'lost', 'submitted')`,
			[id, reason],
		);
		await t.exec(
			`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
			 values ($1, '{}'::jsonb, $2::jsonb, 'n', 'template', $3, 'file_1', 'k', 's', 1, 1)`,
			[id, JSON.stringify(ids.map(fact)), reason],
		);
		if (ce3) {
			await t.exec(
				`insert into rebuttal.assessments (dispute_id, playbook, strength, ce3) values ($1, $2, 'strong', $3::jsonb)`,
				[id, reason, JSON.stringify(ce3)],
			);
		}
	}
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

	it("says in how many won and lost cases a fact of each family was present, out of the cases with rebuttal's evidence", async () => {
		const facts = await factsByOutcome(t.db);
		const of = (reason: string, family: string) => facts.find((f) => f.reason === reason && f.family === family);
		// dp_w3 (fought, no evidence of rebuttal's) counts in neither figure; dp_x1 (not fought) neither.
		expect(of("fraudulent", "usage.after_charge")).toMatchObject({ won: 2, lost: 0, inWon: "2/2", inLost: "0/1" });
		expect(of("fraudulent", "purchase.ip")).toMatchObject({ inWon: "1/2", inLost: "1/1" });
		// Two devices of one dispute are one case with an access.device fact.
		expect(of("fraudulent", "access.device")).toMatchObject({ inWon: "1/2", inLost: "0/1" });
		expect(of("fraudulent", "usage.kind")).toMatchObject({ inWon: "0/2", inLost: "1/1" });
		expect(of("fraudulent", "prior.count")).toMatchObject({ inWon: "1/2", inLost: "0/1" });
		expect(of("fraudulent", CE3_QUALIFIED)).toMatchObject({ inWon: "1/2", inLost: "0/1" });
		expect(of("product_not_received", "charge.receipt_email")).toMatchObject({ inWon: "0/0", inLost: "1/1" });
		// The dispute's and the merchant's own facts are in every case and are left out.
		expect(facts.filter((f) => f.family.startsWith("dispute.") || f.family.startsWith("merchant."))).toEqual([]);
		expect(facts.every((f) => !/%/.test(f.inWon + f.inLost))).toBe(true);
		expect((await whatWins(t.db)).facts).toEqual(facts);
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
