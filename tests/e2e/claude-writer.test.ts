import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnthropicFake, startAnthropicFake } from "../../local/anthropic-fake";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// The Claude writer inside the Worker, through the real SDK against the fake Messages API: its verified text is
// submitted and its cost recorded; an outage falls back to the template and the dispute is still answered.

let fake: AnthropicFake;
let stack: TestStack;
let customers: DemoCustomer[];
let next = 0;

beforeAll(async () => {
	fake = await startAnthropicFake();
	stack = await startTestStack({
		env: { ANTHROPIC_API_KEY: "sk-ant-test-e2e", ANTHROPIC_BASE_URL: fake.url },
	});
	customers = await stack.seedDemo();
});
afterAll(async () => {
	await stack?.stop();
	await fake?.close();
});

interface Evidence {
	writer: string;
	writerFallbackReason: string | null;
	writerModel: string | null;
	writerUsage: { inputTokens: number; outputTokens: number; costUsd: number | null; calls: number } | null;
	narrative: string;
}

async function answer(reason: string) {
	const customer = customers[next++ % customers.length]!;
	const created = await stack.emulator("/_emulator/disputes", { charge: customer.chargeIds[1], reason });
	await stack.sendEvent(created.event);
	return waitFor(async () => {
		const view = (await (await stack.api(`/api/disputes/${created.dispute.id}`)).json()) as {
			stage: string;
			evidence: Evidence | null;
		};
		return view.stage === "submitted" ? view : null;
	}, 60_000);
}

describe("with ANTHROPIC_API_KEY set", () => {
	it("submits Claude's verified case and records the model, tokens and cost", async () => {
		fake.reset();
		const view = await answer("fraudulent");
		expect(view.evidence?.writer).toBe("claude");
		expect(view.evidence?.writerFallbackReason).toBeNull();
		expect(view.evidence?.writerModel).toBeTruthy();
		expect(view.evidence?.writerUsage?.calls).toBeGreaterThanOrEqual(1);
		expect(view.evidence?.writerUsage?.outputTokens).toBeGreaterThan(0);
		const calls = fake.requests().filter((r) => r.path === "/v1/messages");
		expect(calls.length).toBeGreaterThanOrEqual(1);
		expect(calls[0]?.headers.authorization ?? calls[0]?.headers["x-api-key"]).toContain("sk-ant-test-e2e");
	});

	it("falls back to the template when the model is overloaded, and still submits", async () => {
		fake.reset();
		fake.setDefault({ kind: "error", status: 529, type: "overloaded_error" });
		try {
			const view = await answer("product_not_received");
			expect(view.evidence?.writer).toBe("template");
			expect(view.evidence?.writerFallbackReason).toMatch(/^overloaded/);
		} finally {
			fake.setDefault({ kind: "valid" });
		}
	});

	it("never submits a narrative with an invented figure", async () => {
		fake.reset();
		fake.setDefault({ kind: "invent", what: "amount" });
		try {
			const view = await answer("subscription_canceled");
			expect(view.evidence?.writer).toBe("template");
			expect(view.evidence?.writerFallbackReason).toMatch(/^verification/);
		} finally {
			fake.setDefault({ kind: "valid" });
		}
	});
});
