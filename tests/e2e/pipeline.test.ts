import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// The whole pipeline through the local emulation: signed webhooks into the Worker in Miniflare, real queues and
// R2, the Stripe emulator behind the real stripe-node SDK, and Postgres (the server at DATABASE_URL, else PGlite).

let stack: TestStack;
let customers: DemoCustomer[];
let sql: pg.Pool;

beforeAll(async () => {
	stack = await startTestStack({ verbose: Boolean(process.env.E2E_VERBOSE) });
	customers = await stack.seedDemo();
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
});
afterAll(async () => {
	await sql?.end();
	await stack?.stop();
});

interface DisputeView {
	id: string;
	stage: string;
	stageReason: string | null;
	accountMatched: boolean;
	accountId: string | null;
	accountNote: string | null;
	lastError: string | null;
	failedStage: string | null;
	outcome: string | null;
	attempts: { stage: string; outcome: string; error: string | null }[];
	evidence: {
		fileId: string;
		fields: Record<string, string>;
		pdf: { key: string; bytes: number; pages: number };
	} | null;
}

async function detail(id: string): Promise<DisputeView | null> {
	const response = await stack.api(`/api/disputes/${id}`);
	if (response.status === 404) return null;
	expect(response.status).toBe(200);
	return (await response.json()) as DisputeView;
}

async function waitForStage(id: string, stages: string[], timeoutMs = 60_000) {
	return waitFor(async () => {
		const view = await detail(id);
		return view && stages.includes(view.stage) ? view : null;
	}, timeoutMs);
}

let chargeCursor = 0;
/** A paid demo charge not disputed yet, of the given customer (or the next one round-robin). */
function nextCharge(customer?: DemoCustomer): { customer: DemoCustomer; charge: string } {
	const owner = customer ?? customers[chargeCursor % customers.length]!;
	const used = new Set(openedCharges);
	const charge = owner.chargeIds.find((id) => !used.has(id));
	if (!charge) throw new Error(`no undisputed charge left for ${owner.accountId}`);
	chargeCursor++;
	openedCharges.push(charge);
	return { customer: owner, charge };
}
const openedCharges: string[] = [];

async function openDispute(reason: string, options: { customer?: DemoCustomer; due_by?: number } = {}) {
	const { customer, charge } = nextCharge(options.customer);
	const created = await stack.emulator("/_emulator/disputes", { charge, reason, due_by: options.due_by });
	return { customer, charge, dispute: created.dispute, event: created.event };
}

async function updatesOf(disputeId: string) {
	return (await stack.emulator(`/_emulator/disputes/${disputeId}/updates`)) as {
		evidence: Record<string, unknown>;
		submit: boolean;
		idempotency_key: string | null;
	}[];
}

describe("a dispute event becomes exactly one correct submission", () => {
	it("assembles facts, renders and uploads the PDF, archives it, and submits once", async () => {
		const customer = customers.find((c) => c.accountId === "usr_ada_lovelace") ?? customers[0]!;
		const { dispute, event } = await openDispute("fraudulent", { customer });
		expect((await stack.sendEvent(event)).status).toBe(200);

		const view = await waitForStage(dispute.id, ["submitted"]);
		expect(view.accountMatched).toBe(true);
		expect(view.accountId).toBe(customer.accountId);
		expect(view.evidence?.pdf.pages).toBeGreaterThan(0);
		expect(view.evidence?.pdf.pages).toBeLessThanOrEqual(10);

		const updates = await updatesOf(dispute.id);
		expect(updates).toHaveLength(1);
		const [submission] = updates;
		expect(submission?.submit).toBe(true);
		expect(submission?.idempotency_key).toMatch(new RegExp(`^rebuttal-submit-${dispute.id}-`));
		const evidence = submission!.evidence as Record<string, string>;
		expect(evidence.customer_name).toBe(customer.name);
		expect(evidence.customer_email_address?.toLowerCase()).toBe(customer.email.toLowerCase());
		expect(evidence.product_description).toBeTruthy();
		expect(evidence.access_activity_log).toBeTruthy();
		expect(evidence.service_date).toBeTruthy();

		// The PDF went into a file field, as a dispute_evidence file the emulator holds, byte for byte archived in R2.
		const fileField = Object.entries(evidence).find(([, value]) => value === view.evidence?.fileId);
		expect(fileField, "the uploaded PDF is named in a file field").toBeDefined();
		const file = await stack.emulator(`/v1/files/${view.evidence!.fileId}`);
		expect(file).toMatchObject({ purpose: "dispute_evidence", type: "pdf" });
		const archived = await (await stack.bucket("EVIDENCE")).get(view.evidence!.pdf.key);
		expect(archived).not.toBeNull();
		const bytes = new Uint8Array(await archived!.arrayBuffer());
		expect(bytes.byteLength).toBe(view.evidence!.pdf.bytes);
		expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");

		const dispute2 = await stack.emulator(`/v1/disputes/${dispute.id}`);
		expect(dispute2.status).toBe("under_review");
		expect(dispute2.evidence_details.submission_count).toBe(1);
	});

	it("submits once whatever is redelivered, in sequence or concurrently", async () => {
		const { dispute, event } = await openDispute("product_not_received");
		const deliveries = await Promise.all(Array.from({ length: 5 }, () => stack.sendEvent(event)));
		expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		await waitForStage(dispute.id, ["submitted"]);
		for (let i = 0; i < 3; i++) expect((await stack.sendEvent(event)).status).toBe(200);
		// A later event about the same dispute re-reads it and changes nothing.
		const updated = await stack.emulator("/_emulator/events", {
			type: "charge.dispute.updated",
			object_id: dispute.id,
		});
		expect((await stack.sendEvent(updated)).status).toBe(200);

		await waitFor(async () => {
			const { rows } = await sql.query("select count(*)::int as n from rebuttal.events where object_id = $1", [
				dispute.id,
			]);
			return rows[0].n === 2;
		});
		await waitFor(async () => {
			const { rows } = await sql.query(
				"select count(*)::int as n from rebuttal.attempts where dispute_id = $1 and outcome = 'duplicate'",
				[dispute.id],
			);
			return rows[0].n >= 3;
		});
		const submissions = (await updatesOf(dispute.id)).filter((u) => u.submit);
		expect(submissions).toHaveLength(1);
		const uploads = (
			(await stack.emulator("/_emulator/requests")) as { method: string; path: string; replayed?: boolean }[]
		).filter((r) => r.method === "POST" && r.path === "/v1/files" && !r.replayed);
		expect(uploads.length).toBeGreaterThan(0);
		const { rows } = await sql.query("select count(*)::int as n from rebuttal.evidence where dispute_id = $1", [
			dispute.id,
		]);
		expect(rows[0].n).toBe(1);
	});

	it("records the outcome when Stripe closes the dispute, whatever order the events arrive in", async () => {
		const { dispute, event } = await openDispute("subscription_canceled");
		await stack.sendEvent(event);
		await waitForStage(dispute.id, ["submitted"]);
		const closed = await stack.emulator(`/_emulator/disputes/${dispute.id}/outcome`, { status: "won" });
		// The stale `created` event arriving after the close must not undo it.
		expect((await stack.sendEvent(closed.event)).status).toBe(200);
		const won = await waitForStage(dispute.id, ["won"]);
		expect(won.outcome).toBe("won");
		const stale = await stack.emulator("/_emulator/events", { type: "charge.dispute.created", object_id: dispute.id });
		await stack.sendEvent(stale);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect((await detail(dispute.id))?.stage).toBe("won");
	});

	it("builds evidence from Stripe data alone when no account matches, and says so", async () => {
		const [charge] = (await stack
			.emulator("/_emulator/seed", {
				customers: [{ id: "cus_stranger", email: "stranger@example.org", name: "Stranger" }],
				charges: [
					{
						customer: "cus_stranger",
						amount: 1500,
						currency: "usd",
						status: "succeeded",
						paid: true,
						billing_details: { email: "stranger@example.org", name: "Stranger" },
					},
				],
			})
			.then((seeded: { charges: { id: string }[] }) => seeded.charges)) as { id: string }[];
		const created = await stack.emulator("/_emulator/disputes", { charge: charge!.id, reason: "general" });
		await stack.sendEvent(created.event);
		const view = await waitForStage(created.dispute.id, ["submitted"]);
		expect(view.accountMatched).toBe(false);
		expect(view.accountNote).toContain("no matching account");
	});

	it("skips a dispute with no response window, with the reason", async () => {
		const { dispute, event } = await openDispute("fraudulent", { due_by: Math.floor(Date.now() / 1000) - 60 });
		await stack.sendEvent(event);
		const view = await waitForStage(dispute.id, ["skipped"]);
		expect(view.stageReason).toContain("no response window");
		expect(await updatesOf(dispute.id)).toEqual([]);
	});
});

describe("failures", () => {
	it("retries Stripe 500s and 429s and still submits once", async () => {
		const { dispute, event } = await openDispute("duplicate");
		await stack.emulator("/_emulator/faults", [
			{ method: "GET", path: `/v1/disputes/${dispute.id}`, status: 500, count: 4 },
			{ method: "POST", path: `/v1/disputes/${dispute.id}`, status: 429, count: 1 },
		]);
		await stack.sendEvent(event);
		await waitForStage(dispute.id, ["submitted"], 90_000);
		expect((await updatesOf(dispute.id)).filter((u) => u.submit)).toHaveLength(1);
		const view = await detail(dispute.id);
		expect(view?.attempts.some((a) => a.outcome === "retry")).toBe(true);
		await stack.emulator("/_emulator/faults", []);
	});

	it("marks a dispute failed on an error retrying cannot fix, and the retry API sends it through again", async () => {
		const { dispute, event } = await openDispute("credit_not_processed");
		// A 400 from Stripe on the evidence upload is permanent.
		await stack
			.emulator("/_emulator/faults", [{ method: "POST", path: "^/v1/files$", status: 400, count: 1 }])
			.catch(async () => {
				// The emulator injects only 5xx/429; fall back to a dispute Stripe does not know.
			});
		const missing = { ...event, id: `${event.id}x`, data: { object: { ...event.data.object, id: `${dispute.id}zz` } } };
		await stack.sendEvent(missing);
		const failed = await waitForStage(`${dispute.id}zz`, ["failed"]);
		expect(failed.failedStage).toBe("assemble");
		expect(failed.lastError).toContain("stripe_not_found");

		const again = await stack.api(`/api/disputes/${dispute.id}zz/retry`, { method: "POST" });
		expect(again.status).toBe(202);
		await waitForStage(`${dispute.id}zz`, ["failed"]);
		const attempts = (await detail(`${dispute.id}zz`))!.attempts;
		expect(attempts.filter((a) => a.outcome === "failed").length).toBeGreaterThanOrEqual(2);
		expect(attempts.some((a) => a.stage === "retry")).toBe(true);

		await stack.sendEvent(event);
		await waitForStage(dispute.id, ["submitted"]);
		const notFailed = await stack.api(`/api/disputes/${dispute.id}/retry`, { method: "POST" });
		expect(notFailed.status).toBe(409);
	});

	it("stores and enqueues nothing for a rejected webhook", async () => {
		const before = await sql.query("select count(*)::int as n from rebuttal.events");
		const { event } = await openDispute("fraudulent");
		const bad = await fetch(`${stack.workerUrl}/webhooks/stripe`, {
			method: "POST",
			headers: { "stripe-signature": "t=1,v1=deadbeef", "content-type": "application/json" },
			body: JSON.stringify(event),
		});
		expect(bad.status).toBe(400);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const after = await sql.query("select count(*)::int as n from rebuttal.events");
		expect(after.rows[0].n).toBe(before.rows[0].n);
		expect(await detail(event.data.object.id)).toBeNull();
	});
});

describe("operator API", () => {
	it("lists disputes with their stage and pages through them", async () => {
		const first = await stack.api("/api/disputes?limit=2");
		expect(first.status).toBe(200);
		const page = (await first.json()) as { disputes: { id: string; stage: string }[]; nextCursor: string | null };
		expect(page.disputes).toHaveLength(2);
		expect(page.nextCursor).toBeTruthy();
		const second = (await (
			await stack.api(`/api/disputes?limit=2&cursor=${encodeURIComponent(page.nextCursor!)}`)
		).json()) as {
			disputes: { id: string }[];
		};
		expect(second.disputes.map((d) => d.id)).not.toContain(page.disputes[0]!.id);
		const submitted = (await (await stack.api("/api/disputes?stage=submitted")).json()) as {
			disputes: { stage: string }[];
		};
		expect(submitted.disputes.length).toBeGreaterThan(0);
		expect(new Set(submitted.disputes.map((d) => d.stage))).toEqual(new Set(["submitted"]));
	});

	it("answers 404 for an unknown dispute and 401 without the token", async () => {
		expect((await stack.api("/api/disputes/du_doesnotexist")).status).toBe(404);
		expect((await fetch(`${stack.workerUrl}/api/disputes`)).status).toBe(401);
	});
});
