import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// Submission policy through the whole pipeline in auto mode: a Visa compliance dispute is staged and waits for an
// operator (its network fee is never acknowledged automatically); a Klarna dispute is marked and skipped.

let stack: TestStack;
let customers: DemoCustomer[];

beforeAll(async () => {
	stack = await startTestStack({ verbose: Boolean(process.env.E2E_VERBOSE) });
	customers = await stack.seedDemo();
});
afterAll(async () => {
	await stack?.stop();
});

async function openSeededDispute(charge: string, patch: Record<string, unknown>) {
	const { disputes } = await stack.emulator("/_emulator/seed", {
		disputes: [{ charge, status: "needs_response", due_by: Math.floor(Date.now() / 1000) + 7 * 86_400, ...patch }],
	});
	const dispute = disputes[0];
	const event = await stack.emulator("/_emulator/events", { type: "charge.dispute.created", object_id: dispute.id });
	expect((await stack.sendEvent(event)).status).toBe(200);
	return dispute;
}

async function waitForStage(id: string, stage: string) {
	return waitFor(async () => {
		const res = await stack.api(`/api/disputes/${id}`);
		if (res.status !== 200) return null;
		const body = await res.json();
		return body.stage === stage ? body : null;
	}, 60_000);
}

describe("submission policy end to end", () => {
	it("stages a Visa compliance dispute for review even in auto mode, without acknowledging the fee", async () => {
		const charge = customers[0]!.chargeIds[0]!;
		const dispute = await openSeededDispute(charge, {
			reason: "noncompliant",
			enhanced_eligibility_types: ["visa_compliance"],
		});
		const view = await waitForStage(dispute.id, "awaiting_review");
		expect(view.stageReason).toMatch(/visa_compliance dispute: .*network fee/);
		expect(view.assessment).toMatchObject({ playbook: "noncompliant", compliance: "visa_compliance" });
		const updates = await stack.emulator(`/_emulator/disputes/${dispute.id}/updates`);
		expect(updates).toHaveLength(1);
		expect(updates[0].submit).toBe(false);
		expect(JSON.stringify(updates[0].evidence)).not.toContain("fee_acknowledged");
	});

	it("records an early fraud warning and shows what was done about it in the API and the dashboard", async () => {
		const charge = customers[2 % customers.length]!.chargeIds[2]!;
		const { warning, event } = await stack.emulator("/_emulator/early_fraud_warnings", {
			charge,
			actionable: true,
			fraud_type: "made_with_stolen_card",
		});
		expect((await stack.sendEvent(event)).status).toBe(200);
		const listed = await waitFor(async () => {
			const body = await (await stack.api("/api/early-fraud-warnings")).json();
			return body.warnings.find((w: { id: string }) => w.id === warning.id) ?? null;
		}, 60_000);
		expect(listed).toMatchObject({
			chargeId: charge,
			actionable: true,
			fraudType: "made_with_stolen_card",
			action: "not_refunded",
			actionReason: expect.stringMatching(/policy off/),
		});
		const page = await (await stack.api("/dashboard/warnings")).text();
		expect(page).toContain(warning.id);
		expect(page).toContain("not refunded");
		expect(page).toContain("set EFW_REFUND_MAX_AMOUNT");
		expect((await stack.api("/api/early-fraud-warnings?limit=0")).status).toBe(400);
	});

	it("marks a Klarna inquiry and skips it with the reason", async () => {
		const charge = customers[1 % customers.length]!.chargeIds[1]!;
		const dispute = await openSeededDispute(charge, {
			reason: "product_not_received",
			status: "warning_needs_response",
			payment_method_details: { type: "klarna", card: null, klarna: {} },
		});
		const view = await waitForStage(dispute.id, "skipped");
		expect(view.stageReason).toMatch(/^Klarna inquiry/);
		expect(view.assessment.skipReason).toMatch(/^Klarna inquiry/);
		expect(await stack.emulator(`/_emulator/disputes/${dispute.id}/updates`)).toEqual([]);
	});
});
