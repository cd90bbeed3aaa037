import type { ApiRequest } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { expand } from "./expand";
import { asObject, asString, asStringList, checkKeys } from "./forms";
import { LIST_PARAMS, paginate } from "./list";
import { deepMerge } from "./shapes";
import { newId, now, type Store, type StripeObject } from "./store";

// Stripe Billing as rebuttal reads it (API 2025 onwards): an invoice paid by a payment intent is found through
// `GET /v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]=pi_…`; the invoice names its
// subscription under `parent.subscription_details`; the subscription carries its cancellation state.

export function defaultSubscription(patch: StripeObject): StripeObject {
	const id = patch.id ?? newId("sub");
	const created = patch.created ?? now() - 90 * 86_400;
	const start = patch.current_period_start ?? created;
	const interval = patch.interval ?? "month";
	const end = patch.current_period_end ?? start + (interval === "year" ? 365 : 30) * 86_400;
	const { interval: _i, current_period_start: _s, current_period_end: _e, price, ...rest } = patch;
	return deepMerge(
		{
			id,
			object: "subscription",
			billing_cycle_anchor: created,
			cancel_at: null,
			cancel_at_period_end: false,
			canceled_at: null,
			cancellation_details: { comment: null, feedback: null, reason: null },
			collection_method: "charge_automatically",
			created,
			currency: "usd",
			customer: null,
			default_payment_method: null,
			description: null,
			ended_at: null,
			items: {
				object: "list",
				data: [
					{
						id: newId("si", 14),
						object: "subscription_item",
						created,
						current_period_end: end,
						current_period_start: start,
						metadata: {},
						price: deepMerge(
							{
								id: newId("price"),
								object: "price",
								active: true,
								currency: "usd",
								nickname: null,
								product: newId("prod", 14),
								recurring: { interval, interval_count: 1, usage_type: "licensed" },
								type: "recurring",
								unit_amount: 2000,
							},
							price ?? {},
						),
						quantity: 1,
						subscription: id,
					},
				],
				has_more: false,
				url: `/v1/subscription_items?subscription=${id}`,
			},
			latest_invoice: null,
			livemode: false,
			metadata: {},
			start_date: created,
			status: "active",
		},
		rest,
	);
}

export function defaultInvoice(patch: StripeObject, subscription: StripeObject | undefined): StripeObject {
	const id = patch.id ?? newId("in");
	const created = patch.created ?? now();
	const item = subscription?.items?.data?.[0];
	const periodStart = patch.period_start ?? item?.current_period_start ?? created;
	const periodEnd = patch.period_end ?? item?.current_period_end ?? created;
	const amount = patch.amount_paid ?? patch.total ?? item?.price?.unit_amount ?? 2000;
	const currency = patch.currency ?? subscription?.currency ?? "usd";
	const { payment_intent: _pi, ...rest } = patch;
	return deepMerge(
		{
			id,
			object: "invoice",
			account_country: "US",
			account_name: null,
			amount_due: amount,
			amount_paid: amount,
			amount_remaining: 0,
			attempt_count: 1,
			billing_reason: subscription ? "subscription_cycle" : "manual",
			collection_method: "charge_automatically",
			created,
			currency,
			customer: subscription?.customer ?? null,
			customer_email: null,
			customer_name: null,
			description: null,
			hosted_invoice_url: `https://invoice.stripe.com/i/${id}`,
			invoice_pdf: `https://pay.stripe.com/invoice/${id}/pdf`,
			lines: {
				object: "list",
				data: [
					{
						id: newId("il"),
						object: "line_item",
						amount,
						currency,
						description: item?.price?.nickname ? `1 × ${item.price.nickname}` : "1 × Subscription",
						period: { start: periodStart, end: periodEnd },
						quantity: 1,
						parent: subscription
							? {
									type: "subscription_item_details",
									subscription_item_details: { subscription: subscription.id, subscription_item: item?.id ?? null },
								}
							: null,
						pricing: item?.price
							? { type: "price_details", price_details: { price: item.price.id, product: item.price.product } }
							: null,
					},
				],
				has_more: false,
				url: `/v1/invoices/${id}/lines`,
			},
			livemode: false,
			metadata: {},
			number: null,
			parent: subscription
				? {
						type: "subscription_details",
						quote_details: null,
						subscription_details: { metadata: {}, subscription: subscription.id },
					}
				: null,
			period_end: periodEnd,
			period_start: periodStart,
			receipt_number: null,
			status: "paid",
			status_transitions: { finalized_at: created, paid_at: created, voided_at: null },
			subtotal: amount,
			total: amount,
		},
		rest,
	);
}

/** The payment of an invoice by a payment intent. */
export function invoicePaymentOf(invoice: StripeObject, paymentIntent: string): StripeObject {
	return {
		id: newId("inpay"),
		object: "invoice_payment",
		amount_paid: invoice.amount_paid,
		amount_requested: invoice.amount_due,
		created: invoice.created,
		currency: invoice.currency,
		invoice: invoice.id,
		is_default: true,
		livemode: false,
		payment: { type: "payment_intent", payment_intent: paymentIntent },
		status: "paid",
		status_transitions: { canceled_at: null, paid_at: invoice.created },
	};
}

function retrieve(req: ApiRequest, collection: "invoices" | "subscriptions", kind: string): StripeObject {
	checkKeys(req.query, ["expand"]);
	const object = req.store.get(collection, req.params.id!, req.account);
	if (!object) throw noSuch(kind, req.params.id!);
	return expand(req.store, object, asStringList(req.query.expand, "expand"), req.account);
}

export const retrieveInvoice = (req: ApiRequest) => retrieve(req, "invoices", "invoice");
export const retrieveSubscription = (req: ApiRequest) => retrieve(req, "subscriptions", "subscription");

/** `GET /v1/invoice_payments`: by `invoice`, or by `payment[type]=payment_intent` and `payment[payment_intent]`. */
export function listInvoicePayments(req: ApiRequest): StripeObject {
	checkKeys(req.query, [...LIST_PARAMS, "invoice", "payment", "status"]);
	const filters: Record<string, string> = {};
	const invoice = asString(req.query.invoice, "invoice");
	if (invoice) filters.invoice = invoice;
	const status = asString(req.query.status, "status");
	if (status) filters.status = status;
	const payment = asObject(req.query.payment, "payment");
	if (payment) {
		checkKeys(payment, ["type", "payment_intent", "payment_record"], "payment");
		const type = asString(payment.type, "payment[type]");
		if (type !== "payment_intent" && type !== "payment_record")
			throw invalidRequest("Invalid payment[type]: must be one of payment_intent, payment_record", "payment[type]");
		filters["payment.type"] = type;
		const paymentIntent = asString(payment.payment_intent, "payment[payment_intent]");
		if (paymentIntent) filters["payment.payment_intent"] = paymentIntent;
	}
	const list = paginate(req.store, {
		collection: "invoice_payments",
		kind: "invoice_payment",
		url: "/v1/invoice_payments",
		account: req.account,
		filters,
		query: req.query,
	});
	return expand(req.store, list, asStringList(req.query.expand, "expand"), req.account);
}

export function defaultAccount(patch: StripeObject): StripeObject {
	const id = patch.id ?? newId("acct", 16);
	return deepMerge(
		{
			id,
			object: "account",
			business_profile: {
				mcc: "5734",
				name: null,
				support_email: null,
				support_phone: null,
				support_url: null,
				url: null,
			},
			business_type: "company",
			charges_enabled: true,
			country: "US",
			created: now() - 400 * 86_400,
			default_currency: "usd",
			details_submitted: true,
			email: null,
			metadata: {},
			payouts_enabled: true,
			settings: {
				dashboard: { display_name: null, timezone: "Etc/UTC" },
				payments: { statement_descriptor: null },
			},
			type: "standard",
		},
		patch,
	);
}

/** `GET /v1/account` (the caller's own account, or the connected one named by `Stripe-Account`). */
export function retrieveOwnAccount(req: ApiRequest): StripeObject {
	checkKeys(req.query, ["expand"]);
	const id = req.account ?? PLATFORM_ACCOUNT;
	// The emulator accepts any well-formed Stripe-Account header, so that account exists: unseeded, it has defaults.
	return req.store.objects.accounts.get(id)?.object ?? defaultAccount({ id });
}

/** `GET /v1/accounts/:id`. */
export function retrieveAccount(req: ApiRequest): StripeObject {
	checkKeys(req.query, ["expand"]);
	return accountOf(req.store, req.params.id!);
}

/** The id the platform's own account has in the emulator. */
export const PLATFORM_ACCOUNT = "acct_1EmulatorPlatform";

function accountOf(store: Store, id: string): StripeObject {
	const stored = store.objects.accounts.get(id)?.object;
	if (stored) return stored;
	if (id === PLATFORM_ACCOUNT) return defaultAccount({ id });
	throw noSuch("account", id);
}
