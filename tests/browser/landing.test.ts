import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack";
import { chromiumAvailable, launchChromium } from "./chromium";

// The landing page in a real Chromium against the local stack: what needs a person (a failure, a dispute awaiting
// review, a deadline within 48 hours) comes first, above the statistics, each with its dispute page and action.

let browser: Browser;
let stack: TestStack;
let sql: pg.Pool;
let page: Page;

beforeAll(async () => {
	if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install -y chromium");
	browser = await launchChromium();
	stack = await startTestStack({ env: { SUBMIT_MODE: "review" } });
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
	// Rows as the pipeline leaves them; no message is queued, so they stay where they are while the page is read.
	await sql.query(
		`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, due_by, failed_stage, last_error) values
		 ('du_land_failed', 4900, 'usd', 'fraudulent', 'needs_response', 'failed', $1, 'assemble', 'Stripe answered 500'),
		 ('du_land_review', 2500, 'usd', 'product_not_received', 'needs_response', 'awaiting_review', $2, null, null),
		 ('du_land_due', 1200, 'eur', 'duplicate', 'needs_response', 'skipped', $3, null, null),
		 ('du_land_soon', 1900, 'usd', 'general', 'needs_response', 'failed', $3, 'submit', 'timeout'),
		 ('du_land_calm', 900, 'usd', 'general', 'needs_response', 'submitted', $3, null, null),
		 ('du_land_staged', 3100, 'usd', 'fraudulent', 'needs_response', 'staged', $4, null, null)`,
		[hours(120), hours(30), hours(10), hours(20)],
	);
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

describe("the landing page", () => {
	it("lists what needs a person above the statistics, soonest deadline first", async () => {
		const attention = page.getByTestId("attention");
		await expect.poll(() => attention.getByRole("heading", { name: "Needs a person" }).count()).toBe(1);
		const rows = attention.locator("tbody tr");
		expect(
			await rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector("a")?.textContent, tr.dataset.kind])),
		).toEqual([
			["du_land_soon", "failed"],
			["du_land_staged", "deadline"],
			["du_land_review", "awaiting_review"],
			["du_land_failed", "failed"],
		]);
		const top = async (selector: string) => (await page.locator(selector).boundingBox())?.y ?? Number.NaN;
		expect(await top("[data-testid=attention]")).toBeLessThan(await top("section[aria-labelledby=stages]"));
		expect(await top("[data-testid=attention]")).toBeLessThan(await top("section[aria-labelledby=figures]"));
		expect(await attention.textContent()).toContain("Stripe answered 500");
		expect(await attention.textContent()).not.toContain("du_land_calm");
		expect(await attention.textContent()).not.toContain("du_land_due");
	});

	it("links each dispute to its page and its action's confirmation", async () => {
		const attention = page.getByTestId("attention");
		const deadline = attention.locator("tr[data-kind=deadline]");
		expect(await deadline.textContent()).toContain("due within 48 hours and not submitted yet");
		expect(await deadline.getByRole("link", { name: "Open…" }).getAttribute("href")).toBe(
			"/dashboard/disputes/du_land_staged",
		);
		const review = attention.locator("tr[data-kind=awaiting_review]");
		expect(await review.getByRole("link", { name: "du_land_review" }).getAttribute("href")).toBe(
			"/dashboard/disputes/du_land_review",
		);
		await review.getByRole("link", { name: "Approve and submit…" }).click();
		await page.waitForURL(`${stack.workerUrl}/dashboard/disputes/du_land_review/approve`);
		expect(await page.locator("main").textContent()).toContain("Submit the staged evidence to Stripe");

		await page.goto(`${stack.workerUrl}/dashboard`);
		await page
			.getByTestId("attention")
			.locator("tr", { hasText: "du_land_failed" })
			.getByRole("link", { name: "Retry…" })
			.click();
		await page.waitForURL(`${stack.workerUrl}/dashboard/disputes/du_land_failed/retry`);
		expect(await page.getByLabel("I confirm").count()).toBe(1);
	});
});
