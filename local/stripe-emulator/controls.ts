import { defaultAccount, defaultInvoice, defaultSubscription, invoicePaymentOf } from "./billing";
import { buildEvent } from "./events";
import type { Faults, RateLimiter } from "./faults";
import type { IdempotencyStore } from "./idempotency";
import {
	defaultCharge,
	defaultCustomer,
	defaultDispute,
	defaultEarlyFraudWarning,
	defaultPaymentIntent,
	isInquiryStatus,
} from "./shapes";
import { type Collection, clone, type Store, type StripeObject } from "./store";

/** An error of a test control: `{"error":{"message"}}` with a 400 or 404. */
export class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

export interface ControlContext {
	store: Store;
	faults: Faults;
	idempotency: IdempotencyStore;
	rateLimiter: RateLimiter | null;
}

export type ControlResult = { status?: number; json?: unknown; raw?: { contentType: string; data: Buffer } };

function accountOf(input: StripeObject): string | null {
	const account = input.account;
	if (account === undefined || account === null) return null;
	if (typeof account !== "string" || !account.startsWith("acct_"))
		throw new ControlError(400, "account must be acct_…");
	return account;
}

function strip(input: StripeObject): StripeObject {
	const { account: _account, ...rest } = input;
	return rest;
}

function list(value: unknown, name: string): StripeObject[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw new ControlError(400, `${name} must be an array`);
	return value as StripeObject[];
}

/** `POST /_emulator/seed`: partial Stripe objects completed with Stripe's defaults, linked to each other. */
function seed(store: Store, body: StripeObject): StripeObject {
	const out: Record<string, StripeObject[]> = {
		customers: [],
		payment_intents: [],
		charges: [],
		disputes: [],
		early_fraud_warnings: [],
		accounts: [],
		subscriptions: [],
		invoices: [],
	};
	for (const input of list(body.customers, "customers")) {
		const object = defaultCustomer(strip(input));
		store.put("customers", object, accountOf(input));
		out.customers!.push(clone(object));
	}
	for (const input of list(body.payment_intents, "payment_intents")) {
		const object = defaultPaymentIntent(strip(input));
		store.put("payment_intents", object, accountOf(input));
		out.payment_intents!.push(clone(object));
	}
	for (const input of list(body.charges, "charges")) {
		const account = accountOf(input);
		const patch = strip(input);
		const pi =
			typeof patch.payment_intent === "string"
				? store.get("payment_intents", patch.payment_intent, account)
				: undefined;
		if (pi && patch.customer === undefined) patch.customer = pi.customer;
		if (pi && patch.amount === undefined) patch.amount = pi.amount;
		const object = defaultCharge(patch);
		store.put("charges", object, account);
		if (pi && !pi.latest_charge) pi.latest_charge = object.id;
		out.charges!.push(clone(object));
	}
	for (const input of list(body.disputes, "disputes")) {
		const account = accountOf(input);
		const patch = strip(input);
		const charge = typeof patch.charge === "string" ? store.get("charges", patch.charge, account) : undefined;
		if (patch.charge && !charge)
			throw new ControlError(404, `No charge ${patch.charge} in ${account ?? "the platform account"}`);
		const object = defaultDispute(patch, charge);
		if (charge) charge.disputed = true;
		store.put("disputes", object, account);
		out.disputes!.push(clone(object));
	}
	for (const input of list(body.accounts, "accounts")) {
		const object = defaultAccount(strip(input));
		store.put("accounts", object, null);
		out.accounts!.push(clone(object));
	}
	for (const input of list(body.subscriptions, "subscriptions")) {
		const object = defaultSubscription(strip(input));
		store.put("subscriptions", object, accountOf(input));
		out.subscriptions!.push(clone(object));
	}
	for (const input of list(body.invoices, "invoices")) {
		const account = accountOf(input);
		const patch = strip(input);
		const subscription =
			typeof patch.subscription === "string" ? store.get("subscriptions", patch.subscription, account) : undefined;
		if (patch.subscription && !subscription) throw new ControlError(404, `No subscription ${patch.subscription}`);
		const { subscription: _s, ...rest } = patch;
		const object = defaultInvoice(rest, subscription);
		store.put("invoices", object, account);
		if (subscription) subscription.latest_invoice = object.id;
		// An invoice paid by a payment intent has its invoice payment, as Stripe records it.
		if (typeof patch.payment_intent === "string") {
			store.put("invoice_payments", invoicePaymentOf(object, patch.payment_intent), account);
		}
		out.invoices!.push(clone(object));
	}
	for (const input of list(body.early_fraud_warnings, "early_fraud_warnings")) {
		const object = defaultEarlyFraudWarning(strip(input));
		store.put("early_fraud_warnings", object, accountOf(input));
		out.early_fraud_warnings!.push(clone(object));
	}
	return out;
}

function findCharge(store: Store, id: unknown, account: string | null | undefined) {
	if (typeof id !== "string") throw new ControlError(400, "charge is required");
	if (account !== undefined) {
		const charge = store.get("charges", id, account);
		if (!charge) throw new ControlError(404, `No charge ${id} in ${account ?? "the platform account"}`);
		return { charge, account };
	}
	const found = store.objects.charges.get(id);
	if (!found) throw new ControlError(404, `No charge ${id}`);
	return { charge: found.object, account: found.account };
}

/** `POST /_emulator/disputes`: a new dispute on a seeded charge, with its `charge.dispute.created` event. */
function createDispute(store: Store, body: StripeObject): StripeObject {
	const { charge, account } = findCharge(store, body.charge, body.account === undefined ? undefined : accountOf(body));
	if (body.status !== undefined && !["needs_response", "warning_needs_response"].includes(body.status)) {
		throw new ControlError(400, "status must be needs_response or warning_needs_response");
	}
	const patch: StripeObject = { charge: charge.id, reason: body.reason ?? "general", status: body.status };
	if (body.amount !== undefined) patch.amount = body.amount;
	if (body.network_reason_code !== undefined) patch.network_reason_code = body.network_reason_code;
	if (body.due_by !== undefined) patch.evidence_details = { due_by: body.due_by };
	if (body.payment_method_type === "klarna") patch.payment_method_details = { type: "klarna", card: null };
	if (body.status === undefined) delete patch.status;
	const dispute = defaultDispute(patch, charge);
	store.put("disputes", dispute, account);
	charge.disputed = true;
	const event = buildEvent(store, "charge.dispute.created", dispute, account);
	return { dispute: clone(dispute), event };
}

/** `POST /_emulator/early_fraud_warnings`: `{charge, actionable?, fraud_type?}` → `{warning, event}`. */
function createEarlyFraudWarning(store: Store, body: StripeObject): StripeObject {
	const { charge, account } = findCharge(store, body.charge, body.account === undefined ? undefined : accountOf(body));
	const patch: StripeObject = { charge: charge.id, payment_intent: charge.payment_intent ?? null };
	if (body.actionable !== undefined) patch.actionable = Boolean(body.actionable);
	if (body.fraud_type !== undefined) patch.fraud_type = String(body.fraud_type);
	const warning = defaultEarlyFraudWarning(patch);
	store.put("early_fraud_warnings", warning, account);
	const event = buildEvent(store, "radar.early_fraud_warning.created", warning, account);
	return { warning: clone(warning), event };
}

function outcome(store: Store, id: string, body: StripeObject): StripeObject {
	const stored = store.objects.disputes.get(id);
	if (!stored) throw new ControlError(404, `No dispute ${id}`);
	const dispute = stored.object;
	const status = body.status;
	if (!["won", "lost", "warning_closed"].includes(status))
		throw new ControlError(400, "status must be won, lost or warning_closed");
	if (["won", "lost", "warning_closed", "prevented"].includes(dispute.status)) {
		throw new ControlError(400, `Dispute ${id} is already closed (${dispute.status})`);
	}
	const previous = { status: dispute.status };
	dispute.status = status === "won" && isInquiryStatus(previous.status) ? "warning_closed" : status;
	dispute.is_charge_refundable = false;
	const event = buildEvent(store, "charge.dispute.closed", dispute, stored.account, { previous_attributes: previous });
	return { dispute: clone(dispute), event };
}

function eventFor(store: Store, body: StripeObject): StripeObject {
	if (typeof body.type !== "string" || typeof body.object_id !== "string") {
		throw new ControlError(400, "type and object_id are required");
	}
	const found = store.find(body.object_id);
	if (!found) throw new ControlError(404, `No object ${body.object_id}`);
	return buildEvent(store, body.type, found.stored.object, found.stored.account);
}

type Route = [
	method: string,
	pattern: RegExp,
	run: (ctx: ControlContext, id: string, body: StripeObject) => ControlResult,
];

function fileContents(store: Store, id: string): ControlResult {
	const data = store.fileContents.get(id);
	const file = store.objects.files.get(id)?.object;
	if (!data || !file) throw new ControlError(404, `No file ${id}`);
	const contentType = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg" }[file.type as string];
	return { raw: { contentType: contentType ?? "application/octet-stream", data } };
}

const ROUTES: Route[] = [
	[
		"POST",
		/^\/_emulator\/reset$/,
		(ctx) => {
			ctx.store.reset();
			ctx.faults.clear();
			ctx.idempotency.clear();
			ctx.rateLimiter?.reset();
			return { json: { ok: true } };
		},
	],
	["POST", /^\/_emulator\/seed$/, (ctx, _id, body) => ({ json: seed(ctx.store, body) })],
	["POST", /^\/_emulator\/disputes$/, (ctx, _id, body) => ({ json: createDispute(ctx.store, body) })],
	[
		"POST",
		/^\/_emulator\/early_fraud_warnings$/,
		(ctx, _id, body) => ({ json: createEarlyFraudWarning(ctx.store, body) }),
	],
	["POST", /^\/_emulator\/disputes\/([^/]+)\/outcome$/, (ctx, id, body) => ({ json: outcome(ctx.store, id, body) })],
	[
		"GET",
		/^\/_emulator\/disputes\/([^/]+)\/updates$/,
		(ctx, id) => {
			if (!ctx.store.objects.disputes.has(id)) throw new ControlError(404, `No dispute ${id}`);
			return { json: clone(ctx.store.disputeUpdates.get(id) ?? []) };
		},
	],
	["POST", /^\/_emulator\/events$/, (ctx, _id, body) => ({ json: eventFor(ctx.store, body) })],
	["GET", /^\/_emulator\/events$/, (ctx) => ({ json: clone(ctx.store.events) })],
	["GET", /^\/_emulator\/requests$/, (ctx) => ({ json: clone(ctx.store.requests) })],
	["GET", /^\/_emulator\/stats$/, (ctx) => ({ json: { ...ctx.store.stats } })],
	["GET", /^\/_emulator\/files\/([^/]+)\/contents$/, (ctx, id) => fileContents(ctx.store, id)],
	[
		"GET",
		/^\/_emulator\/objects\/([^/]+)$/,
		(ctx, id) => {
			const found = ctx.store.find(id);
			if (!found) throw new ControlError(404, `No object ${id}`);
			const { collection, stored } = found;
			return { json: { collection: collection as Collection, account: stored.account, object: clone(stored.object) } };
		},
	],
	[
		"POST",
		/^\/_emulator\/faults$/,
		(ctx, _id, body) => {
			const rules = Array.isArray(body) ? body : (body.rules ?? body);
			return { json: { rules: ctx.faults.add(rules) } };
		},
	],
	[
		"DELETE",
		/^\/_emulator\/faults$/,
		(ctx) => {
			ctx.faults.clear();
			return { json: { ok: true } };
		},
	],
];

/** Routes `/_emulator/*`. Returns null for an unknown control. */
export function control(ctx: ControlContext, method: string, path: string, body: StripeObject): ControlResult | null {
	for (const [m, pattern, run] of ROUTES) {
		const match = m === method ? pattern.exec(path) : null;
		if (match) return run(ctx, decodeURIComponent(match[1] ?? ""), body);
	}
	return null;
}
