import type { ApiRequest } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { buildEvent } from "./events";
import { expand } from "./expand";
import { asString, asStringList, checkKeys, isObject } from "./forms";
import { filteredList } from "./list";
import { newId, now, type StripeObject } from "./store";

const REASONS = ["duplicate", "fraudulent", "requested_by_customer"];

/**
 * `POST /v1/refunds`: refunds a charge (or a payment intent's latest charge) in full or in part, as Stripe does:
 * the charge's `amount_refunded` and `refunded` follow (and its `refunds`, when expanded); refunding more than remains is a 400
 * `charge_already_refunded` / `amount_too_large`; a charge with an open chargeback is a 400 `charge_disputed`.
 * Idempotency keys are handled by the server like every POST.
 */
export function createRefund(req: ApiRequest): StripeObject {
	checkKeys(req.body, ["charge", "payment_intent", "amount", "reason", "metadata", "expand"]);
	let chargeId = asString(req.body.charge, "charge");
	const piId = asString(req.body.payment_intent, "payment_intent");
	if (!chargeId && piId) {
		const pi = req.store.get("payment_intents", piId, req.account);
		if (!pi) throw noSuch("payment_intent", piId, "payment_intent", 400);
		chargeId = typeof pi.latest_charge === "string" ? pi.latest_charge : (pi.latest_charge?.id ?? null);
	}
	if (!chargeId) throw invalidRequest("Missing required param: charge.", "charge", "parameter_missing");
	const charge = req.store.get("charges", chargeId, req.account);
	if (!charge) throw noSuch("charge", chargeId, "charge", 400);
	const remaining = charge.amount - (charge.amount_refunded ?? 0);
	if (remaining <= 0) {
		throw invalidRequest(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
	}
	if (charge.disputed) {
		const dispute = [...req.store.objects.disputes.values()].find((d) => d.object.charge === charge.id)?.object;
		if (dispute && !String(dispute.status).startsWith("warning_")) {
			throw invalidRequest(
				`Charge ${charge.id} has been charged back; refunds are not allowed.`,
				"charge",
				"charge_disputed",
			);
		}
	}
	const rawAmount = asString(req.body.amount, "amount");
	const amount = rawAmount ? Number(rawAmount) : remaining;
	if (!Number.isInteger(amount) || amount <= 0) throw invalidRequest("Invalid positive integer", "amount");
	if (amount > remaining) {
		throw invalidRequest(
			`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
			"amount",
			"amount_too_large",
		);
	}
	const reason = asString(req.body.reason, "reason");
	if (reason && !REASONS.includes(reason)) {
		throw invalidRequest(`Invalid reason: must be one of ${REASONS.join(", ")}`, "reason");
	}
	const metadata: Record<string, string> = {};
	if (isObject(req.body.metadata)) {
		for (const [k, v] of Object.entries(req.body.metadata)) metadata[k] = asString(v, `metadata[${k}]`) ?? "";
	}
	const refund: StripeObject = {
		id: newId("re"),
		object: "refund",
		amount,
		balance_transaction: newId("txn"),
		charge: charge.id,
		created: now(),
		currency: charge.currency,
		destination_details: { card: { type: "refund" }, type: "card" },
		metadata,
		payment_intent: charge.payment_intent ?? null,
		reason: reason ?? null,
		receipt_number: null,
		source_transfer_reversal: null,
		status: "succeeded",
		transfer_reversal: null,
	};
	req.store.put("refunds", refund, req.account);
	const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
	charge.amount_refunded = (charge.amount_refunded ?? 0) + amount;
	charge.refunded = charge.amount_refunded >= charge.amount;
	for (const d of req.store.objects.disputes.values()) {
		if (d.object.charge === charge.id) d.object.is_charge_refundable = !charge.refunded;
	}
	buildEvent(req.store, "charge.refunded", charge, req.account, {
		previous_attributes: before,
		request: { id: null, idempotency_key: req.idempotencyKey },
	});
	return expand(req.store, refund, asStringList(req.body.expand, "expand"), req.account);
}

export function retrieveRefund(req: ApiRequest): StripeObject {
	checkKeys(req.query, ["expand"]);
	const refund = req.store.get("refunds", req.params.id!, req.account);
	if (!refund) throw noSuch("refund", req.params.id!);
	return expand(req.store, refund, asStringList(req.query.expand, "expand"), req.account);
}

export function listRefunds(req: ApiRequest): StripeObject {
	return filteredList(req, { collection: "refunds", kind: "refund", url: "/v1/refunds" }, ["charge", "payment_intent"]);
}

/** `GET /v1/radar/early_fraud_warnings` (`charge`, `payment_intent` filters). */
export function listEarlyFraudWarnings(req: ApiRequest): StripeObject {
	const list = filteredList(
		req,
		{ collection: "early_fraud_warnings", kind: "early_fraud_warning", url: "/v1/radar/early_fraud_warnings" },
		["charge", "payment_intent"],
	);
	return expand(req.store, list, asStringList(req.query.expand, "expand"), req.account);
}
