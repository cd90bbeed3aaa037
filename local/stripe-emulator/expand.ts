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

/** How many items Stripe embeds in an expanded sublist (its first page); `has_more` says when there are others. */
export const SUBLIST_LIMIT = 10;

/**
 * Sublists that exist on an object only when expanded (Stripe stopped sending a charge's `refunds` unasked in API
 * 2022-11-15), built from their collection so they always agree with it: newest first, the first page only.
 */
const EXPANDABLE_LISTS: Record<
	string,
	Record<string, (node: StripeObject) => { collection: Collection; field: string; url: string }>
> = {
	charge: {
		refunds: (charge) => ({ collection: "refunds", field: "charge", url: `/v1/charges/${charge.id}/refunds` }),
	},
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
	const sublist = EXPANDABLE_LISTS[node.object]?.[head];
	if (sublist) {
		if (rest.length > 0) throw invalidRequest(`This property cannot be expanded (${full}).`, "expand");
		const { collection, field, url } = sublist(node);
		const all = store
			.list(collection, account)
			.map((s) => s.object)
			.filter((o) => o[field] === node.id);
		node[head] = {
			object: "list",
			data: all.slice(0, SUBLIST_LIMIT).map(clone),
			has_more: all.length > SUBLIST_LIMIT,
			url,
		};
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
