// `npm run simulate -- <reason> [--account <id>] [--url <worker>] [--emulator <url>] [--amount <cents>]`:
// opens a dispute on a demo charge in the Stripe emulator of a running `npm run dev` and delivers the signed
// `charge.dispute.created` webhook to the Worker.
import { parseArgs } from "node:util";
import { DISPUTE_REASONS, isDisputeReason } from "../lib/evidence/dispute-reasons";
import { readSessionFile } from "./dev-session";
import { LOCAL_STRIPE_SECRET_KEY, LOCAL_WEBHOOK_SECRET, resolveLocalConfig } from "./env";
import { simulateDispute } from "./webhook";

const usage = `usage: npm run simulate -- <reason> [--account <id>] [--url <worker url>] [--emulator <url>] [--amount <cents>]
reasons: ${DISPUTE_REASONS.join(", ")}`;

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		account: { type: "string" },
		url: { type: "string" },
		emulator: { type: "string" },
		amount: { type: "string" },
		help: { type: "boolean", short: "h" },
	},
});
if (values.help) fail(usage);
const reason = positionals[0];
if (!reason) fail(`a dispute reason is required\n${usage}`);
if (!isDisputeReason(reason)) fail(`"${reason}" is not a Stripe dispute reason\n${usage}`);

const session = readSessionFile();
const { env } = resolveLocalConfig();
const workerUrl = (values.url ?? session?.workerUrl ?? `http://127.0.0.1:${env.PORT ?? 8787}`).replace(/\/+$/, "");
const emulatorUrl = (values.emulator ?? (session?.emulator ? session.stripeApiBase : undefined))?.replace(/\/+$/, "");
if (!emulatorUrl) {
	fail("no Stripe emulator found: start `npm run dev` without STRIPE_API_BASE first, or pass --emulator <url>");
}
const customers = session?.customers ?? [];
if (customers.length === 0) fail("no demo accounts known: is `npm run dev` running (it seeds them)?");

let candidates: string[];
if (values.account) {
	const customer = customers.find((c) => c.accountId === values.account || c.customerId === values.account);
	if (!customer) fail(`no demo account "${values.account}"; known: ${customers.map((c) => c.accountId).join(", ")}`);
	candidates = customer.chargeIds;
} else {
	// Newest charge of every account first, then the ones before.
	const depth = Math.max(...customers.map((c) => c.chargeIds.length));
	candidates = [];
	for (let i = 0; i < depth; i++) for (const c of customers) if (c.chargeIds[i]) candidates.push(c.chargeIds[i]!);
}

const amount = values.amount === undefined ? undefined : Number(values.amount);
if (amount !== undefined && !(Number.isInteger(amount) && amount > 0))
	fail("--amount must be a positive integer (cents)");

try {
	const { disputeId, chargeId } = await simulateDispute({
		workerUrl,
		emulatorUrl,
		webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET,
		stripeSecretKey: env.STRIPE_SECRET_KEY ?? LOCAL_STRIPE_SECRET_KEY,
		reason,
		chargeIds: candidates,
		amount,
	});
	console.log(`${disputeId}  (${reason} on ${chargeId}, delivered to ${workerUrl}/webhooks/stripe)`);
} catch (error) {
	const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
	if (cause === "ECONNREFUSED") fail(`nothing answers at ${workerUrl} or ${emulatorUrl}: is \`npm run dev\` running?`);
	fail((error as Error).message);
}
