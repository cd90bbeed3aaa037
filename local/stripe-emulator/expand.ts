import { invalidRequest } from "./errors";
import { type Collection, clone, type Store, type StripeObject } from "./store";

/** Which fields of each object type can be expanded, and where their ids point. */
const EXPANDABLE: Record<string, Record<string, Collection | null>> = {
	dispute: { charge: "charges", payment_intent: "payment_intents", balance_transactions: null },
	charge: { customer: "customers", payment_intent: "payment_intents", balance_transaction: null },
	payment_intent: { customer: "customers", latest_charge: "charges", payment_method: null },
	customer: { default_source: null },
	"radar.early_fraud_warning": { charge: "charges", payment_intent: "payment_intents" },
	refund: { charge: "charges", payment_intent: "payment_intents", balance_transaction: null },
	invoice_payment: { invoice: "invoices" },
	invoice: { customer: "customers", latest_revision: null },
	subscription: { customer: "customers", latest_invoice: "invoices", default_payment_method: null },
};

/**
 * Applies `expand[]` paths (`charge`, `charge.customer`, `data.charge` for lists) to a copy of `object`.
 * Fields pointing at objects the emulator does not model (balance transactions) are accepted and left as ids.
 */
export function expand(store: Store, object: StripeObject, paths: string[], account: string | null): StripeObject {
	const out = clone(object);
	for (const path of paths) {
		if (path.split(".").length > 4)
			throw invalidRequest(`You cannot expand more than 4 levels of a property (${path})`, "expand");
		expandPath(store, out, path.split("."), path, account);
	}
	return out;
}

function expandPath(store: Store, node: StripeObject, segments: string[], full: string, account: string | null): void {
	const [head, ...rest] = segments;
	if (!head) return;
	if (node.object === "list" && head === "data") {
		for (const item of node.data) expandPath(store, item, rest, full, account);
		return;
	}
	const fields = EXPANDABLE[node.object] ?? {};
	if (!(head in fields)) {
		throw invalidRequest(`This property cannot be expanded (${full}).`, "expand");
	}
	const collection = fields[head];
	const value = node[head];
	if (collection && typeof value === "string") {
		const target = store.get(collection, value, account);
		if (target) node[head] = clone(target);
	}
	const child = node[head];
	if (rest.length > 0 && child && typeof child === "object") expandPath(store, child, rest, full, account);
}
