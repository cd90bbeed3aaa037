// `npm run demo`: `npm run dev`, then a dispute of each of five reasons, followed through the pipeline to `submitted`.

import type { DisputeReason } from "../lib/evidence/dispute-reasons";
import { formatGrade } from "../lib/grade/checklist";
import { startDevSession } from "./dev-session";
import { gradeDispute } from "./grade-client";
import { simulateDispute } from "./webhook";

const SCENARIOS: { reason: DisputeReason; account: string }[] = [
	{ reason: "fraudulent", account: "usr_ada_lovelace" },
	{ reason: "subscription_canceled", account: "usr_bruno_diaz" },
	{ reason: "product_not_received", account: "usr_lukasz_wrobel" },
	{ reason: "duplicate", account: "usr_dana_okafor" },
	{ reason: "general", account: "usr_emil_johansson" },
];
const TIMEOUT_MS = 120_000;
const FINAL = new Set(["submitted", "won", "lost", "skipped", "failed", "awaiting_review"]);

interface Row {
	id: string;
	stage: string;
	reason: string;
	accountId: string | null;
	amount: number;
	currency: string;
	stageReason: string | null;
	lastError: string | null;
}

let session: Awaited<ReturnType<typeof startDevSession>>;
try {
	session = await startDevSession({ persist: false });
} catch (error) {
	console.error(`could not start: ${(error as Error).message}`);
	process.exit(1);
}
const { stack, customers } = session;
if (!stack.usesEmulator) {
	console.error("The demo needs the built-in Stripe emulator: unset STRIPE_API_BASE. The Worker keeps serving.");
} else {
	await runDemo();
}

async function runDemo(): Promise<void> {
	console.log("Demo: opening five disputes and following them through the pipeline…");
	const opened: { reason: string; disputeId: string; name: string }[] = [];
	for (const { reason, account } of SCENARIOS) {
		const customer = customers.find((c) => c.accountId === account);
		if (!customer) continue;
		try {
			const { disputeId } = await simulateDispute({
				workerUrl: stack.workerUrl,
				emulatorUrl: stack.stripeApiBase,
				webhookSecret: stack.webhookSecret,
				stripeSecretKey: stack.stripeSecretKey,
				reason,
				chargeIds: customer.chargeIds,
			});
			opened.push({ reason, disputeId, name: customer.name });
			console.log(`  ${reason.padEnd(22)} ${disputeId}  ${customer.name}`);
		} catch (error) {
			console.log(`  ${reason.padEnd(22)} could not open: ${(error as Error).message}`);
		}
	}

	const deadline = Date.now() + TIMEOUT_MS;
	let rows = new Map<string, Row>();
	while (Date.now() < deadline) {
		rows = await fetchDisputes().catch(() => rows);
		if (opened.every((o) => FINAL.has(rows.get(o.disputeId)?.stage ?? ""))) break;
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}

	console.log("");
	console.log(`${"reason".padEnd(22)} ${"dispute".padEnd(30)} ${"customer".padEnd(16)} ${"amount".padStart(9)}  stage`);
	for (const o of opened) {
		const row = rows.get(o.disputeId);
		const amount = row ? `${(row.amount / 100).toFixed(2)} ${row.currency.toUpperCase()}` : "";
		const stage = row?.stage ?? "not recorded";
		const why = stage === "submitted" ? "" : `  ${row?.lastError ?? row?.stageReason ?? "(still in progress)"}`;
		console.log(
			`${o.reason.padEnd(22)} ${o.disputeId.padEnd(30)} ${o.name.padEnd(16)} ${amount.padStart(9)}  ${stage}${why}`,
		);
	}
	console.log("\nGrades against the analyst's checklist (npm run grade -- <dispute id> shows the same):");
	for (const o of opened) {
		try {
			const grade = await gradeDispute(stack.workerUrl, stack.dashboardToken, o.disputeId);
			console.log(`${o.reason.padEnd(22)} ${formatGrade(grade).replace(/\n/g, `\n${" ".repeat(23)}`)}`);
		} catch (error) {
			console.log(`${o.reason.padEnd(22)} not graded: ${(error as Error).message}`);
		}
	}
	const submitted = opened.filter((o) => rows.get(o.disputeId)?.stage === "submitted").length;
	console.log(`\n${submitted} of ${opened.length} disputes submitted. See them at ${stack.workerUrl}/dashboard`);
	console.log("The Worker keeps serving; press Ctrl-C to stop.");
}

async function fetchDisputes(): Promise<Map<string, Row>> {
	const response = await fetch(`${stack.workerUrl}/api/disputes?limit=200`, {
		headers: { authorization: `Bearer ${stack.dashboardToken}` },
	});
	if (!response.ok) throw new Error(`GET /api/disputes answered ${response.status}`);
	const body = (await response.json()) as { disputes: Row[] };
	return new Map(body.disputes.map((d) => [d.id, d]));
}
