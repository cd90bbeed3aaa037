import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reportFileField } from "../../lib/evidence/fields";
import type { EvidenceCase, Narrative } from "../../lib/evidence/types";
import { formatGrade, gradeSubmission } from "../../lib/grade/checklist";
import { gradeSubjectOf } from "../../lib/grade/subject";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { renderEvidencePdf } from "../../lib/pdf/render";
import { gradeRendered, pdfPageTexts } from "../support/grade";
import { builtCaseFor } from "../support/letter-fixtures";

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};

async function submission(c: EvidenceCase, n = writeTemplateNarrative(c)) {
	const reportField = reportFileField(c.dispute.reason);
	const pdf = await renderEvidencePdf(c, n, { fonts, reportField });
	return { n, pdf: pdf.bytes, reportField };
}

describe("the grader", () => {
	it.each([
		["fraudulent", "10.4"],
		["unrecognized", "10.4"],
		["subscription_canceled", "13.2"],
		["product_not_received", "13.1"],
		["duplicate", "12.6"],
	])(
		"passes every counted check of a good %s case (%s), reporting only evidence rebuttal does not make yet",
		async (reason, code) => {
			const base = builtCaseFor(reason);
			const c = builtCaseFor(reason, { dispute: { ...base.dispute, networkReasonCode: code } });
			const { n, pdf, reportField } = await submission(c);
			const grade = gradeRendered(c, n, pdf, { reportField });
			// The cancellation policy's disclosure comes from the merchant's published policies, which this case has not.
			const expected = reason === "subscription_canceled" ? ["field.cancellation_policy_disclosure"] : [];
			expect(grade.missing.filter((m) => !m.advisory).map((m) => m.id)).toEqual(expected);
			expect(grade.score).toBe(grade.total - expected.length);
			expect(grade.total).toBeGreaterThanOrEqual(12);
			// Advisory: the receipt file is made by other evidence documents, not by the report.
			expect(grade.missing.map((m) => m.id)).toContain("file.receipt");
			expect(formatGrade(grade)).toContain("· a receipt file: no file in receipt");
		},
	);

	it("reports every artefact, the quoted label, a stray amount and a repeated paragraph of a bad case", async () => {
		const c = builtCaseFor("fraudulent");
		const good = writeTemplateNarrative(c);
		const repeated =
			"The customer kept using the service for months after the payment and never asked for a refund at all.";
		const bad: Narrative = {
			...good,
			fields: {
				...good.fields,
				uncategorized_text: `The cardholder disputes it as “fraudulent”. They paid 2 payment(s) of $999.00 (facts: prior.count). ${repeated} ${repeated}`,
				product_description: "",
			},
		};
		const { pdf, reportField } = await submission(c, good);
		const grade = gradeRendered(c, bad, pdf, { reportField });
		const missing = new Map(grade.missing.map((m) => [m.id, m.detail ?? ""]));
		expect(missing.get("text.artefacts")).toContain("a “(s)” plural in field uncategorized_text");
		expect(missing.get("text.artefacts")).toContain("a fact id in field uncategorized_text");
		expect(missing.get("text.labels")).toContain("field uncategorized_text");
		expect(missing.get("text.amounts")).toContain("$999.00 in field uncategorized_text");
		expect(missing.get("text.repeats")).toContain("The customer kept using the service");
		expect(missing.has("field.product_description")).toBe(true);
		expect(grade.score).toBeLessThan(grade.total);
		expect(formatGrade(grade)).toMatch(/✗ no machine artefacts: a “\(s\)” plural/);
	});

	it("fails page 1 when it lacks the amount, the reason code or the decisive facts", () => {
		const c = builtCaseFor("fraudulent");
		const grade = gradeSubmission({
			subject: gradeSubjectOf(c),
			fields: { product_description: "Team plan, $149.00 a quarter.", access_activity_log: "1,872 events." },
			files: [{ field: "uncategorized_file", pages: ["Evidence for a dispute. The customer is real.", "More."] }],
		});
		const ids = grade.missing.map((m) => m.id);
		for (const id of [
			"page1.amount",
			"page1.date",
			"page1.card",
			"page1.reason_code",
			"page1.facts",
			"page1.key_fact",
		]) {
			expect(ids, id).toContain(id);
		}
		expect(grade.missing.find((m) => m.id === "page1.facts")?.detail).toBe("page 1 has 0 numbered, dated facts");
	});

	it("expects the fields of the reason: a cancellation case without its rebuttal and policy disclosure", async () => {
		const c = builtCaseFor("subscription_canceled");
		const { n, pdf, reportField } = await submission(c);
		const { cancellation_rebuttal: _r, ...fields } = n.fields;
		const grade = gradeSubmission({
			subject: gradeSubjectOf(c),
			fields,
			files: [{ field: reportField, pages: pdfPageTexts(pdf) }],
		});
		expect(grade.missing.map((m) => m.id)).toEqual(
			expect.arrayContaining([
				"field.cancellation_rebuttal",
				"field.cancellation_policy_disclosure",
				"file.cancellation_policy",
			]),
		);
	});
});
