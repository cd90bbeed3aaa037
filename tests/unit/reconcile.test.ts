import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { reconcile, responseWindowProblem } from "../../lib/dispute/reconcile";
import type { Stage } from "../../schema";

const now = new Date("2026-06-01T12:00:00Z");
const inDays = (days: number) => Math.floor(now.getTime() / 1000) + days * 86_400;

function dispute(status: string, evidence: { due_by?: number | null; submission_count?: number } = {}) {
	return {
		id: "du_test",
		status,
		evidence_details: {
			due_by: "due_by" in evidence ? evidence.due_by : inDays(7),
			submission_count: evidence.submission_count ?? 0,
			has_evidence: false,
			past_due: false,
		},
	} as unknown as Stripe.Dispute;
}

describe("reconcile", () => {
	it.each<[string, string, Stage, string]>([
		["a new open dispute", "needs_response", "received", "assemble"],
		["an open inquiry", "warning_needs_response", "received", "assemble"],
		["a pass cut short while assembling", "needs_response", "assembling", "assemble"],
		["evidence staged but not handed on", "needs_response", "staged", "resume_submit"],
		["a dispute awaiting review", "needs_response", "awaiting_review", "none"],
		["a failed dispute (operators retry it)", "needs_response", "failed", "none"],
		["a dispute Stripe decided for the merchant", "won", "submitted", "close"],
		["a dispute lost before we submitted", "lost", "received", "close"],
		["a submission Stripe confirms", "under_review", "submitting", "mark_submitted"],
		["our own submission", "under_review", "submitted", "none"],
		["evidence someone sent by hand", "under_review", "received", "skip"],
		["a closed inquiry", "warning_closed", "received", "skip"],
		["a refunded charge", "charge_refunded", "staged", "skip"],
	])("%s (%s at %s) → %s", (_name, status, stage, action) => {
		expect(reconcile(dispute(status), stage, now).action).toBe(action);
	});

	it("records won or lost as the outcome", () => {
		expect(reconcile(dispute("won"), "submitted", now)).toEqual({ action: "close", stage: "won", outcome: "won" });
		expect(reconcile(dispute("lost"), "submitted", now)).toEqual({ action: "close", stage: "lost", outcome: "lost" });
	});

	it.each<[string, number | null]>([
		["no due_by", null],
		["due_by 0", 0],
		["due_by in the past", inDays(-1)],
		["due_by exactly now", Math.floor(now.getTime() / 1000)],
	])("skips an open dispute with %s", (_name, dueBy) => {
		const verdict = reconcile(dispute("needs_response", { due_by: dueBy }), "received", now);
		expect(verdict).toMatchObject({
			action: "skip",
			reason: { message: expect.stringContaining("no response window") },
		});
	});

	it("treats an already submitted open dispute as having no window", () => {
		expect(responseWindowProblem(dispute("needs_response", { submission_count: 1 }), now)?.message).toContain(
			"already submitted",
		);
	});
});
