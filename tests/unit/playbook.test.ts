import { describe, expect, it } from "vitest";
import type { AssessmentRow } from "../../lib/evidence/assess";
import { AUTO_SUBMIT_ACTOR, submissionPolicy } from "../../lib/evidence/assess";
import {
	complianceProgram,
	DISPUTE_REASONS,
	type DisputeReason,
	skipReasonOf,
} from "../../lib/evidence/dispute-reasons";
import { buildEvidenceFields } from "../../lib/evidence/fields";
import { keyFactCoverage, PLAYBOOKS, playbookFor } from "../../lib/evidence/playbooks";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { makeDispute, makeEvidenceCase } from "../support/stripe-fixtures";

// What rebuttal submits for each reason: the argument field, the file field for the report, the identifying
// fields, and how strong the case is, from realistic fixtures (a rich case with an account and usage, and a sparse
// one with Stripe data alone).
const EXPECTED: Record<DisputeReason, { argument: string; file: string; rich: string; sparse: string }> = {
	fraudulent: { argument: "uncategorized_text", file: "service_documentation", rich: "strong", sparse: "moderate" },
	unrecognized: { argument: "uncategorized_text", file: "service_documentation", rich: "strong", sparse: "moderate" },
	subscription_canceled: {
		argument: "cancellation_rebuttal",
		file: "service_documentation",
		rich: "strong",
		sparse: "too weak",
	},
	product_not_received: {
		argument: "uncategorized_text",
		file: "service_documentation",
		rich: "strong",
		sparse: "too weak",
	},
	product_unacceptable: {
		argument: "refund_refusal_explanation",
		file: "service_documentation",
		rich: "strong",
		sparse: "too weak",
	},
	credit_not_processed: {
		argument: "refund_refusal_explanation",
		file: "service_documentation",
		rich: "strong",
		sparse: "too weak",
	},
	duplicate: {
		argument: "duplicate_charge_explanation",
		file: "duplicate_charge_documentation",
		rich: "strong",
		sparse: "weak",
	},
	general: { argument: "uncategorized_text", file: "service_documentation", rich: "strong", sparse: "moderate" },
	customer_initiated: {
		argument: "uncategorized_text",
		file: "uncategorized_file",
		rich: "strong",
		sparse: "too weak",
	},
	debit_not_authorized: {
		argument: "uncategorized_text",
		file: "uncategorized_file",
		rich: "strong",
		sparse: "moderate",
	},
	bank_cannot_process: {
		argument: "uncategorized_text",
		file: "uncategorized_file",
		rich: "too weak",
		sparse: "too weak",
	},
	check_returned: { argument: "uncategorized_text", file: "uncategorized_file", rich: "too weak", sparse: "too weak" },
	incorrect_account_details: {
		argument: "uncategorized_text",
		file: "uncategorized_file",
		rich: "too weak",
		sparse: "too weak",
	},
	insufficient_funds: {
		argument: "uncategorized_text",
		file: "uncategorized_file",
		rich: "too weak",
		sparse: "too weak",
	},
	noncompliant: { argument: "uncategorized_text", file: "uncategorized_file", rich: "moderate", sparse: "moderate" },
};

function verdict(s: { strength: string; tooWeak: boolean }): string {
	return s.tooWeak ? "too weak" : s.strength;
}

describe("every Stripe reason has a playbook", () => {
	it("covers all fifteen reasons", () => {
		expect(DISPUTE_REASONS).toHaveLength(15);
		expect(Object.keys(PLAYBOOKS).sort()).toEqual([...DISPUTE_REASONS].sort());
		expect(playbookFor("something_new").reason).toBe("general");
	});
});

describe.each(DISPUTE_REASONS.map((r) => [r]))("playbook %s", (reason) => {
	const playbook = playbookFor(reason);
	const expected = EXPECTED[reason];

	it("names its argument field, its file field and the fields it fills", () => {
		expect(playbook.argumentField).toBe(expected.argument);
		expect(playbook.fileField).toBe(expected.file);
		expect(playbook.textFields).toContain(playbook.argumentField);
		expect(playbook.keyFacts.length).toBeGreaterThan(0);
		expect(playbook.argument).toMatch(/\.$/);
	});

	it("fills exactly the playbook's fields from a rich case, the report in the playbook's file field", () => {
		const c = makeEvidenceCase(reason, "rich");
		const narrative = writeTemplateNarrative(c);
		const fields = buildEvidenceFields(c, narrative, "file_report");
		expect(fields[playbook.fileField]).toBe("file_report");
		const filled = Object.keys(fields).filter((k) => k !== playbook.fileField);
		for (const name of filled) expect(playbook.textFields, `${name} is not a ${reason} field`).toContain(name);
		expect(fields[playbook.argumentField]).toContain(playbook.argument.slice(0, 30));
		expect(fields.customer_name).toBe("Jenny Rosen");
		expect(fields.customer_email_address).toBe("jenny.rosen@example.com");
		expect(fields.customer_purchase_ip).toBe("198.51.100.4");
		expect(fields.access_activity_log).toBeTruthy();
		expect(fields.product_description).toContain("Pro plan, monthly");
		expect(fields.billing_address).toBe("97201, US");
		// The rich case's key facts are nearly all there.
		expect(keyFactCoverage(playbook, c).present.length).toBeGreaterThan(0);
	});

	it.each([["rich" as const], ["sparse" as const]])("assesses the %s case", (variant) => {
		const assessment = playbook.strength(makeEvidenceCase(reason, variant));
		expect(verdict(assessment)).toBe(expected[variant]);
		if (assessment.strength !== "strong") expect(assessment.reason).toBeTruthy();
	});
});

describe("the facts decide when a case is too weak", () => {
	it("a cancellation recorded before the charge makes subscription_canceled too weak", () => {
		const c = makeEvidenceCase("subscription_canceled", "rich");
		const usage = c.usage!;
		const early = makeEvidenceCase("subscription_canceled", "rich", {
			usage: {
				...usage,
				byKind: usage.byKind.map((k) =>
					k.kind === "cancellation" ? { ...k, firstAt: "2026-02-01T00:00:00.000Z" } : k,
				),
			},
		});
		const a = playbookFor("subscription_canceled").strength(early);
		expect(a).toMatchObject({ tooWeak: true, reason: "the account records a cancellation before the charge" });
	});

	it.each(["credit_not_processed", "product_unacceptable", "duplicate", "fraudulent"])(
		"%s: a charge already refunded in full is too weak",
		(reason) => {
			const c = makeEvidenceCase(reason, "rich");
			const refunded = makeEvidenceCase(reason, "rich", {
				charge: { ...c.charge, refunded: true, amountRefunded: 2900 },
			});
			const a = playbookFor(reason).strength(refunded);
			expect(a.tooWeak).toBe(true);
			expect(a.reason).toMatch(/refunded in full/);
		},
	);

	it("fraud with nothing linking the cardholder (no account, no history, failed checks) is too weak", () => {
		const c = makeEvidenceCase("fraudulent", "sparse");
		const bare = makeEvidenceCase("fraudulent", "sparse", {
			charge: { ...c.charge, checks: { addressLine1: "fail", addressPostalCode: "fail", cvc: "unchecked" } },
		});
		const a = playbookFor("fraudulent").strength(bare);
		expect(a.tooWeak).toBe(true);
		expect(a.reason).toMatch(/nothing links the cardholder/);
	});
});

describe("inquiries, compliance cases and Klarna", () => {
	it("answers an inquiry (warning_needs_response) with the reason's playbook", () => {
		const d = makeDispute({ status: "warning_needs_response", reason: "general" });
		expect(skipReasonOf(d)).toBeNull();
		const c = makeEvidenceCase("general", "rich", {});
		expect(writeTemplateNarrative(c).fields.uncategorized_text).toBeTruthy();
	});

	it.each([
		["visa_compliance", makeDispute({ reason: "noncompliant", enhanced_eligibility_types: ["visa_compliance"] })],
		[
			"mastercard_compliance",
			makeDispute({
				reason: "noncompliant",
				enhanced_eligibility_types: [],
				payment_method_details: { card: { brand: "mastercard", network: "mastercard" } },
			}),
		],
		[null, makeDispute({ reason: "fraudulent" })],
	])("detects the compliance program %s", (program, dispute) => {
		expect(complianceProgram(dispute)).toBe(program);
	});

	it("marks and skips a Klarna inquiry: Klarna does not pass its evidence on", () => {
		const d = makeDispute({
			status: "warning_needs_response",
			payment_method_details: { type: "klarna", card: null },
		});
		expect(skipReasonOf(d)).toMatch(/Klarna inquiry/);
	});

	it("answers a Klarna chargeback: it takes evidence like a card chargeback", () => {
		const d = makeDispute({ status: "needs_response", payment_method_details: { type: "klarna", card: null } });
		expect(skipReasonOf(d)).toBeNull();
	});
});

function row(overrides: Partial<AssessmentRow> = {}): AssessmentRow {
	return {
		disputeId: "dp_1",
		playbook: "fraudulent",
		strength: "strong",
		tooWeak: false,
		weakReason: null,
		keyFacts: null,
		ce3: null,
		redFlags: null,
		wouldHelp: null,
		compliance: null,
		skipReason: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		...overrides,
	};
}

describe("submission policy", () => {
	const auto = { acceptWeak: false, autoMode: true, approvedBy: undefined };

	it("answers a strong case in auto mode without review", () => {
		expect(submissionPolicy(row(), auto)).toEqual({ action: "answer", enhanced: null, reviewReason: null });
	});

	it("answers a too-weak case with the best evidence by default", () => {
		const weak = row({ tooWeak: true, strength: "weak", weakReason: "no link" });
		expect(submissionPolicy(weak, auto).action).toBe("answer");
	});

	it("accepts a too-weak case when DISPUTE_ACCEPT_WEAK is on, in auto mode only", () => {
		const weak = row({ tooWeak: true, strength: "weak", weakReason: "no link" });
		expect(submissionPolicy(weak, { ...auto, acceptWeak: true })).toMatchObject({
			action: "accept",
			reason: expect.stringContaining("no link"),
		});
		expect(submissionPolicy(weak, { ...auto, acceptWeak: true, autoMode: false }).action).toBe("answer");
		expect(submissionPolicy(weak, { ...auto, acceptWeak: true, approvedBy: "ops" }).action).toBe("answer");
	});

	it("never submits a compliance case automatically and acknowledges the fee only on an operator's approval", () => {
		const compliance = row({ compliance: "visa_compliance", tooWeak: true, weakReason: "x" });
		const unapproved = submissionPolicy(compliance, { ...auto, acceptWeak: true });
		expect(unapproved).toMatchObject({ action: "answer", enhanced: null });
		expect(unapproved.action === "answer" && unapproved.reviewReason).toMatch(/network fee/);
		const approved = submissionPolicy(compliance, { ...auto, approvedBy: "ops@example.com" });
		expect(approved).toMatchObject({ action: "answer", enhanced: { visa_compliance: { fee_acknowledged: true } } });
		const system = submissionPolicy(compliance, { ...auto, approvedBy: "system" });
		expect(system).toMatchObject({ enhanced: null });
		const sweep = submissionPolicy(compliance, { ...auto, approvedBy: AUTO_SUBMIT_ACTOR });
		expect(sweep).toMatchObject({ enhanced: null, reviewReason: expect.stringMatching(/network fee/) });
	});

	it("skips a Klarna dispute with its reason", () => {
		expect(submissionPolicy(row({ skipReason: "Klarna dispute: …" }), auto)).toEqual({
			action: "skip",
			reason: "Klarna dispute: …",
		});
	});

	it("sends CE 3.0 enhanced evidence only when qualified", () => {
		const evidence = { disputed_transaction: {}, prior_undisputed_transactions: [] };
		const qualified = row({ ce3: { status: "qualified", matched: [], priorCharges: ["a", "b"], evidence } });
		expect(submissionPolicy(qualified, auto)).toMatchObject({ enhanced: { visa_compelling_evidence_3: evidence } });
		const failed = row({ ce3: { status: "not_qualified", failed: "no_matching_elements", detail: "" } });
		expect(submissionPolicy(failed, auto)).toMatchObject({ enhanced: null });
	});
});
