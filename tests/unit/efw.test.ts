import { beforeEach, describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../lib/config";
import type { EventMessage } from "../../lib/messages";
import type { PipelineDeps } from "../../lib/pipeline/deps";
import {
	efwRefundDecision,
	efwRefundIdempotencyKey,
	getEarlyFraudWarning,
	handleEarlyFraudWarning,
} from "../../lib/pipeline/early-fraud-warning";
import type { TestDatabase } from "../support/database";
import { useEmulatorAndDatabase } from "../support/emulator-and-database";
import type { EmulatorHarness } from "../support/stripe-emulator";

const CHARGE = {
	amount: 1500,
	currency: "usd",
	refunded: false,
	amount_refunded: 0,
	disputed: false,
	status: "succeeded",
};

describe("early fraud warning refund policy", () => {
	it.each([
		["policy off", { actionable: true }, CHARGE, undefined, /policy off/],
		["not actionable", { actionable: false }, CHARGE, 2000, /not actionable/],
		[
			"already refunded",
			{ actionable: true },
			{ ...CHARGE, refunded: true, amount_refunded: 1500 },
			2000,
			/already refunded/,
		],
		["partly refunded", { actionable: true }, { ...CHARGE, amount_refunded: 100 }, 2000, /already refunded/],
		["already disputed", { actionable: true }, { ...CHARGE, disputed: true }, 2000, /already disputed/],
		[
			"amount over the limit",
			{ actionable: true },
			{ ...CHARGE, amount: 2001 },
			2000,
			/over EFW_REFUND_MAX_AMOUNT 2000/,
		],
	] as const)("does not refund: %s", (_name, warning, charge, max, reason) => {
		const decision = efwRefundDecision(warning, charge, max);
		expect(decision.refund).toBe(false);
		expect(decision.refund === false && decision.reason).toMatch(reason);
	});

	it.each([
		["authenticated", /3-D Secure authenticated the payment/],
		["attempt_acknowledged", /3-D Secure acknowledged an attempt/],
	])("never refunds a payment 3-D Secure %s", (result, reason) => {
		const secured = { ...CHARGE, payment_method_details: { card: { three_d_secure: { result } } } };
		const decision = efwRefundDecision({ actionable: true }, secured as never, 2000);
		expect(decision.refund === false && decision.reason).toMatch(reason);
	});

	it("never refunds when the service was used after the charge, and names the use", () => {
		const use = { kind: "generation", at: new Date("2026-11-02T10:00:00Z") };
		const decision = efwRefundDecision({ actionable: true }, CHARGE, 2000, { usedAfterCharge: use });
		expect(decision.refund === false && decision.reason).toMatch(
			/used the service after the charge \(generation at 2026-11-02T10:00:00.000Z\)/,
		);
		expect(efwRefundDecision({ actionable: true }, CHARGE, 2000, { usedAfterCharge: null })).toEqual({ refund: true });
	});

	it("refunds an actionable warning on a charge at most the limit", () => {
		expect(efwRefundDecision({ actionable: true }, { ...CHARGE, amount: 2000 }, 2000)).toEqual({ refund: true });
	});

	it("uses a deterministic idempotency key per warning", () => {
		expect(efwRefundIdempotencyKey("issfr_1")).toBe(efwRefundIdempotencyKey("issfr_1"));
		expect(efwRefundIdempotencyKey("issfr_1")).not.toBe(efwRefundIdempotencyKey("issfr_2"));
	});
});

describe("radar.early_fraud_warning.created through the emulator", () => {
	let h: EmulatorHarness;
	let t: TestDatabase;
	useEmulatorAndDatabase((harness, database) => {
		[h, t] = [harness, database];
	});
	beforeEach(async () => {
		await h.controls.reset();
	});

	function deps(max: number | undefined): PipelineDeps {
		return {
			db: t.db,
			stripe: h.stripe(),
			config: { EFW_REFUND_MAX_AMOUNT: max } as PipelineConfig,
			now: () => new Date(),
		} as unknown as PipelineDeps;
	}

	async function warn(
		options: { amount?: number; actionable?: boolean; refunded?: boolean; patch?: Record<string, unknown> } = {},
	) {
		const { charges } = await h.controls.seed({
			charges: [
				{
					amount: options.amount ?? 1500,
					...(options.refunded && { refunded: true, amount_refunded: options.amount ?? 1500 }),
					...options.patch,
				},
			],
		});
		const charge = charges[0]!;
		const res = await fetch(`${h.emulator.url}/_emulator/early_fraud_warnings`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ charge: charge.id, actionable: options.actionable ?? true, fraud_type: "misc" }),
		});
		const { warning, event } = await res.json();
		const message: EventMessage = {
			kind: "event",
			eventId: event.id,
			type: "radar.early_fraud_warning.created",
			objectId: warning.id,
			stripeAccount: null,
			created: event.created,
		};
		return { charge, warning, message };
	}

	async function refundRequests() {
		const log = (await (await fetch(`${h.emulator.url}/_emulator/requests`)).json()) as {
			method: string;
			path: string;
			status: number;
			idempotency_key: string | null;
			replayed: boolean;
		}[];
		return log.filter((r) => r.method === "POST" && r.path === "/v1/refunds");
	}

	it("with the policy off, records the warning and refunds nothing", async () => {
		const { warning, message } = await warn();
		await handleEarlyFraudWarning(deps(undefined), message, 1);
		const row = await getEarlyFraudWarning(t.db, warning.id);
		expect(row).toMatchObject({ action: "not_refunded", actionable: true, fraudType: "misc", refundId: null });
		expect(row?.actionReason).toMatch(/policy off/);
		expect(await refundRequests()).toHaveLength(0);
	});

	it("refunds a small charge once, even when the event is delivered again", async () => {
		const { charge, warning, message } = await warn({ amount: 900 });
		await handleEarlyFraudWarning(deps(1000), message, 1);
		await handleEarlyFraudWarning(deps(1000), message, 2);
		const row = await getEarlyFraudWarning(t.db, warning.id);
		expect(row).toMatchObject({ action: "refunded", chargeId: charge.id, amount: 900 });
		expect(row?.refundId).toMatch(/^re_/);
		const refunds = await refundRequests();
		expect(refunds).toHaveLength(1);
		expect(refunds[0]).toMatchObject({ status: 200, idempotency_key: efwRefundIdempotencyKey(warning.id) });
		const after = await h.stripe().charges.retrieve(charge.id);
		expect(after).toMatchObject({ refunded: true, amount_refunded: 900 });
	});

	it("a pass cut short after the refund replays it through the idempotency key, never a second refund", async () => {
		const { charge, warning, message } = await warn({ amount: 900 });
		await handleEarlyFraudWarning(deps(1000), message, 1);
		await t.exec("delete from rebuttal.early_fraud_warnings where id = $1", [warning.id]);
		await handleEarlyFraudWarning(deps(1000), message, 2);
		const after = await h.stripe().charges.retrieve(charge.id);
		expect(after.amount_refunded).toBe(900);
		// The charge now reads as refunded: recorded as such, no second refund request.
		expect((await getEarlyFraudWarning(t.db, warning.id))?.actionReason).toMatch(/already refunded/);
		expect(await refundRequests()).toHaveLength(1);
	});

	it("does not refund a 3-D Secure authenticated payment, and records why", async () => {
		const { warning, message } = await warn({
			amount: 900,
			patch: { payment_method_details: { type: "card", card: { three_d_secure: { result: "authenticated" } } } },
		});
		await handleEarlyFraudWarning(deps(1000), message, 1);
		expect((await getEarlyFraudWarning(t.db, warning.id))?.actionReason).toMatch(/3-D Secure authenticated/);
		expect(await refundRequests()).toHaveLength(0);
	});

	it("does not refund when the matched account used the service after the charge", async () => {
		await t.exec(
			"insert into rebuttal.accounts (id, email) values ('acc_efw_used', 'used@example.test') on conflict do nothing",
		);
		const { charge, warning, message } = await warn({
			amount: 900,
			patch: { metadata: { account_id: "acc_efw_used" } },
		});
		await t.exec(
			"insert into rebuttal.activity (account_id, occurred_at, kind) values ('acc_efw_used', $1, 'login'), ('acc_efw_used', $2, 'export')",
			[new Date((charge.created + 60) * 1000).toISOString(), new Date((charge.created + 120) * 1000).toISOString()],
		);
		await handleEarlyFraudWarning(deps(1000), message, 1);
		const row = await getEarlyFraudWarning(t.db, warning.id);
		expect(row?.action).toBe("not_refunded");
		expect(row?.actionReason).toMatch(/used the service after the charge \(export at /);
		expect(await refundRequests()).toHaveLength(0);
	});

	it.each([
		["over the limit", { amount: 5000 }, /over EFW_REFUND_MAX_AMOUNT/],
		["not actionable", { actionable: false }, /not actionable/],
		["already refunded", { refunded: true }, /already refunded/],
	] as const)("does not refund a warning %s", async (_name, options, reason) => {
		const { warning, message } = await warn(options);
		await handleEarlyFraudWarning(deps(2000), message, 1);
		const row = await getEarlyFraudWarning(t.db, warning.id);
		expect(row?.action).toBe("not_refunded");
		expect(row?.actionReason).toMatch(reason);
		expect(await refundRequests()).toHaveLength(0);
	});
});
