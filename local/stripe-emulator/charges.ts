import type { ApiRequest } from "./context";
import { noSuch } from "./errors";
import { expand } from "./expand";
import { asStringList, checkKeys } from "./forms";
import { filteredList } from "./list";
import type { Collection, StripeObject } from "./store";

function retrieve(req: ApiRequest, collection: Collection, kind: string): StripeObject {
	checkKeys(req.query, ["expand"]);
	const id = req.params.id!;
	const object = req.store.get(collection, id, req.account);
	if (!object) throw noSuch(kind, id);
	return expand(req.store, object, asStringList(req.query.expand, "expand"), req.account);
}

export const retrieveCharge = (req: ApiRequest) => retrieve(req, "charges", "charge");
export const retrievePaymentIntent = (req: ApiRequest) => retrieve(req, "payment_intents", "payment_intent");
export const retrieveEarlyFraudWarning = (req: ApiRequest) =>
	retrieve(req, "early_fraud_warnings", "early fraud warning");

/** Deleted customers are returned as `{id, object, deleted: true}`, as Stripe does. */
export function retrieveCustomer(req: ApiRequest): StripeObject {
	return retrieve(req, "customers", "customer");
}

export function listCharges(req: ApiRequest): StripeObject {
	const list = filteredList(req, { collection: "charges", kind: "charge", url: "/v1/charges" }, [
		"customer",
		"payment_intent",
		"transfer_group",
	]);
	return expand(req.store, list, asStringList(req.query.expand, "expand"), req.account);
}
