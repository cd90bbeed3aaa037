import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoCustomer } from "../../local/seed";
import { pdfPageTexts } from "../support/grade";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// The documents through the whole pipeline and the Stripe emulator: a subscription_canceled dispute on a renewal
// submits the cancellation policy in force, its disclosure and a receipt, each file uploaded once and all files
// within one page budget; a Klarna chargeback is answered.

let stack: TestStack;
let customers: DemoCustomer[];

beforeAll(async () => {
	stack = await startTestStack({ verbose: Boolean(process.env.E2E_VERBOSE) });
	customers = await stack.seedDemo();
});
afterAll(async () => {
	await stack?.stop();
});

async function openDispute(charge: string, patch: Record<string, unknown>) {
	const { disputes } = await stack.emulator("/_emulator/seed", {
		disputes: [{ charge, status: "needs_response", due_by: Math.floor(Date.now() / 1000) + 7 * 86_400, ...patch }],
	});
	const dispute = disputes[0];
	const event = await stack.emulator("/_emulator/events", { type: "charge.dispute.created", object_id: dispute.id });
	expect((await stack.sendEvent(event)).status).toBe(200);
	return dispute;
}

async function submitted(id: string) {
	return waitFor(async () => {
		const updates = await stack.emulator(`/_emulator/disputes/${id}/updates`);
		return updates.find((u: { submit: boolean }) => u.submit) ?? null;
	}, 90_000);
}

describe("evidence documents end to end", () => {
	it("a subscription_canceled dispute submits cancellation_policy, cancellation_policy_disclosure and receipt", async () => {
		const customer = customers[0]!;
		const chargeId = customer.chargeIds[0]!;
		const { object: charge } = await stack.emulator(`/_emulator/objects/${chargeId}`);
		const { subscriptions } = await stack.emulator("/_emulator/seed", {
			subscriptions: [
				{
					customer: customer.customerId,
					created: charge.created - 120 * 86_400,
					current_period_start: charge.created,
					current_period_end: charge.created + 30 * 86_400,
					price: { nickname: "Pro plan", unit_amount: charge.amount },
				},
			],
		});
		await stack.emulator("/_emulator/seed", {
			invoices: [
				{
					subscription: subscriptions[0].id,
					payment_intent: charge.payment_intent,
					number: "CNV-0042",
					created: charge.created,
					customer: customer.customerId,
				},
			],
		});
		const dispute = await openDispute(chargeId, { reason: "subscription_canceled" });
		const update = await submitted(dispute.id);
		const evidence = update.evidence;
		expect(evidence.cancellation_policy).toMatch(/^file_/);
		expect(evidence.receipt).toMatch(/^file_/);
		expect(evidence.service_documentation).toMatch(/^file_/);
		expect(new Set([evidence.cancellation_policy, evidence.receipt, evidence.service_documentation]).size).toBe(3);
		expect(evidence.cancellation_policy_disclosure).toMatch(/“Cancellation policy”, version 20\d\d-\d\d, effective/);
		expect(evidence.cancellation_policy_disclosure).toContain(
			"How it is shown to customers before they pay: linked beside the Subscribe button",
		);
		expect(evidence.service_date).toMatch(/ to /);
		expect(evidence.product_description).toContain("Invoice CNV-0042 covers the service period");
		expect(evidence.customer_purchase_ip ?? null).toBeNull();

		// Every file within one page budget (19 by default), each a real PDF.
		let pages = 0;
		for (const id of [evidence.cancellation_policy, evidence.receipt, evidence.service_documentation]) {
			const response = await fetch(`${stack.stripeApiBase}/_emulator/files/${id}/contents`);
			pages += (await PDFDocument.load(new Uint8Array(await response.arrayBuffer()))).getPageCount();
		}
		expect(pages).toBeLessThanOrEqual(19);

		// The report's cover letter lists the other files as exhibits, each with the field it is in.
		const report = await fetch(`${stack.stripeApiBase}/_emulator/files/${evidence.service_documentation}/contents`);
		const page1 = pdfPageTexts(new Uint8Array(await report.arrayBuffer()))[0]!.replace(/\s+/g, " ");
		expect(page1).toContain("Receipt for the payment (a separate file: receipt)");
		expect(page1).toMatch(/\(a separate file: cancellation policy\)/);

		// Each file uploaded once: a redelivered event uploads nothing more.
		const before = (await stack.emulator("/_emulator/requests")).filter(
			(r: { method: string; path: string }) => r.method === "POST" && r.path === "/v1/files",
		).length;
		const event = await stack.emulator("/_emulator/events", { type: "charge.dispute.updated", object_id: dispute.id });
		expect((await stack.sendEvent(event)).status).toBe(200);
		await new Promise((r) => setTimeout(r, 3000));
		const after = (await stack.emulator("/_emulator/requests")).filter(
			(r: { method: string; path: string }) => r.method === "POST" && r.path === "/v1/files",
		).length;
		expect(after).toBe(before);
	});

	it("answers a Klarna chargeback with evidence", async () => {
		const charge = customers[1 % customers.length]!.chargeIds[1]!;
		const dispute = await openDispute(charge, {
			reason: "product_not_received",
			payment_method_details: { type: "klarna", card: null, klarna: {} },
		});
		const update = await submitted(dispute.id);
		expect(update.evidence.receipt).toMatch(/^file_/);
		expect(update.evidence.refund_policy).toMatch(/^file_/);
		expect(update.evidence.refund_policy_disclosure).toContain("refund policy in force");
	});
});
