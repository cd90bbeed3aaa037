import { describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../lib/config";
import { AUTO_SUBMIT_ACTOR } from "../../lib/evidence/assess";
import type { PipelineDeps } from "../../lib/pipeline/deps";
import { handleSubmitMessage } from "../../lib/pipeline/submit";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

// Who may approve a compliance case: its network fee is acknowledged only by a person, never by the deadline
// sweep's automatic approval, through the real submit step against the Stripe emulator.

let h: EmulatorHarness;
let t: TestDatabase;
useEmulatorAndDatabase((harness, database) => {
	[h, t] = [harness, database];
});

function deps(): PipelineDeps {
	return {
		db: t.db,
		stripe: h.stripe(),
		config: { SUBMIT_MODE: "review", DISPUTE_ACCEPT_WEAK: false } as PipelineConfig,
		now: () => new Date(),
	} as unknown as PipelineDeps;
}

async function stagedComplianceDispute(): Promise<string> {
	const { charges } = await h.controls.seed({ charges: [{ amount: 4900 }] });
	const dueBy = Math.floor(Date.now() / 1000) + 5 * 86_400;
	const { disputes } = await h.controls.seed({
		disputes: [
			{
				charge: charges[0]!.id,
				status: "needs_response",
				reason: "noncompliant",
				enhanced_eligibility_types: ["visa_compliance"],
				due_by: dueBy,
			},
		],
	});
	const id = disputes[0]!.id as string;
	await t.exec(
		`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, due_by)
		 values ($1, 4900, 'usd', 'noncompliant', 'needs_response', 'awaiting_review', $2)`,
		[id, new Date(dueBy * 1000).toISOString()],
	);
	await t.exec(
		`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
		 values ($1, '{"uncategorized_text":"The payment was authorised."}', '[]', 'n', 'template', 'noncompliant', 'file_x', 'k', 's', 1, 1)`,
		[id],
	);
	await t.exec(
		`insert into rebuttal.assessments (dispute_id, playbook, strength, compliance)
		 values ($1, 'noncompliant', 'moderate', 'visa_compliance')`,
		[id],
	);
	return id;
}

async function updates(id: string) {
	return (await (await fetch(`${h.emulator.url}/_emulator/disputes/${id}/updates`)).json()) as {
		submit: boolean;
		evidence: Record<string, unknown>;
	}[];
}

describe("approving a compliance case", () => {
	it("refuses the sweep's automatic approval and keeps the dispute waiting for a person", async () => {
		const id = await stagedComplianceDispute();
		await handleSubmitMessage(deps(), { disputeId: id, stripeAccount: null, approvedBy: AUTO_SUBMIT_ACTOR }, 1);
		expect(await updates(id)).toEqual([]);
		const { rows } = await t.exec(
			"select d.stage, a.outcome, a.detail from rebuttal.disputes d join rebuttal.attempts a on a.dispute_id = d.id where d.id = $1",
			[id],
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ stage: "awaiting_review", outcome: "skipped" });
		expect(JSON.stringify(rows[0]?.detail)).toMatch(/not submitted automatically: visa_compliance .*network fee/);
	});

	it("submits once with the fee acknowledged when an operator approves", async () => {
		const id = await stagedComplianceDispute();
		await handleSubmitMessage(deps(), { disputeId: id, stripeAccount: null, approvedBy: "ops@example.com" }, 1);
		const sent = await updates(id);
		expect(sent).toHaveLength(1);
		expect(sent[0]?.submit).toBe(true);
		expect(sent[0]?.evidence).toMatchObject({
			uncategorized_text: "The payment was authorised.",
			// Form-encoded, as Stripe receives it.
			enhanced_evidence: { visa_compliance: { fee_acknowledged: "true" } },
		});
		const { rows } = await t.exec("select stage from rebuttal.disputes where id = $1", [id]);
		expect(rows[0]).toMatchObject({ stage: "submitted" });
	});
});
