import { PDFDocument } from "pdf-lib";
import type Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import { appealFeeDecision, reasonForFiling } from "../../lib/appeals/appeal";
import { fileAppealByPerson } from "../../lib/appeals/by-person";
import type { PipelineConfig } from "../../lib/config";
import { parseFeeTable } from "../../lib/decide/fees";
import { handleAssembleMessage } from "../../lib/pipeline/assemble";
import type { PipelineDeps } from "../../lib/pipeline/deps";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

// Appeals end to end through the Stripe emulator and stripe-node 23.1: a dispute in appeal_needs_response gets
// its own stage, is answered once with evidence[appeal][card] (reason_for_filing, supporting_files) when its
// filing fee is known and within APPEAL_AUTO_MAX_FEE, waits for a person otherwise, and is tracked to its outcome.

let h: EmulatorHarness;
let t: TestDatabase;
useEmulatorAndDatabase((harness, database) => {
	[h, t] = [harness, database];
});
beforeEach(async () => {
	await h.controls.reset();
	await t.exec("truncate rebuttal.disputes, rebuttal.evidence, rebuttal.attempts, rebuttal.dispute_outcomes cascade");
});

function deps(config: Partial<PipelineConfig> = {}): PipelineDeps {
	return {
		db: t.db,
		stripe: h.stripe(),
		config: { SUBMIT_MODE: "auto", APPEAL_FEES: parseFeeTable("*:usd=50000", {}), ...config } as PipelineConfig,
		now: () => new Date(),
	} as unknown as PipelineDeps;
}

/** A dispute the issuer decided against the merchant, with rebuttal's evidence (and uploaded report) on record. */
async function appealable() {
	const pdf = await PDFDocument.create();
	pdf.addPage();
	const file = await h.stripe().files.create({
		purpose: "dispute_evidence",
		file: { data: await pdf.save(), name: "report.pdf", type: "application/pdf" },
	});
	const { charges } = await h.controls.seed({ charges: [{ amount: 4900 }] });
	const { disputes } = await h.controls.seed({
		disputes: [{ charge: charges[0]!.id, amount: 4900, reason: "fraudulent", status: "appeal_needs_response" }],
	});
	const id = disputes[0]!.id as string;
	await t.exec(
		`insert into rebuttal.disputes (id, amount, currency, reason, status, stage) values ($1, 4900, 'usd', 'fraudulent', 'lost', 'submitted')`,
		[id],
	);
	await t.exec(
		`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
		 values ($1, '{}', $2::jsonb, 'n', 'template', 'fraudulent', $3, 'k', 's', 1, 1)`,
		[
			id,
			JSON.stringify([
				{ id: "f1", label: "Purchase IP", display: "203.0.113.9, the customer's usual address" },
				{ id: "f2", label: "Use after the charge", display: "14 images generated" },
			]),
			file.id,
		],
	);
	return { id, fileId: file.id };
}

const sync = (d: PipelineDeps, id: string, delivery = 1) =>
	handleAssembleMessage(d, { kind: "reassemble", disputeId: id, stripeAccount: null, requestedBy: "test" }, delivery);
const stage = async (id: string) =>
	(await t.exec("select stage, stage_reason, stage_reason_code from rebuttal.disputes where id = $1", [id])).rows[0];
const updates = async (id: string) =>
	(await (await fetch(`${h.emulator.url}/_emulator/disputes/${id}/updates`)).json()) as { submit: boolean }[];

describe("appeals", () => {
	it("files the appeal once with evidence[appeal][card], then follows it to its outcome", async () => {
		const { id, fileId } = await appealable();
		const d = deps({ APPEAL_AUTO_MAX_FEE: 50000 });
		await sync(d, id);
		await sync(d, id, 2);
		const dispute: Stripe.Dispute = await h.stripe().disputes.retrieve(id);
		expect(dispute.status).toBe("appeal_under_review");
		const card = dispute.evidence.appeal?.card;
		expect(card?.supporting_files).toEqual([fileId]);
		expect(card?.reason_for_filing).toMatch(
			/^The issuer decided dispute dp_\w+ \(network reason code 10\.4\), filed as fraudulent, for the cardholder\./,
		);
		expect(card?.reason_for_filing).toContain("Use after the charge: 14 images generated");
		expect(await updates(id)).toHaveLength(1);
		expect((await stage(id))?.stage).toBe("appeal_submitted");
		expect((await stage(id))?.stage_reason_code).toBe("appeal_filed");

		// The network decides the appeal: the dispute ends won, and the outcome is recorded from dispute.status.
		await fetch(`${h.emulator.url}/_emulator/disputes/${id}/outcome`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ status: "won" }),
		});
		await sync(d, id, 3);
		expect(await stage(id)).toMatchObject({ stage: "won" });
		const { rows } = await t.exec("select outcome, fought from rebuttal.dispute_outcomes where dispute_id = $1", [id]);
		expect(rows).toEqual([{ outcome: "won", fought: false }]);
	});

	it("waits for a person, showing the fee, when the filing fee is above APPEAL_AUTO_MAX_FEE or unknown", async () => {
		const { id } = await appealable();
		await sync(deps({ APPEAL_AUTO_MAX_FEE: 10000 }), id);
		expect(await stage(id)).toMatchObject({ stage: "appealing", stage_reason_code: "appeal_waiting" });
		expect((await stage(id))?.stage_reason).toMatch(/filing fee 50000 is above APPEAL_AUTO_MAX_FEE 10000/);
		await sync(deps({ APPEAL_FEES: {}, APPEAL_AUTO_MAX_FEE: 10000 }), id);
		expect((await stage(id))?.stage_reason).toMatch(/filing fee is unknown/);
		expect(await updates(id)).toEqual([]);
		expect((await h.stripe().disputes.retrieve(id)).status).toBe("appeal_needs_response");
	});

	it("a person files the appeal that waits for them, once, through the same filing and move", async () => {
		const { id, fileId } = await appealable();
		await sync(deps({ APPEAL_AUTO_MAX_FEE: 10000 }), id);
		expect(await stage(id)).toMatchObject({ stage: "appealing", stage_reason_code: "appeal_waiting" });
		const person = { db: t.db, stripe: h.stripe(), appealFees: parseFeeTable("*:usd=50000", {}) };
		expect(await fileAppealByPerson(person, id, "dashboard")).toEqual({
			id,
			stage: "appeal_submitted",
			fee: 50000,
			changed: true,
		});
		const dispute = await h.stripe().disputes.retrieve(id);
		expect(dispute.status).toBe("appeal_under_review");
		expect(dispute.evidence.appeal?.card?.supporting_files).toEqual([fileId]);
		expect(dispute.evidence.appeal?.card?.reason_for_filing).toContain("Use after the charge: 14 images generated");
		expect(await updates(id)).toEqual([expect.objectContaining({ submit: true })]);
		expect(await stage(id)).toEqual({
			stage: "appeal_submitted",
			stage_reason_code: "appeal_filed_by_person",
			stage_reason: "appeal filed by dashboard (filing fee $500.00)",
		});
		const { rows } = await t.exec(
			"select actor, detail from rebuttal.attempts where dispute_id = $1 and stage = 'appeal' and outcome = 'ok'",
			[id],
		);
		expect(rows).toEqual([
			{ actor: "dashboard", detail: { filed: true, by: "dashboard", fee: 50000, supportingFiles: [fileId] } },
		]);

		// A second click: the dispute is no longer appealing; nothing goes to Stripe again.
		await expect(fileAppealByPerson(person, id, "api")).rejects.toMatchObject({
			status: 409,
			message: expect.stringMatching(/is appeal_submitted, not appealing/),
		});
		expect(await updates(id)).toHaveLength(1);
		// The next sync follows the appeal under review without filing anything.
		await sync(deps({ APPEAL_AUTO_MAX_FEE: 10000 }), id, 2);
		expect((await stage(id))?.stage).toBe("appeal_submitted");
		expect(await updates(id)).toHaveLength(1);
	});

	it("a person's appeal names an unknown fee as unknown, and is refused outside appealing or once Stripe moved on", async () => {
		const { id } = await appealable();
		const person = { db: t.db, stripe: h.stripe(), appealFees: {} };
		// Still `submitted` in rebuttal: no appeal waits.
		await expect(fileAppealByPerson(person, id, "api")).rejects.toMatchObject({
			status: 409,
			message: expect.stringMatching(/is submitted, not appealing/),
		});
		await sync(deps({ APPEAL_FEES: {}, APPEAL_AUTO_MAX_FEE: 10000 }), id);
		expect((await stage(id))?.stage).toBe("appealing");
		// The appeal window closed in Stripe (the dispute ended lost) before the person clicked.
		await fetch(`${h.emulator.url}/_emulator/disputes/${id}/outcome`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ status: "lost" }),
		});
		await expect(fileAppealByPerson(person, id, "api")).rejects.toMatchObject({
			status: 409,
			message: expect.stringMatching(/Stripe reports dispute dp_\w+ as lost, not appeal_needs_response/),
		});
		expect(await updates(id)).toEqual([]);
		expect((await stage(id))?.stage).toBe("appealing");
		await expect(fileAppealByPerson(person, "dp_missing", "api")).rejects.toMatchObject({ status: 404 });
	});

	it("the emulator refuses other evidence in appeal_needs_response, as Stripe does", async () => {
		const { id } = await appealable();
		await expect(h.stripe().disputes.update(id, { evidence: { uncategorized_text: "more" } })).rejects.toThrow(
			/only evidence\[appeal\]\[card\] may be sent/,
		);
	});

	it("decides the fee rule and writes reason_for_filing without claims beyond the facts", () => {
		expect(appealFeeDecision(50000, 50000)).toEqual({ file: true, fee: 50000 });
		expect(appealFeeDecision(50001, 50000).file).toBe(false);
		expect(appealFeeDecision(0, undefined).file).toBe(false);
		const text = reasonForFiling({ id: "du_1", reason: "product_not_received", network_reason_code: "13.1" }, {
			facts: [],
		} as never);
		expect(text).toBe(
			"The issuer decided dispute du_1 (network reason code 13.1), filed as product not received, for the cardholder. The merchant asks for that decision to be reviewed against the evidence it submitted, which the attached report sets out in full.",
		);
	});
});
