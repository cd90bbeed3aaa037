import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeDispute } from "../../local/grade-client";
import type { DemoCustomer } from "../../local/seed";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// The demo dispute's evidence PDF through the operator API: archived under an unguessable key, downloadable with
// the bearer token only, with the thumbnails of what the customer made (the demo seed puts PNGs in ARTIFACTS).

let stack: TestStack;
let customers: DemoCustomer[];
const workDir = mkdtempSync(join(tmpdir(), "rebuttal-e2e-pdf-"));

beforeAll(async () => {
	stack = await startTestStack({ verbose: Boolean(process.env.E2E_VERBOSE) });
	customers = await stack.seedDemo();
});
afterAll(async () => {
	await stack?.stop();
	rmSync(workDir, { recursive: true, force: true });
});

interface DisputeView {
	stage: string;
	evidence: {
		pdf: { key: string; bytes: number; pages: number; sha256: string; download: string };
		fields: Record<string, string>;
		trace: {
			letter: { points: { text: string; factIds: string[] }[] };
			exhibits: { number: number; title: string; field: string }[];
			paragraphs: { factIds: string[] }[];
			findings: string[];
		} | null;
	} | null;
}

/** A fact id as the case builder writes them: `account.signup_ip`, `usage.kind.login.count`. */
const FACT_ID =
	/\b(?:dispute|charge|customer|account|usage|access|purchase|prior|login|service|use|artifacts|cancellation|refund|country|merchant)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b/;

describe("the evidence PDF through the operator API", () => {
	it("downloads the demo dispute's PDF with the bearer token, 401 without, with the things the customer made", async () => {
		const customer = customers[0]!;
		const created = await stack.emulator("/_emulator/disputes", {
			charge: customer.chargeIds[0],
			reason: "fraudulent",
		});
		const disputeId: string = created.dispute.id;
		expect((await stack.sendEvent(created.event)).status).toBe(200);

		const view = await waitFor(async () => {
			const response = await stack.api(`/api/disputes/${disputeId}`);
			if (response.status !== 200) return null;
			const body = (await response.json()) as DisputeView;
			return body.evidence && ["submitted", "staged", "submitting"].includes(body.stage) ? body : null;
		}, 90_000);
		const pdfInfo = view.evidence!.pdf;
		// Archived under evidence/<dispute>/<128 random bits>.pdf: not derivable from the id or the PDF's hash.
		expect(pdfInfo.key).toMatch(new RegExp(`^evidence/${disputeId}/[0-9a-f]{32}\\.pdf$`));
		expect(pdfInfo.key).not.toContain(pdfInfo.sha256);
		expect(pdfInfo.download).toBe(`/api/disputes/${disputeId}/evidence.pdf`);

		const anonymous = await fetch(`${stack.workerUrl}${pdfInfo.download}`);
		expect(anonymous.status).toBe(401);
		const wrong = await fetch(`${stack.workerUrl}${pdfInfo.download}`, {
			headers: { authorization: "Bearer not-the-token-at-all-0000" },
		});
		expect(wrong.status).toBe(401);

		const response = await stack.api(pdfInfo.download);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe("application/pdf");
		expect(response.headers.get("content-disposition")).toBe(`attachment; filename="evidence-${disputeId}.pdf"`);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect(bytes.byteLength).toBe(pdfInfo.bytes);
		expect(bytes.byteLength).toBeLessThanOrEqual(2_000_000);

		const path = join(workDir, "evidence.pdf");
		writeFileSync(path, bytes);
		const info = execFileSync("pdfinfo", [path], { encoding: "utf8" });
		expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(pdfInfo.pages);
		expect(pdfInfo.pages).toBeLessThanOrEqual(10);
		const text = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
		expect(text).toContain(disputeId);
		expect(text).toContain("Things the customer made");
		expect(text).toContain(`Design 6 by ${customer.name}`);
		expect(text).toContain("Shown above");
		expect(text).toContain("Messages from the customer");
		// Traceability lives in the record: the letter's points and the paragraphs with their fact ids, the
		// exhibits; none of it in what the issuer reads.
		const trace = view.evidence!.trace!;
		expect(trace.letter.points.length).toBeGreaterThanOrEqual(3);
		expect(trace.letter.points.some((p) => p.factIds.length > 0)).toBe(true);
		expect(trace.paragraphs.every((p) => p.factIds.length > 0)).toBe(true);
		expect(trace.exhibits[0]).toMatchObject({ number: 1 });
		expect(text).toContain(`Exhibit 1 · ${trace.exhibits[0]!.title}`);
		expect(text).not.toMatch(FACT_ID);
		expect(text).not.toContain("Facts cited");
		for (const [name, value] of Object.entries(view.evidence!.fields)) {
			if (typeof value === "string") expect(value, name).not.toMatch(FACT_ID);
		}
		// `npm run grade`'s client on the same dispute: page 1 and the texts pass the analyst's checklist.
		const grade = await gradeDispute(stack.workerUrl, stack.dashboardToken, disputeId);
		const failed = grade.missing.filter((m) => !m.advisory).map((m) => `${m.id}: ${m.detail}`);
		for (const id of ["page1.amount", "page1.date", "page1.card", "page1.facts", "text.artefacts", "text.labels"]) {
			expect(
				failed.filter((f) => f.startsWith(id)),
				id,
			).toEqual([]);
		}
		expect(grade.score).toBeGreaterThan(grade.total / 2);
		// The demo seed's artifacts are PNGs in ARTIFACTS: they are embedded as images.
		const images = execFileSync("pdfimages", ["-list", path], { encoding: "utf8" }).trim().split("\n").slice(2);
		expect(images.length).toBeGreaterThanOrEqual(1);
		if (process.env.EVIDENCE_SAMPLE_OUT) writeFileSync(process.env.EVIDENCE_SAMPLE_OUT, bytes);

		expect((await stack.api(`/api/disputes/du_doesnotexist/evidence.pdf`)).status).toBe(404);
	});
});
