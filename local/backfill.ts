// `npm run backfill [-- --url <worker>]`: runs the backfill of open disputes (and the deadline sweep that shares
// its schedule) now, in the running `npm run dev` Worker, by firing its cron handler. The Worker does the work
// with its own configuration, queues and database, exactly as the cron trigger would; this prints its report.
// A deployed Worker runs it every 15 minutes by itself (wrangler.toml [triggers]).
import { parseArgs } from "node:util";
import { readSessionFile } from "./dev-session";
import { resolveLocalConfig } from "./env";

const { values } = parseArgs({ options: { url: { type: "string" }, help: { type: "boolean", short: "h" } } });
if (values.help) {
	console.log("usage: npm run backfill [-- --url <worker url of a running npm run dev>]");
	process.exit(0);
}
const session = readSessionFile();
const { env } = resolveLocalConfig();
const workerUrl = (values.url ?? session?.workerUrl ?? `http://127.0.0.1:${env.PORT ?? 8787}`).replace(/\/+$/, "");

let response: Response;
try {
	response = await fetch(`${workerUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
} catch {
	console.error(`no Worker answers at ${workerUrl}: start \`npm run dev\` first, or pass --url`);
	process.exit(1);
}
const text = await response.text();
if (!response.ok) {
	console.error(`the scheduled run failed (${response.status}): ${text.slice(0, 2000)}`);
	console.error("its report and errors are in the Worker's log and in GET /api/disputes/:id attempts");
	process.exit(1);
}
console.log(
	`backfill and deadline sweep ran in ${workerUrl}; see the Worker's log line {"scheduled": …} for the report`,
);
