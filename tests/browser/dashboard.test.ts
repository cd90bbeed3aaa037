import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import type { Browser, BrowserContext, Page, Response as PageResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";
import { chromiumAvailable, launchChromium } from "./chromium";

// The dashboard in a real Chromium against the whole local stack: Worker in Miniflare with its queues, the Stripe
// emulator, Postgres. Screenshots go to a temporary directory, so `npm test` leaves the tree as it was;
// `npm run screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the README's.

const SCREENSHOTS = process.env.SCREENSHOTS_DIR
	? resolve(process.env.SCREENSHOTS_DIR)
	: mkdtempSync(join(tmpdir(), "rebuttal-screenshots-"));
const MARKUP_NAME = "<img src=x onerror=alert(1)>";

let browser: Browser;

beforeAll(async () => {
	if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install -y chromium");
	mkdirSync(SCREENSHOTS, { recursive: true });
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	if (!process.env.SCREENSHOTS_DIR) rmSync(SCREENSHOTS, { recursive: true, force: true });
});

async function openDispute(stack: TestStack, charge: string, reason: string) {
	const created = await stack.emulator("/_emulator/disputes", { charge, reason });
	expect((await stack.sendEvent(created.event)).status).toBe(200);
	return created.dispute.id as string;
}

async function stageOf(stack: TestStack, id: string): Promise<string | null> {
	const response = await stack.api(`/api/disputes/${id}`);
	if (response.status !== 200) return null;
	return ((await response.json()) as { stage: string }).stage;
}

async function waitForStage(stack: TestStack, id: string, stage: string, timeoutMs = 60_000) {
	await waitFor(async () => (await stageOf(stack, id)) === stage, timeoutMs);
}

async function login(context: BrowserContext, stack: TestStack): Promise<Page> {
	const page = await context.newPage();
	page.on("dialog", (dialog) => {
		throw new Error(`unexpected dialog: ${dialog.message()}`);
	});
	await page.goto(`${stack.workerUrl}/dashboard/login`);
	await page.getByLabel("Dashboard token").fill(stack.dashboardToken);
	await page.getByRole("button", { name: "Log in" }).click();
	await page.waitForURL(`${stack.workerUrl}/dashboard`);
	return page;
}

/** Follows a dispute action through its confirmation page. */
async function act(page: Page, label: string, reason?: string) {
	await page.getByRole("link", { name: `${label}…` }).click();
	if (reason) await page.getByLabel("Reason").fill(reason);
	await page.getByLabel("I confirm").check();
	await page.getByRole("button", { name: "Confirm" }).click();
}

describe("dashboard in auto mode", () => {
	let stack: TestStack;
	let customers: DemoCustomer[];
	let sql: pg.Pool;
	let context: BrowserContext;
	let page: Page;
	const alerts: string[] = [];

	beforeAll(async () => {
		stack = await startTestStack();
		customers = await stack.seedDemo();
		sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
		context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	});
	afterAll(async () => {
		await context?.close();
		await sql?.end();
		await stack?.stop();
	});

	it("redirects logged-out pages to the login and refuses a wrong token", async () => {
		const anonymous = await browser.newContext();
		const p = await anonymous.newPage();
		for (const path of ["/dashboard", "/dashboard/outcomes", "/dashboard/failed", "/dashboard/disputes/du_nope"]) {
			await p.goto(`${stack.workerUrl}${path}`);
			expect(new URL(p.url()).pathname).toBe("/dashboard/login");
		}
		await p.getByLabel("Dashboard token").fill("wrong-token-wrong-token");
		await p.getByRole("button", { name: "Log in" }).click();
		await expect.poll(() => p.getByRole("alert").textContent()).toContain("not right");
		expect(new URL(p.url()).pathname).toBe("/dashboard/login");
		await p.goto(`${stack.workerUrl}/dashboard`);
		expect(new URL(p.url()).pathname).toBe("/dashboard/login");
		await anonymous.close();
	});

	it("logs in with the right token and shows the overview", async () => {
		page = await login(context, stack);
		page.on("dialog", (d) => alerts.push(d.message()));
		await expect.poll(() => page.getByRole("heading", { name: "Overview" }).count()).toBe(1);
		const cookies = await context.cookies();
		const session = cookies.find((c) => c.name === "rebuttal_session");
		expect(session?.httpOnly).toBe(true);
		expect(session?.sameSite).toBe("Strict");
	});

	it("shows a customer name containing markup as text", async () => {
		await stack.emulator("/_emulator/seed", {
			customers: [{ id: "cus_markup", email: "markup@example.org", name: MARKUP_NAME }],
		});
		const seeded = await stack.emulator("/_emulator/seed", {
			charges: [
				{
					customer: "cus_markup",
					amount: 4900,
					currency: "usd",
					status: "succeeded",
					paid: true,
					billing_details: { email: "markup@example.org", name: MARKUP_NAME },
				},
			],
		});
		await sql.query(
			`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at, terms_accepted_at, terms_version)
			 values ('usr_markup', 'markup@example.org', $1, 'cus_markup', now() - interval '90 days', now() - interval '90 days', '2024-01')`,
			[MARKUP_NAME],
		);
		const id = await openDispute(stack, seeded.charges[0].id, "fraudulent");
		await waitForStage(stack, id, "submitted");
		await page.goto(`${stack.workerUrl}/dashboard/disputes/${id}`);
		const body = (await page.locator("main").textContent()) ?? "";
		expect(body).toContain(MARKUP_NAME);
		expect(await page.locator('img[src="x"]').count()).toBe(0);
		expect(alerts).toEqual([]);
	});

	it("previews the evidence PDF inline in its sandboxed frame and offers it as a download", async () => {
		const { disputes } = (await (await stack.api("/api/disputes?stage=submitted")).json()) as {
			disputes: { id: string }[];
		};
		const id = disputes[0]!.id;
		// The frame's own response; Chromium's viewer then reads the same URL again, which reports no headers.
		const answers: Record<string, string>[] = [];
		const collect = (r: PageResponse) => {
			if (!r.url().endsWith(`/api/disputes/${id}/evidence.pdf?preview=1`)) return;
			r.allHeaders().then(
				(h) => answers.push({ ...h, status: String(r.status()) }),
				() => {},
			);
		};
		page.on("response", collect);
		await page.goto(`${stack.workerUrl}/dashboard/disputes/${id}`);
		await page.locator("iframe.pdf").scrollIntoViewIfNeeded();
		// allHeaders(): the headers as received (headers() holds Chromium's provisional, filtered copy).
		await expect.poll(() => answers.some((h) => h["content-type"]), { timeout: 15_000 }).toBe(true);
		page.off("response", collect);
		const headers = answers.find((h) => h["content-type"])!;
		expect(headers.status).toBe("200");
		expect(headers["content-type"]).toBe("application/pdf");
		expect(headers["content-disposition"]).toMatch(/^inline;/);
		expect(headers["content-security-policy"]).toMatch(/^sandbox;/);
		// Chromium shows it: its PDF viewer opens inside the frame (an attachment would be downloaded instead).
		await expect
			.poll(() => page.frames().some((f) => f.url().startsWith("chrome-extension://")), { timeout: 15_000 })
			.toBe(true);
		const href = await page.getByRole("link", { name: "Download the PDF" }).getAttribute("href");
		expect(href).toBe(`/api/disputes/${id}/evidence.pdf`);
		const download = await page.request.get(`${stack.workerUrl}${href}`);
		expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
		expect((await download.body()).subarray(0, 5).toString()).toBe("%PDF-");
	});

	it("shows the operator the facts behind the letter, kept apart from the text the issuer reads", async () => {
		const { disputes } = (await (await stack.api("/api/disputes?stage=submitted")).json()) as {
			disputes: { id: string }[];
		};
		const id = disputes[0]!.id;
		const detail = (await (await stack.api(`/api/disputes/${id}`)).json()) as {
			evidence: { trace: { letter: { points: { factIds: string[] }[] } } | null } | null;
		};
		const points = detail.evidence!.trace!.letter.points;
		const cited = points.flatMap((p) => p.factIds);
		expect(cited.length).toBeGreaterThan(0);
		await page.goto(`${stack.workerUrl}/dashboard/disputes/${id}`);
		const facts = page.locator("details", { hasText: "Facts behind the letter" });
		await facts.locator("summary").click();
		await expect.poll(() => facts.locator("ol > li").count()).toBe(points.length);
		expect(await facts.locator("ol").isVisible()).toBe(true);
		const shown = (await facts.textContent()) ?? "";
		for (const factId of cited) expect(shown).toContain(factId);
		expect(shown).toContain("Paragraphs cite:");
		// The narrative the issuer reads names no fact id.
		const narrative = (await page.locator(".case").textContent()) ?? "";
		for (const factId of cited) expect(narrative).not.toContain(factId);
	});

	it("marks every /api JSON answer no-store and nosniff", async () => {
		for (const path of ["/api/disputes", "/api/early-fraud-warnings"]) {
			const response = await stack.api(path);
			expect(response.status).toBe(200);
			expect(response.headers.get("cache-control")).toBe("no-store");
			expect(response.headers.get("x-content-type-options")).toBe("nosniff");
		}
	});

	it("finds a failed dispute, retries it and watches it reach submitted", async () => {
		// A dispute Stripe does not know (yet): retrieving it is a 404, a permanent failure.
		const id = "du_browser_retry";
		const event = {
			id: "evt_browser_retry",
			object: "event",
			api_version: "2024-06-20",
			created: Math.floor(Date.now() / 1000),
			type: "charge.dispute.created",
			data: { object: { id, object: "dispute" } },
			livemode: false,
			pending_webhooks: 1,
			request: { id: null, idempotency_key: null },
		};
		expect((await stack.sendEvent(event)).status).toBe(200);
		await waitForStage(stack, id, "failed");

		await page.goto(`${stack.workerUrl}/dashboard/failed`);
		const row = page.getByRole("row", { name: new RegExp(id) });
		await expect.poll(() => row.textContent()).toContain("retrieve dispute");
		await row.getByRole("link", { name: id }).click();
		await expect.poll(() => page.getByTestId("stage").textContent()).toBe("failed");

		// The failure goes away: the dispute now exists at Stripe.
		await stack.emulator("/_emulator/seed", {
			disputes: [{ id, charge: customers[1]!.chargeIds[0], reason: "product_not_received", amount: 2900 }],
		});
		await act(page, "Retry");
		expect(await page.getByText("Retry: done").count()).toBe(1);
		// The page refreshes itself while the dispute is in flight.
		await page.waitForFunction(
			() => document.querySelector('[data-testid="stage"]')?.textContent === "submitted",
			undefined,
			{ timeout: 60_000, polling: 500 },
		);
		const { rows } = await sql.query(
			"select actor from rebuttal.attempts where dispute_id = $1 and stage = 'retry' and outcome = 'ok'",
			[id],
		);
		expect(rows).toEqual([{ actor: "dashboard" }]);
		await page.setViewportSize({ width: 1280, height: 1700 });
		await page.screenshot({ path: join(SCREENSHOTS, "dispute.png") });
		await page.setViewportSize({ width: 1280, height: 900 });
	});

	it("refuses a state-changing POST without the CSRF token", async () => {
		const target = `${stack.workerUrl}/dashboard/disputes/du_browser_retry/skip`;
		const missing = await page.request.post(target, { form: { confirm: "yes", reason: "csrf probe" } });
		expect(missing.status()).toBe(403);
		const forged = await page.request.post(target, {
			form: { confirm: "yes", reason: "csrf probe", _csrf: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
		});
		expect(forged.status()).toBe(403);
		const api = await page.request.post(`${stack.workerUrl}/api/disputes/du_browser_retry/retry`);
		expect(api.status()).toBe(403);
		expect(await stageOf(stack, "du_browser_retry")).toBe("submitted");
	});

	it("skips a dispute with a reason, and shows outcomes and the dispute ratio", async () => {
		// Charges recorded from charge.succeeded events make the ratio's denominator.
		for (const customer of customers) {
			for (const charge of customer.chargeIds.slice(0, 8)) {
				const event = await stack.emulator("/_emulator/events", { type: "charge.succeeded", object_id: charge });
				expect((await stack.sendEvent(event)).status).toBe(200);
			}
		}
		const decided: [string, "won" | "lost"][] = [];
		for (const [i, reason] of (["fraudulent", "subscription_canceled", "product_not_received"] as const).entries()) {
			const id = await openDispute(stack, customers[i % customers.length]!.chargeIds[2 + i]!, reason);
			decided.push([id, i === 1 ? "lost" : "won"]);
		}
		for (const [id, outcome] of decided) {
			await waitForStage(stack, id, "submitted");
			const closed = await stack.emulator(`/_emulator/disputes/${id}/outcome`, { status: outcome });
			await stack.sendEvent(closed.event);
			await waitForStage(stack, id, outcome);
		}

		// Skip needs a dispute that has not gone out: make one whose assembly fails.
		const skipped = "du_browser_skip";
		await stack.sendEvent({
			id: "evt_browser_skip",
			object: "event",
			created: Math.floor(Date.now() / 1000),
			type: "charge.dispute.created",
			data: { object: { id: skipped, object: "dispute" } },
		});
		await waitForStage(stack, skipped, "failed");
		await page.goto(`${stack.workerUrl}/dashboard/disputes/${skipped}`);
		await act(page, "Skip (accept)", "duplicate of a refunded order");
		await expect.poll(() => page.getByTestId("stage").textContent()).toBe("skipped");
		const { rows } = await sql.query(
			"select actor, detail from rebuttal.attempts where dispute_id = $1 and stage = 'skip'",
			[skipped],
		);
		expect(rows).toEqual([{ actor: "dashboard", detail: { reason: "duplicate of a refunded order" } }]);

		await waitFor(async () => {
			const { rows: r } = await sql.query("select count(*)::int as n from rebuttal.charges");
			return r[0].n > 0;
		});
		await page.goto(`${stack.workerUrl}/dashboard/outcomes`);
		const main = (await page.locator("main").textContent()) ?? "";
		expect(main).toContain("Visa VAMP excessive at 1.5 %");
		expect(main).toContain("Mastercard ECM at 1.5 %");
		expect(main).toContain("Mastercard HECM at 3.0 %");
		expect(main).not.toContain("0.9 %");
		expect(main).toMatch(/\d+ disputes created \/ \d+ successful charges recorded/);
		expect(await page.locator("svg[role=img]").count()).toBeGreaterThanOrEqual(3);
		await page.screenshot({ path: join(SCREENSHOTS, "outcomes.png"), fullPage: true });

		await page.goto(`${stack.workerUrl}/dashboard`);
		await page.waitForFunction(() => !document.querySelector('meta[http-equiv="refresh"]'), undefined, {
			timeout: 60_000,
			polling: 1000,
		});
		await page.screenshot({ path: join(SCREENSHOTS, "overview.png"), fullPage: true });
	});

	it("logs out, and the session's cookie replayed afterwards no longer works", async () => {
		await page.goto(`${stack.workerUrl}/dashboard`);
		const cookie = (await context.cookies()).find((c) => c.name === "rebuttal_session");
		expect(cookie).toBeDefined();
		await page.getByRole("button", { name: "Log out", exact: true }).click();
		await page.waitForURL(/\/dashboard\/login/);
		await page.goto(`${stack.workerUrl}/dashboard/outcomes`);
		expect(new URL(page.url()).pathname).toBe("/dashboard/login");

		// Someone who copied the cookie before the logout: a fresh browser carrying it is sent to the login too.
		const replay = await browser.newContext();
		try {
			await replay.addCookies([cookie!]);
			const p = await replay.newPage();
			await p.goto(`${stack.workerUrl}/dashboard/outcomes`);
			expect(new URL(p.url()).pathname).toBe("/dashboard/login");
			const api = await p.request.get(`${stack.workerUrl}/api/disputes`);
			expect(api.status()).toBe(401);
		} finally {
			await replay.close();
		}
	});

	it("logs out everywhere: another browser's session ends as well", async () => {
		const laptop = await browser.newContext();
		const phone = await browser.newContext();
		try {
			const onLaptop = await login(laptop, stack);
			const onPhone = await login(phone, stack);
			await onPhone.goto(`${stack.workerUrl}/dashboard/outcomes`);
			expect(new URL(onPhone.url()).pathname).toBe("/dashboard/outcomes");
			await onLaptop.getByRole("button", { name: "Log out everywhere" }).click();
			await onLaptop.waitForURL(/\/dashboard\/login\?bye=all/);
			expect(await onLaptop.getByText("You are logged out everywhere.").count()).toBe(1);
			await onPhone.goto(`${stack.workerUrl}/dashboard/outcomes`);
			expect(new URL(onPhone.url()).pathname).toBe("/dashboard/login");
			// Logging in again works.
			const again = await login(phone, stack);
			expect(new URL(again.url()).pathname).toBe("/dashboard");
		} finally {
			await laptop.close();
			await phone.close();
		}
	});
});

describe("dashboard in review mode", () => {
	let stack: TestStack;
	let customers: DemoCustomer[];

	beforeAll(async () => {
		stack = await startTestStack({ env: { SUBMIT_MODE: "review" } });
		customers = await stack.seedDemo();
	});
	afterAll(async () => {
		await stack?.stop();
	});

	it("approves a staged dispute, which is then submitted", async () => {
		const id = await openDispute(stack, customers[0]!.chargeIds[0]!, "fraudulent");
		await waitForStage(stack, id, "awaiting_review");
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		try {
			const page = await login(context, stack);
			await page.goto(`${stack.workerUrl}/dashboard/disputes?stage=awaiting_review`);
			await page.getByRole("link", { name: id }).click();
			await act(page, "Approve and submit");
			await page.waitForFunction(
				() => document.querySelector('[data-testid="stage"]')?.textContent === "submitted",
				undefined,
				{ timeout: 60_000, polling: 500 },
			);
			const updates = (await stack.emulator(`/_emulator/disputes/${id}/updates`)) as { submit: boolean }[];
			expect(updates.filter((u) => u.submit)).toHaveLength(1);
			const detail = (await (await stack.api(`/api/disputes/${id}`)).json()) as {
				attempts: { stage: string; actor: string }[];
			};
			expect(detail.attempts.find((a) => a.stage === "approve")?.actor).toBe("dashboard");
		} finally {
			await context.close();
		}
	});
});
