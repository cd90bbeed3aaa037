import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedDispute, openDisputes, seedFleet } from "../chaos/fleet";
import { startTestStack, type TestStack, waitFor } from "../support/stack";

// Every Stripe call costs rate-limit budget, so a burst drains only as fast as its calls allow: the exact calls a
// typical dispute makes, stage by stage, read from the emulator's request log. A call added to a stage (or one
// read twice) fails here, with the list that changed.

let stack: TestStack;
let sql: pg.Pool;
let opened: OpenedDispute[];

beforeAll(async () => {
	// A stack of its own: a fresh isolate, whose first dispute is the first to need the merchant's account.
	stack = await startTestStack();
	sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
	const fleet = await seedFleet({
		databaseUrl: stack.databaseUrl,
		emulatorUrl: stack.stripeApiBase,
		count: 4,
		prefix: "calls",
	});
	// The bench's burst: one dispute of each of these reasons in turn, on a customer with a matched account.
	opened = await openDisputes(stack.stripeApiBase, fleet);
});
afterAll(async () => {
	await sql?.end();
	await stack?.stop();
});

interface LoggedRequest {
	method: string;
	path: string;
	query: string;
	status: number;
	at: string;
}

/** `METHOD /path`, the dispute's id as `{dispute}`, and the expanded fields when any were asked for. */
function describeCall(r: LoggedRequest, disputeId: string): string {
	const expand = [...new URLSearchParams(r.query).entries()].filter(([k]) => k.startsWith("expand")).map(([, v]) => v);
	const path = r.path.replace(disputeId, "{dispute}");
	return `${r.method} ${path}${expand.length > 0 ? `?expand=${expand.join(",")}` : ""}`;
}

/**
 * Sends one dispute's event and waits until it is submitted; returns its Stripe calls by stage: those before its
 * evidence was saved are the assembly's (nothing of submit runs before that), the rest are submit's.
 */
async function callsOf(dispute: OpenedDispute): Promise<{ assemble: string[]; submit: string[] }> {
	const before = ((await stack.emulator("/_emulator/requests")) as LoggedRequest[]).length;
	expect((await stack.sendEvent(dispute.event)).status).toBe(200);
	await waitFor(async () => {
		const { rows } = await sql.query("select stage from rebuttal.disputes where id = $1", [dispute.disputeId]);
		return rows[0]?.stage === "submitted";
	}, 60_000);
	const { rows } = await sql.query<{ saved: Date }>(
		"select created_at as saved from rebuttal.evidence where dispute_id = $1",
		[dispute.disputeId],
	);
	const saved = rows[0]!.saved.getTime();
	const log = ((await stack.emulator("/_emulator/requests")) as LoggedRequest[])
		.slice(before)
		.filter((r) => r.path.startsWith("/v1/"));
	expect(log.filter((r) => r.status !== 200)).toEqual([]);
	return {
		assemble: log.filter((r) => Date.parse(r.at) < saved).map((r) => describeCall(r, dispute.disputeId)),
		submit: log.filter((r) => Date.parse(r.at) >= saved).map((r) => describeCall(r, dispute.disputeId)),
	};
}

/** The dispute with what the evidence needs expanded, the billing, the earlier charges (refunds come expanded). */
const ASSEMBLE = [
	"GET /v1/disputes/{dispute}?expand=charge,charge.customer,charge.refunds,payment_intent",
	"GET /v1/invoice_payments?expand=data.invoice",
	"GET /v1/charges",
	// The evidence report and the receipt.
	"POST /v1/files",
	"POST /v1/files",
];
/** The freshness check right before submitting (status, deadline, submissions elsewhere), then the one submission. */
const SUBMIT = ["GET /v1/disputes/{dispute}", "POST /v1/disputes/{dispute}"];

describe("the Stripe calls of one dispute", () => {
	it("reads the merchant's account once for the isolate, and each dispute makes the same seven calls", async () => {
		const [first, ...rest] = opened;
		// The first dispute of the isolate (fraudulent: CE 3.0 takes its window of earlier charges from the one
		// listing) also reads the merchant's identity for the evidence.
		expect(await callsOf(first!)).toEqual({
			assemble: [ASSEMBLE[0], "GET /v1/account", ...ASSEMBLE.slice(1)],
			submit: SUBMIT,
		});
		// Later ones (product_not_received, subscription_canceled, unrecognized), each in a batch of its own, find
		// the account already read.
		for (const dispute of rest) expect(await callsOf(dispute)).toEqual({ assemble: ASSEMBLE, submit: SUBMIT });
	});
});
