// `npm run docs:letter`: renders the cover letter of a demo fraud dispute (template writer, Visa CE 3.0 qualified)
// to docs/letter-page-1.png for the README, with pdftoppm. Not part of `npm test`: run it after changing the letter.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTemplateNarrative } from "../lib/narrative/template";
import { renderEvidencePdf } from "../lib/pdf/render";
import { builtCaseFor } from "../tests/support/letter-fixtures";

const root = fileURLToPath(new URL("..", import.meta.url));
const fontDir = join(root, "node_modules/dejavu-fonts-ttf/ttf");
const fonts = {
	regular: new Uint8Array(readFileSync(join(fontDir, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(fontDir, "DejaVuSans-Bold.ttf"))),
};
const c = builtCaseFor("fraudulent", {
	activityKinds: [
		{ kind: "api_request", labelOne: "API request", labelMany: "API requests", countsAsUse: true },
		{ kind: "report_viewed", labelOne: "report viewed", labelMany: "reports viewed", countsAsUse: true },
		{ kind: "report_exported", labelOne: "report exported", labelMany: "reports exported", countsAsUse: true },
	],
});
const ce3 = {
	priorCharges: ["ch_3OyB1x2eZvKYlo2C0Qm4aA1b", "ch_3ObQ9d2eZvKYlo2C1Wc7bB2c"] as [string, string],
	matched: ["customer_purchase_ip", "device"],
};
const pdf = await renderEvidencePdf(c, writeTemplateNarrative(c, ce3), {
	fonts,
	ce3,
	reportField: "uncategorized_file",
});
const dir = mkdtempSync(join(tmpdir(), "rebuttal-letter-sample-"));
try {
	const path = join(dir, "letter.pdf");
	writeFileSync(path, pdf.bytes);
	execFileSync("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", path, join(dir, "page")]);
	renameSync(join(dir, "page.png"), join(root, "docs/letter-page-1.png"));
	console.log(`docs/letter-page-1.png: page 1 of ${pdf.pages}, ${pdf.bytes.byteLength} bytes`);
} finally {
	rmSync(dir, { recursive: true, force: true });
}
