import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../local/env";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// A message that keeps failing ends in its dead-letter queue, whose consumer marks the dispute failed with the
// error; once the cause is gone, the retry API sends it through to one submission. rebuttal's own wrangler.toml
// is used with max_retries lowered to 1, so the dead-letter path is reached in seconds.

function configWithOneRetry(): string {
	const source = readFileSync(join(PROJECT_ROOT, "wrangler.toml"), "utf8");
	const config = source
		.replace(/^main = ".*"$/m, `main = ${JSON.stringify(join(PROJECT_ROOT, "functions/index.ts"))}`)
		.replace(/^max_retries = \d+$/gm, "max_retries = 1");
	const dir = mkdtempSync(join(tmpdir(), "rebuttal-dlq-"));
	writeFileSync(join(dir, "wrangler.toml"), config);
	return join(dir, "wrangler.toml");
}

let stack: TestStack;
let customers: DemoCustomer[];
beforeAll(async () => {
	stack = await startTestStack({ configPath: configWithOneRetry() });
	customers = await stack.seedDemo();
});
afterAll(async () => stack?.stop());

interface View {
	stage: string;
	failedStage: string | null;
	lastError: string | null;
	attempts: { stage: string; outcome: string; error: string | null }[];
}

async function view(id: string): Promise<View | null> {
	const response = await stack.api(`/api/disputes/${id}`);
	return response.status === 200 ? ((await response.json()) as View) : null;
}

describe("the dead-letter queue", () => {
	it("marks a dispute failed when Stripe keeps failing, and the retry API recovers it", async () => {
		const customer = customers[0]!;
		const created = await stack.emulator("/_emulator/disputes", {
			charge: customer.chargeIds[0],
			reason: "fraudulent",
		});
		const id: string = created.dispute.id;
		await stack.emulator("/_emulator/faults", [{ method: "GET", path: `^/v1/disputes/${id}`, status: 503 }]);
		expect((await stack.sendEvent(created.event)).status).toBe(200);

		const failed = await waitFor(async () => {
			const current = await view(id);
			return current?.stage === "failed" ? current : null;
		}, 90_000);
		expect(failed.failedStage).toBe("assemble");
		expect(failed.lastError).toMatch(/the queue gave up on it; last error: stripe_unavailable/);
		expect(failed.attempts.some((a) => a.outcome === "retry")).toBe(true);
		expect(await stack.emulator(`/_emulator/disputes/${id}/updates`)).toEqual([]);

		await fetch(`${stack.stripeApiBase}/_emulator/faults`, { method: "DELETE" });
		const retried = await stack.api(`/api/disputes/${id}/retry`, { method: "POST" });
		expect(retried.status).toBe(202);
		expect(await retried.json()).toMatchObject({ queued: "assemble" });
		// A second click while the first retry is under way is refused, not queued twice.
		expect((await stack.api(`/api/disputes/${id}/retry`, { method: "POST" })).status).toBe(409);

		let last: View | null = null;
		await waitFor(async () => {
			last = await view(id);
			return last?.stage === "submitted";
		}, 60_000).catch((error) => {
			throw new Error(
				`${(error as Error).message}: ${JSON.stringify({ stage: last?.stage, attempts: last?.attempts.slice(0, 4) })}`,
			);
		});
		const updates = (await stack.emulator(`/_emulator/disputes/${id}/updates`)) as { submit: boolean }[];
		expect(updates.filter((u) => u.submit)).toHaveLength(1);
	});
});
