import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile, stripeHandlesEvidence } from "../../lib/dispute/reconcile";
import { RetryableError } from "../../lib/errors";
import type { NotifyMessage } from "../../lib/lifecycle/messages";
import { buildPayload, deliverNotification, redact } from "../../lib/lifecycle/notify";
import { sweepDeadlines } from "../../lib/lifecycle/sweep";
import type { AssembleMessage, SubmitMessage } from "../../lib/messages";
import { openTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
beforeAll(async () => {
	database = await openTestDatabase();
});
afterAll(async () => database?.close());

const now = new Date("2026-05-01T12:00:00Z");
const dispute = (patch: Record<string, unknown> = {}) =>
	({
		id: "du_x",
		status: "needs_response",
		intended_submission_method: null,
		evidence_details: {
			due_by: now.getTime() / 1000 + 86_400 * 5,
			submission_count: 0,
			submission_method: "not_submitted",
		},
		...patch,
	}) as unknown as Stripe.Dispute;

describe("coexistence with Stripe Smart Disputes", () => {
	it("skips a dispute Stripe handles, with the reason, but never one rebuttal already submitted", () => {
		for (const intended of ["smart_disputes", "prefer_smart_disputes"]) {
			const d = dispute({ intended_submission_method: intended });
			expect(stripeHandlesEvidence(d)?.message).toContain(intended);
			expect(reconcile(d, "received", now)).toMatchObject({ action: "skip" });
			expect(reconcile(d, "staged", now)).toMatchObject({ action: "skip" });
			expect(reconcile(d, "submitted", now)).toEqual({ action: "none" });
		}
		for (const intended of [null, "manual", "prefer_manual"]) {
			expect(stripeHandlesEvidence(dispute({ intended_submission_method: intended }))).toBeNull();
		}
		const bySmart = dispute({
			status: "under_review",
			evidence_details: { due_by: 1, submission_count: 1, submission_method: "smart_disputes" },
		});
		expect(reconcile(bySmart, "received", now)).toEqual({
			action: "skip",
			reason: { code: "smart_disputes_submitted", message: expect.stringContaining("Stripe Smart Disputes submitted") },
		});
	});
});

describe("notifications", () => {
	it("redacts anything that looks like a secret", () => {
		const text = redact("key sk_live_abc123 whsec_xyz postgres://u:p@h/db Bearer tok sk-ant-api03-zz");
		expect(text).not.toMatch(/sk_live_abc|whsec_xyz|u:p@h|tok|sk-ant/);
	});

	it("builds Slack-compatible text and blocks", () => {
		const payload = buildPayload(
			"deadline",
			{
				id: "du_1",
				amount: 14900,
				currency: "usd",
				reason: "fraudulent",
				stripeAccount: "acct_1",
				dueBy: new Date(now.getTime() + 5 * 3600_000),
				stage: "failed",
				stageReason: null,
				lastError: "stripe_rejected: sk_test_leak",
			} as never,
			now,
		);
		expect(payload.text).toContain("du_1");
		expect(payload.text).toContain("$149.00");
		expect(payload.text).toContain("5 h left");
		expect(payload.blocks?.[0]?.type).toBe("section");
		expect(JSON.stringify(payload)).not.toContain("sk_test_leak");
	});

	describe.each([
		// A notice once divided every amount by 100: a ¥5,000 dispute was announced as ¥50.
		[500000, "jpy", "¥500,000"],
		[12000, "krw", "₩12,000"],
		[150000, "ugx", "UGX 150,000"],
		[1250, "kwd", "KWD 1.250"],
		[14900, "usd", "$149.00"],
	])("announces %i %s", (amount, currency, expected) => {
		it(`as ${expected}`, () => {
			const payload = buildPayload(
				"new_dispute",
				{
					id: "du_1",
					amount,
					currency,
					reason: "fraudulent",
					stripeAccount: null,
					dueBy: null,
					stage: "received",
				} as never,
				now,
			);
			expect(payload.text.replace(/\u00a0/g, " ")).toContain(expected);
		});
	});

	it("escapes Slack control sequences in every value it interpolates", () => {
		const payload = buildPayload(
			"failed",
			{
				id: "du_<!channel>",
				amount: 100,
				currency: "usd",
				reason: "<!here> fraudulent",
				stripeAccount: "acct_<https://evil.example|click>",
				dueBy: null,
				stage: "failed",
				stageReason: "<@U123> & <#C1>",
				lastError: "<https://evil.example|click here>",
			} as never,
			now,
		);
		const everything = JSON.stringify(payload);
		for (const raw of ["<!channel>", "<!here>", "<https://evil.example|", "<@U123>", "<#C1>", " & "]) {
			expect(everything).not.toContain(raw);
		}
		expect(payload.text).toContain("du_&lt;!channel&gt;");
		expect(payload.text).toContain("&amp;");
	});

	it("retries 429, 5xx and unreachable endpoints, gives up on other 4xx", async () => {
		const message: NotifyMessage = { kind: "won", disputeId: "du_1", payload: { text: "hi" } };
		const answer = (status: number) => async () => new Response("", { status });
		await expect(deliverNotification("http://x", message, answer(200))).resolves.toBeUndefined();
		await expect(deliverNotification("http://x", message, answer(503))).rejects.toBeInstanceOf(RetryableError);
		await expect(deliverNotification("http://x", message, answer(429))).rejects.toBeInstanceOf(RetryableError);
		await expect(deliverNotification("http://x", message, answer(404))).rejects.toMatchObject({ retryable: false });
		const down = async () => {
			throw new TypeError("fetch failed");
		};
		await expect(deliverNotification("http://x", message, down)).rejects.toBeInstanceOf(RetryableError);
	});
});

describe("deadline sweep in review mode", () => {
	const queues = () => {
		const assemble: AssembleMessage[] = [];
		const submit: SubmitMessage[] = [];
		return {
			assemble,
			submit,
			assembleQueue: { send: async (m: AssembleMessage) => void assemble.push(m) },
			submitQueue: { send: async (m: SubmitMessage) => void submit.push(m) },
		};
	};
	const insert = async (id: string, dueInHours: number) =>
		database.exec(
			`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, due_by, updated_at)
			 values ($1, 100, 'usd', 'general', 'needs_response', 'awaiting_review', $2, $3)`,
			[id, new Date(now.getTime() + dueInHours * 3600_000).toISOString(), now.toISOString()],
		);

	it("submits automatically within REVIEW_AUTOSUBMIT_HOURS of due_by, never after it", async () => {
		await insert("du_soon", 3);
		await insert("du_later", 30);
		await insert("du_past", -1);
		const q = queues();
		const report = await sweepDeadlines({
			db: database.db,
			...q,
			config: { SUBMIT_MODE: "review", REVIEW_AUTOSUBMIT_HOURS: 4 },
			now: () => now,
		});
		expect(report.autoSubmitted).toEqual(["du_soon"]);
		expect(q.submit).toEqual([{ disputeId: "du_soon", stripeAccount: null, approvedBy: "auto-submit" }]);
	});

	it("never auto-submits a compliance case: its network fee is flagged for a person", async () => {
		await insert("du_compliance", 2);
		await database.exec(
			`insert into rebuttal.assessments (dispute_id, playbook, strength, compliance)
			 values ('du_compliance', 'noncompliant', 'moderate', 'visa_compliance')`,
		);
		const q = queues();
		const report = await sweepDeadlines({
			db: database.db,
			...q,
			config: { SUBMIT_MODE: "review", REVIEW_AUTOSUBMIT_HOURS: 4 },
			now: () => now,
		});
		expect(report.autoSubmitted).not.toContain("du_compliance");
		expect(report.reviewFlagged).toContain("du_compliance");
		expect(q.submit.map((m) => m.disputeId)).not.toContain("du_compliance");
		const { rows } = await database.exec(
			"select error from rebuttal.attempts where dispute_id = 'du_compliance' and stage = 'sweep'",
		);
		expect(String(rows[0]?.error)).toContain("visa_compliance case");
	});

	it("flags loudly instead when REVIEW_AUTOSUBMIT_HOURS is unset", async () => {
		await insert("du_flag", 5);
		const q = queues();
		const deps = { db: database.db, ...q, config: { SUBMIT_MODE: "review" as const }, now: () => now };
		const report = await sweepDeadlines(deps);
		expect(report.reviewFlagged).toContain("du_flag");
		expect(q.submit.map((m) => m.disputeId)).not.toContain("du_flag");
		await sweepDeadlines(deps);
		const { rows } = await database.exec(
			"select error from rebuttal.attempts where dispute_id = 'du_flag' and stage = 'sweep'",
		);
		expect(rows).toHaveLength(1);
		expect(String(rows[0]?.error)).toContain("approve it before");
	});
});
