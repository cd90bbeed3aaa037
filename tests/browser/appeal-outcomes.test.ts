import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWaitingAppeal, stackStripe } from "../support/appeal-fixture";
import { startTestStack, type TestStack } from "../support/stack";
import { chromiumAvailable, launchChromium } from "./chromium";

// In a real Chromium against the local stack: the "File appeal" button of a dispute whose appeal waits for a
// person, with its filing fee on the button and in the confirmation, filed through the emulator; and the outcomes
// page's charts per network and amount band and its table of the facts present in won and lost cases.

let browser: Browser;
let stack: TestStack;
let sql: pg.Pool;
let page: Page;
let appealId: string;

beforeAll(async () => {
	if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install -y chromium");
	browser = await launchChromium();
	stack = await startTestStack({ env: { APPEAL_FEES: "*:usd=50000" } });
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	({ id: appealId } = await seedWaitingAppeal(stack, sql));
	// Decided disputes with rebuttal's evidence, as the pipeline records them.
	const decided: [string, "won" | "lost", string, number, string[]][] = [
		["du_out_w1", "won", "visa", 4900, ["usage.after_charge", "purchase.ip"]],
		["du_out_w2", "won", "mastercard", 60000, ["usage.after_charge"]],
		["du_out_l1", "lost", "visa", 1500, ["purchase.ip"]],
	];
	for (const [id, outcome, network, amount, facts] of decided) {
		await sql.query(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage) values ($1, $2, 'usd', 'fraudulent', $3, $3)`,
			[id, amount, outcome],
		);
		await sql.query(
			`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
			 values ($1, '{}', $2::jsonb, 'n', 'template', 'fraudulent', 'file_x', 'k', 's', 1, 1)`,
			[id, JSON.stringify(facts.map((f) => ({ id: f, label: f, value: 1, display: "1", source: "merchant_db" })))],
		);
		await sql.query(
			`insert into rebuttal.dispute_outcomes (dispute_id, outcome, fought, source, reason, network, amount, currency, evidence_fields, dispute_created_at)
			 values ($1, $2, true, 'pipeline', 'fraudulent', $3, $4, 'usd', '[]', now())`,
			[id, outcome, network, amount],
		);
	}
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	page = await context.newPage();
	await page.goto(`${stack.workerUrl}/dashboard/login`);
	await page.getByLabel("Dashboard token").fill(stack.dashboardToken);
	await page.getByRole("button", { name: "Log in" }).click();
	await page.waitForURL(`${stack.workerUrl}/dashboard`);
}, 180_000);
afterAll(async () => {
	await browser?.close();
	await sql?.end();
	await stack?.stop();
});

describe("the appeal button", () => {
	it("is on the landing page and the dispute page with its fee, names the fee when confirming, and files once", async () => {
		const waiting = page.getByTestId("attention").locator("tr[data-kind=appeal]");
		expect(await waiting.getByRole("link", { name: "File appeal…" }).getAttribute("href")).toBe(
			`/dashboard/disputes/${appealId}/appeal`,
		);

		await page.goto(`${stack.workerUrl}/dashboard/disputes/${appealId}`);
		await page.getByRole("link", { name: "File appeal (filing fee $500.00)…" }).click();
		await page.waitForURL(`${stack.workerUrl}/dashboard/disputes/${appealId}/appeal`);
		expect(await page.locator("main").textContent()).toContain("The arbitration filing fee is $500.00");
		await page.getByLabel("I confirm").check();
		await page.locator("main form button[type=submit]").click();
		await page.waitForURL(`${stack.workerUrl}/dashboard/disputes/${appealId}?done=appeal`);
		expect(await page.getByTestId("stage").textContent()).toBe("appeal_submitted");
		expect(await page.locator("main").textContent()).toContain("appeal filed by dashboard (filing fee $500.00)");
		expect(await page.getByRole("link", { name: /File appeal/ }).count()).toBe(0);
		expect((await stackStripe(stack).disputes.retrieve(appealId)).status).toBe("appeal_under_review");

		// The confirmation, opened again from a stale tab, says the appeal is no longer available.
		const stale = await page.goto(`${stack.workerUrl}/dashboard/disputes/${appealId}/appeal`);
		expect(stale?.status()).toBe(409);
	});
});

describe("the outcomes page", () => {
	it("charts wins per network and amount band, and counts the facts present in won and lost cases", async () => {
		await page.goto(`${stack.workerUrl}/dashboard/outcomes`);
		const title = (testId: string) => page.getByTestId(testId).locator("svg[role=img] title").textContent();
		expect(await title("wins-network")).toBe(
			"Fought disputes won per network (bar: decided; label: won/decided): visa 1/2 won, mastercard 1/1 won",
		);
		expect(await title("wins-amount-band")).toContain("500 and more 1/1 won");
		const facts = page.getByTestId("facts-by-outcome");
		const rows = await facts
			.locator("tbody tr")
			.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
		expect(rows).toEqual([
			["fraudulent", "purchase.ip", "1/2", "1/1"],
			["fraudulent", "usage.after_charge", "2/2", "0/1"],
		]);
		expect(await facts.textContent()).not.toContain("%");
	});
});
