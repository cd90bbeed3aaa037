import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "./env";
import { type DemoCustomer, seedDemo } from "./seed";
import { type LocalStack, startLocalStack } from "./stack";

/** What a running `npm run dev` tells `npm run simulate` (no secrets). */
export interface SessionFile {
	pid: number;
	workerUrl: string;
	stripeApiBase: string;
	emulator: boolean;
	customers: DemoCustomer[];
}

export const DATA_DIR = join(PROJECT_ROOT, ".data");
export const SESSION_FILE = join(DATA_DIR, "local-stack.json");

export function readSessionFile(): SessionFile | undefined {
	if (!existsSync(SESSION_FILE)) return undefined;
	try {
		return JSON.parse(readFileSync(SESSION_FILE, "utf8")) as SessionFile;
	} catch {
		return undefined;
	}
}

/**
 * `npm run dev` and `npm run demo`: the stack, seeded, announced, stopped on Ctrl-C. Dev keeps its data in
 * `.data/`; the demo (`persist: false`) keeps it in memory, so it leaves nothing behind and its disputes do not
 * turn up in the next `npm run dev`.
 */
export async function startDevSession(
	options: { persist?: boolean } = {},
): Promise<{ stack: LocalStack; customers: DemoCustomer[] }> {
	const persist = options.persist ?? true;
	const say = (line: string) => console.log(line);
	say("Starting rebuttal locally…");
	const stack = await startLocalStack({ persist, runCrons: true, handleSignals: true, log: say });
	const artifacts = await stack.miniflare.getR2Bucket("ARTIFACTS").catch(() => undefined);
	const { seededDatabase, customers } = await seedDemo({
		databaseUrl: stack.databaseUrl,
		emulatorUrl: stack.usesEmulator ? stack.stripeApiBase : undefined,
		artifacts: artifacts as Parameters<typeof seedDemo>[0]["artifacts"],
	});
	if (seededDatabase) say(`Seeded ${customers.length} demo accounts with months of activity.`);

	mkdirSync(DATA_DIR, { recursive: true });
	const session: SessionFile = {
		pid: process.pid,
		workerUrl: stack.workerUrl,
		stripeApiBase: stack.stripeApiBase,
		emulator: stack.usesEmulator,
		customers,
	};
	writeFileSync(SESSION_FILE, `${JSON.stringify(session, null, 2)}\n`);
	process.on("exit", () => {
		if (readSessionFile()?.pid === process.pid) unlinkSync(SESSION_FILE);
		// Only the session file was there: a run in memory leaves no empty .data/ behind either.
		if (!persist && readdirSync(DATA_DIR).length === 0) rmdirSync(DATA_DIR);
	});
	printBanner(stack, persist);
	return { stack, customers };
}

function printBanner(stack: LocalStack, persist: boolean): void {
	const w = stack.workerUrl;
	const db = new URL(stack.databaseUrl);
	const database =
		stack.databaseKind === "pglite"
			? `embedded PGlite (${persist ? `data in ${relative(process.cwd(), join(DATA_DIR, "pglite")) || "."}` : "in memory"})`
			: stack.databaseKind === "neon"
				? `Neon at ${db.hostname}${db.pathname}`
				: `Postgres at ${db.hostname}:${db.port || 5432}${db.pathname}`;
	const token = stack.dashboardTokenGenerated ? stack.dashboardToken : "<your DASHBOARD_TOKEN>";
	const lines = [
		"",
		"rebuttal is running:",
		`  Worker           ${w}   (GET ${w}/health)`,
		`  Stripe webhooks  ${w}/webhooks/stripe`,
		`  Dashboard        ${w}/dashboard`,
		`  Dashboard API    curl -H "Authorization: Bearer ${token}" ${w}/api/disputes`,
		stack.dashboardTokenGenerated
			? `  Dashboard token  ${token}   (generated for local use${persist ? ", kept in .data/" : ""})`
			: "",
		`  Stripe           ${stack.usesEmulator ? `built-in emulator at ${stack.stripeApiBase}` : `API at ${stack.stripeApiBase}`}`,
		`  Database         ${database}${stack.bridgeUrl ? `, reached by the Worker through ${stack.bridgeUrl}` : ""}`,
		stack.crons.length
			? `  Cron             ${stack.crons.join(", ")}   (fire now: curl ${w}/cdn-cgi/handler/scheduled)`
			: "",
		"",
		stack.usesEmulator ? "Simulate a dispute in another terminal:  npm run simulate -- fraudulent" : "",
		"Press Ctrl-C to stop.",
		"",
	];
	console.log(lines.filter((line, i) => line !== "" || i === 0 || lines[i - 1] !== "").join("\n"));
}
