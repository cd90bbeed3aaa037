// Grades a staged or submitted dispute of a running Worker: its fields and evidence report from the operator API,
// the report's text by pdftotext, scored by the analyst's checklist (lib/grade).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Grade, gradeSubmission } from "../lib/grade/checklist";
import type { EvidenceTrace } from "../lib/narrative/trace";

interface DisputeView {
	evidence: {
		fields: Record<string, string>;
		playbook: string;
		pdf: { download: string };
		trace: EvidenceTrace | null;
	} | null;
}

export class GradeUnavailable extends Error {}

export async function gradeDispute(workerUrl: string, token: string, disputeId: string): Promise<Grade> {
	const headers = { authorization: `Bearer ${token}` };
	const response = await fetch(`${workerUrl}/api/disputes/${encodeURIComponent(disputeId)}`, { headers });
	if (response.status === 404) throw new GradeUnavailable(`no dispute ${disputeId}`);
	if (!response.ok) throw new GradeUnavailable(`GET /api/disputes/${disputeId} answered ${response.status}`);
	const view = (await response.json()) as DisputeView;
	const ev = view.evidence;
	if (!ev) throw new GradeUnavailable(`dispute ${disputeId} has no evidence staged yet`);
	if (!ev.trace) throw new GradeUnavailable(`dispute ${disputeId} was assembled before its record kept a trace`);
	const pdf = await fetch(`${workerUrl}${ev.pdf.download}`, { headers });
	if (!pdf.ok) throw new GradeUnavailable(`the evidence PDF answered ${pdf.status}`);
	const pages = pdfPages(new Uint8Array(await pdf.arrayBuffer()));
	const reportField =
		Object.entries(ev.fields).find(([, value]) => typeof value === "string" && value.startsWith("file_"))?.[0] ??
		"uncategorized_file";
	return gradeSubmission({
		subject: ev.trace.subject,
		fields: Object.fromEntries(Object.entries(ev.fields).filter(([, v]) => !String(v).startsWith("file_"))),
		files: [{ field: reportField, pages }],
	});
}

function pdfPages(bytes: Uint8Array): string[] {
	const dir = mkdtempSync(join(tmpdir(), "rebuttal-grade-"));
	try {
		const path = join(dir, "evidence.pdf");
		writeFileSync(path, bytes);
		return execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).split("\f").slice(0, -1);
	} catch (error) {
		throw new GradeUnavailable(
			`pdftotext could not read the report (${(error as Error).message}); install poppler-utils`,
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
