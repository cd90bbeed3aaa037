import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EvidenceCase, Narrative } from "../../lib/evidence/types";
import { type Grade, gradeSubmission } from "../../lib/grade/checklist";
import { gradeSubjectOf } from "../../lib/grade/subject";

/** Text of each page of a PDF, as pdftotext extracts it. */
export function pdfPageTexts(bytes: Uint8Array): string[] {
	const dir = mkdtempSync(join(tmpdir(), "rebuttal-grade-"));
	try {
		const path = join(dir, "evidence.pdf");
		writeFileSync(path, bytes);
		return execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).split("\f").slice(0, -1);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Grades what a case would submit: the narrative's fields and the rendered report in the given file field. */
export function gradeRendered(
	c: EvidenceCase,
	narrative: Narrative,
	pdf: Uint8Array,
	options: { reportField?: string; ce3Qualified?: boolean; hasMessages?: boolean } = {},
): Grade {
	return gradeSubmission({
		subject: gradeSubjectOf(c, options),
		fields: narrative.fields,
		files: [{ field: options.reportField ?? "uncategorized_file", pages: pdfPageTexts(pdf) }],
	});
}
