import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// SUBMIT_MODE=review: evidence is staged in Stripe (submit: false) and waits for an operator; approval submits
// it exactly once, however often it is clicked.

let stack: TestStack;
let customers: DemoCustomer[];
beforeAll(async () => {
	stack = await startTestStack({ env: { SUBMIT_MODE: "review" } });
	customers = await stack.seedDemo();
});
afterAll(async () => stack?.stop());

async function stageOf(id: string): Promise<string | undefined> {
	const response = await stack.api(`/api/disputes/${id}`);
	return response.status === 200 ? ((await response.json()) as { stage: string }).stage : undefined;
}

describe("review mode", () => {
	it("stages the evidence without submitting, then submits once on approval", async () => {
		const created = await stack.emulator("/_emulator/disputes", {
			charge: customers[0]!.chargeIds[0],
			reason: "product_not_received",
		});
		const id: string = created.dispute.id;
		await stack.sendEvent(created.event);
		await waitFor(async () => (await stageOf(id)) === "awaiting_review", 60_000);

		const staged = (await stack.emulator(`/_emulator/disputes/${id}/updates`)) as {
			submit: boolean;
			evidence: object;
		}[];
		expect(staged).toHaveLength(1);
		expect(staged[0]?.submit).toBe(false);
		expect(Object.keys(staged[0]!.evidence).length).toBeGreaterThan(3);
		expect((await stack.emulator(`/v1/disputes/${id}`)).status).toBe("needs_response");

		const approvals = await Promise.all(
			[1, 2, 3].map(() => stack.api(`/api/disputes/${id}/approve`, { method: "POST" })),
		);
		expect(approvals.every((r) => r.status === 202 || r.status === 200)).toBe(true);
		await waitFor(async () => (await stageOf(id)) === "submitted", 60_000);

		const updates = (await stack.emulator(`/_emulator/disputes/${id}/updates`)) as { submit: boolean }[];
		expect(updates.filter((u) => u.submit)).toHaveLength(1);
		expect((await stack.emulator(`/v1/disputes/${id}`)).status).toBe("under_review");
		const again = await stack.api(`/api/disputes/${id}/approve`, { method: "POST" });
		expect(again.status).toBe(200);
	});

	it("refuses to approve a dispute that is not awaiting review", async () => {
		const response = await stack.api("/api/disputes/du_unknown123/approve", { method: "POST" });
		expect(response.status).toBe(404);
	});
});
