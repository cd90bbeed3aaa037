import Stripe from "stripe";
import type { DisputeReason } from "../lib/evidence/dispute-reasons";

/** Signs an event as Stripe would and posts it to the Worker's webhook endpoint. */
export async function deliverEvent(workerUrl: string, webhookSecret: string, event: unknown): Promise<Response> {
	const payload = typeof event === "string" ? event : JSON.stringify(event);
	const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: webhookSecret });
	return fetch(`${workerUrl}/webhooks/stripe`, {
		method: "POST",
		headers: { "content-type": "application/json", "stripe-signature": signature },
		body: payload,
	});
}

/** Calls a test control of the Stripe emulator (`/_emulator/…`); throws with its message on an error. */
export async function emulatorControl<T = unknown>(emulatorUrl: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(`${emulatorUrl}${path}`, {
		method: body === undefined ? "GET" : "POST",
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) {
		let message = text;
		try {
			message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
		} catch {}
		throw new Error(`Stripe emulator ${path}: ${response.status} ${message}`);
	}
	return (text ? JSON.parse(text) : undefined) as T;
}

export interface SimulateOptions {
	workerUrl: string;
	emulatorUrl: string;
	webhookSecret: string;
	stripeSecretKey: string;
	reason: DisputeReason;
	/** Charges to choose from, newest first; the first one not yet disputed is used. */
	chargeIds: string[];
	amount?: number;
}

/** Opens a dispute on a demo charge in the emulator and delivers its `charge.dispute.created` event. */
export async function simulateDispute(options: SimulateOptions): Promise<{ disputeId: string; chargeId: string }> {
	const chargeId = await firstUndisputedCharge(options);
	const { dispute, event } = await emulatorControl<{ dispute: { id: string }; event: unknown }>(
		options.emulatorUrl,
		"/_emulator/disputes",
		{ charge: chargeId, reason: options.reason, ...(options.amount !== undefined && { amount: options.amount }) },
	);
	const response = await deliverEvent(options.workerUrl, options.webhookSecret, event);
	if (!response.ok) {
		throw new Error(`the Worker answered ${response.status} to the webhook: ${(await response.text()).slice(0, 300)}`);
	}
	return { disputeId: dispute.id, chargeId };
}

async function firstUndisputedCharge(options: SimulateOptions): Promise<string> {
	for (const id of options.chargeIds) {
		const response = await fetch(`${options.emulatorUrl}/v1/charges/${id}`, {
			headers: { authorization: `Bearer ${options.stripeSecretKey}` },
		});
		if (!response.ok) continue;
		const charge = (await response.json()) as { disputed?: boolean };
		if (!charge.disputed) return id;
	}
	throw new Error("every demo charge of this account is already disputed: pick another --account or restart");
}
