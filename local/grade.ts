// `npm run grade -- <dispute id> [--url <worker>]`: scores what a dispute submits (its text fields and evidence
// report) against the analyst's checklist for its reason, and prints what is missing. Reads a running
// `npm run dev` (or any Worker with --url and DASHBOARD_TOKEN) through the operator API; needs pdftotext.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatGrade } from "../lib/grade/checklist";
import { readSessionFile } from "./dev-session";
import { resolveLocalConfig } from "./env";
import { GradeUnavailable, gradeDispute } from "./grade-client";

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { url: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help || positionals.length === 0) {
	console.log("usage: npm run grade -- <dispute id> [<dispute id> …] [--url <worker url>]");
	process.exit(values.help ? 0 : 2);
}
const session = readSessionFile();
const { env } = resolveLocalConfig();
const workerUrl = (values.url ?? session?.workerUrl ?? `http://127.0.0.1:${env.PORT ?? 8787}`).replace(/\/+$/, "");
const saved = join(process.cwd(), ".data", "dashboard-token");
const token = env.DASHBOARD_TOKEN ?? (existsSync(saved) ? readFileSync(saved, "utf8").trim() : "");
if (!token) {
	console.error("no DASHBOARD_TOKEN configured and no local token in .data/: start `npm run dev` first");
	process.exit(1);
}

let failed = false;
for (const id of positionals) {
	try {
		console.log(`${id}  ${formatGrade(await gradeDispute(workerUrl, token, id))}`);
	} catch (error) {
		failed = true;
		if (error instanceof GradeUnavailable) console.error(`${id}  cannot grade: ${error.message}`);
		else if (error instanceof TypeError)
			console.error(`no Worker answers at ${workerUrl}: start \`npm run dev\` first, or pass --url`);
		else throw error;
	}
}
process.exit(failed ? 1 : 0);
