import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "../db/client";
import { plural } from "../format";
import { isoText, queryRows } from "./sql";
import {
	type ChargeListing,
	chargesCreatedBetween,
	listCustomerCharges,
	looksLikeIp,
	PURCHASE_IP_METADATA_KEYS,
} from "./stripe-facts";

/**
 * Visa Compelling Evidence 3.0, as Stripe documents it for `evidence[enhanced_evidence][visa_compelling_evidence_3]`:
 * a Visa dispute with network reason code 10.4, eligible per `enhanced_eligibility_types`, answered with the disputed
 * transaction and exactly two prior transactions on the same card that are paid, undisputed, not reported as fraud,
 * and 120 to 365 days older than the disputed one. The three transactions must share identifying elements: two of
 * the main elements (purchase IP, device id or fingerprint), or one main element and one secondary element
 * (customer account id, email address, full shipping address). Every element rebuttal sends comes from Stripe or
 * the merchant's activity at the time of each charge; nothing is guessed.
 */

export const CE3_MIN_AGE_DAYS = 120;
export const CE3_MAX_AGE_DAYS = 365;
/** Prior charges examined for matching elements (the most recent eligible ones). */
export const CE3_MAX_CANDIDATES = 10;
/** Pages of 100 charges listed from Stripe when looking for prior charges. */
export const CE3_LIST_PAGES = 3;
/** Minutes either side of a charge within which an activity's IP or device stands for that purchase's. */
export const CE3_ACTIVITY_WINDOW_MINUTES = 30;

export const MAIN_ELEMENTS = ["customer_purchase_ip", "device"] as const;
export const SECONDARY_ELEMENTS = ["customer_account_id", "customer_email_address", "shipping_address"] as const;
export type Ce3Element = (typeof MAIN_ELEMENTS)[number] | (typeof SECONDARY_ELEMENTS)[number];

export type Ce3Failure =
	| "not_visa"
	| "not_reason_10_4"
	| "not_eligible"
	| "stripe_not_qualified"
	| "no_customer"
	| "no_card_fingerprint"
	| "fewer_than_two_prior_charges"
	| "no_matching_elements"
	| "missing_product_description";

export interface Ce3Address {
	city: string;
	country: string;
	line1: string;
	line2: string | null;
	postal_code: string;
	state: string | null;
}

/** The identifying elements of one transaction. `device` is a device id (≥ 15 characters) or fingerprint (≥ 20). */
export interface Ce3Identity {
	charge: string;
	createdAt: number;
	customer_purchase_ip: string | null;
	device: { kind: "customer_device_id" | "customer_device_fingerprint"; value: string } | null;
	customer_account_id: string | null;
	customer_email_address: string | null;
	shipping_address: Ce3Address | null;
	product_description: string | null;
}

export interface Ce3Transaction {
	customer_account_id?: string;
	customer_device_fingerprint?: string;
	customer_device_id?: string;
	customer_email_address?: string;
	customer_purchase_ip?: string;
	product_description?: string;
	shipping_address?: Ce3Address;
}

export interface Ce3Evidence {
	disputed_transaction: Ce3Transaction & { merchandise_or_services: "merchandise" | "services" };
	prior_undisputed_transactions: [Ce3Transaction & { charge: string }, Ce3Transaction & { charge: string }];
}

export type Ce3Result =
	| {
			status: "qualified";
			matched: Ce3Element[];
			priorCharges: [string, string];
			evidence: Ce3Evidence;
	  }
	| {
			status: "not_applicable" | "not_qualified";
			failed: Ce3Failure;
			detail: string;
	  };

/** Whether the CE 3.0 program applies to the dispute at all, or which requirement rules it out. */
export function ce3Applicability(dispute: Stripe.Dispute): { failed: Ce3Failure; detail: string } | null {
	const card = dispute.payment_method_details?.card;
	const network = card?.network ?? card?.brand ?? null;
	if (network !== "visa")
		return { failed: "not_visa", detail: `the card network is ${network ?? "unknown"}, not Visa` };
	const code = card?.network_reason_code ?? null;
	if (code !== "10.4")
		return { failed: "not_reason_10_4", detail: `the Visa reason code is ${code ?? "unknown"}, not 10.4` };
	const types: readonly string[] = dispute.enhanced_eligibility_types ?? [];
	if (!types.includes("visa_compelling_evidence_3")) {
		return { failed: "not_eligible", detail: "Stripe does not list visa_compelling_evidence_3 as eligible" };
	}
	const status = (
		dispute.evidence_details?.enhanced_eligibility as { visa_compelling_evidence_3?: { status?: string } } | undefined
	)?.visa_compelling_evidence_3?.status;
	if (status === "not_qualified") {
		return { failed: "stripe_not_qualified", detail: "Stripe reports the dispute as not_qualified for CE 3.0" };
	}
	return null;
}

/**
 * Prior charges that may stand in CE 3.0: same card fingerprint, paid and succeeded, undisputed, not refunded in
 * full, not reported as fraud, not a zero-amount validation, 120–365 days before the disputed charge. Newest first.
 */
export function eligiblePriorCharges(charges: readonly Stripe.Charge[], disputed: Stripe.Charge): Stripe.Charge[] {
	const fingerprint = disputed.payment_method_details?.card?.fingerprint;
	const seen = new Set<string>();
	return charges
		.filter((c) => {
			if (seen.has(c.id) || c.id === disputed.id) return false;
			seen.add(c.id);
			const age = (disputed.created - c.created) / 86_400;
			return (
				age >= CE3_MIN_AGE_DAYS &&
				age <= CE3_MAX_AGE_DAYS &&
				c.payment_method_details?.card?.fingerprint === fingerprint &&
				c.paid &&
				c.status === "succeeded" &&
				!c.disputed &&
				!c.refunded &&
				c.amount > 0 &&
				c.fraud_details?.stripe_report !== "fraudulent" &&
				c.fraud_details?.user_report !== "fraudulent"
			);
		})
		.sort((a, b) => b.created - a.created);
}

function norm(value: string | null | undefined): string | null {
	const v = value?.trim().toLowerCase();
	return v ? v : null;
}

function addressKey(a: Ce3Address | null): string | null {
	if (!a) return null;
	return [a.line1, a.line2 ?? "", a.city, a.state ?? "", a.postal_code, a.country].map((x) => norm(x) ?? "").join("|");
}

function elementValue(t: Ce3Identity, element: Ce3Element): string | null {
	switch (element) {
		case "customer_purchase_ip":
			return norm(t.customer_purchase_ip);
		case "device":
			return t.device ? t.device.value.trim() : null;
		case "customer_account_id":
			return t.customer_account_id?.trim() || null;
		case "customer_email_address":
			return norm(t.customer_email_address);
		case "shipping_address":
			return addressKey(t.shipping_address);
	}
}

/** The elements present and equal in all given transactions. */
export function matchingElements(transactions: readonly Ce3Identity[]): Ce3Element[] {
	return [...MAIN_ELEMENTS, ...SECONDARY_ELEMENTS].filter((element) => {
		const values = transactions.map((t) => elementValue(t, element));
		return values[0] !== null && values.every((v) => v === values[0]);
	});
}

/** Visa's rule: two main elements, or one main and one secondary. */
export function satisfiesMatchRule(matched: readonly Ce3Element[]): boolean {
	const main = matched.filter((e) => (MAIN_ELEMENTS as readonly string[]).includes(e)).length;
	const secondary = matched.filter((e) => (SECONDARY_ELEMENTS as readonly string[]).includes(e)).length;
	return main >= 2 || (main >= 1 && secondary >= 1);
}

function transactionOf(t: Ce3Identity, matched: readonly Ce3Element[]): Ce3Transaction {
	const out: Ce3Transaction = {};
	// Send every matched element, plus the product description Visa requires.
	for (const element of matched) {
		if (element === "device" && t.device) out[t.device.kind] = t.device.value;
		else if (element === "shipping_address" && t.shipping_address) out.shipping_address = t.shipping_address;
		else if (element === "customer_purchase_ip" && t.customer_purchase_ip)
			out.customer_purchase_ip = t.customer_purchase_ip;
		else if (element === "customer_account_id" && t.customer_account_id)
			out.customer_account_id = t.customer_account_id;
		else if (element === "customer_email_address" && t.customer_email_address)
			out.customer_email_address = t.customer_email_address;
	}
	if (t.product_description) out.product_description = t.product_description;
	return out;
}

/**
 * Picks the best pair of prior transactions (most matched elements, then most recent) that, with the disputed one,
 * satisfies Visa's matching rule, and builds the enhanced evidence. Pure: no network, no database.
 */
export function qualifyCe3(
	disputed: Ce3Identity,
	priors: readonly Ce3Identity[],
	merchandiseOrServices: "merchandise" | "services" = "services",
): Ce3Result {
	if (priors.length < 2) {
		return {
			status: "not_qualified",
			failed: "fewer_than_two_prior_charges",
			detail: `${plural(priors.length, "paid, undisputed prior charge")} on the same card 120–365 days before the disputed one; Visa requires two`,
		};
	}
	let best: { pair: [Ce3Identity, Ce3Identity]; matched: Ce3Element[] } | null = null;
	let closest: Ce3Element[] = [];
	for (let i = 0; i < priors.length; i++) {
		for (let j = i + 1; j < priors.length; j++) {
			const pair: [Ce3Identity, Ce3Identity] = [priors[i]!, priors[j]!];
			const matched = matchingElements([disputed, ...pair]);
			if (matched.length > closest.length) closest = matched;
			if (!satisfiesMatchRule(matched)) continue;
			if (!best || matched.length > best.matched.length) best = { pair, matched };
		}
	}
	if (!best) {
		return {
			status: "not_qualified",
			failed: "no_matching_elements",
			detail: `no two prior charges share with the disputed one two main elements (purchase IP, device) or one main and one secondary (account id, email, shipping address); best match: ${closest.length ? closest.join(", ") : "none"}`,
		};
	}
	const missing = [disputed, ...best.pair].find((t) => !t.product_description);
	if (missing) {
		return {
			status: "not_qualified",
			failed: "missing_product_description",
			detail: `charge ${missing.charge} has no product description`,
		};
	}
	const [p1, p2] = best.pair;
	return {
		status: "qualified",
		matched: best.matched,
		priorCharges: [p1.charge, p2.charge],
		evidence: {
			disputed_transaction: {
				...transactionOf(disputed, best.matched),
				merchandise_or_services: merchandiseOrServices,
			},
			prior_undisputed_transactions: [
				{ charge: p1.charge, ...transactionOf(p1, best.matched) },
				{ charge: p2.charge, ...transactionOf(p2, best.matched) },
			],
		},
	};
}

export interface Ce3Deps {
	db: Db;
	stripe: Stripe;
	requestOptions?: Stripe.RequestOptions;
}

export interface Ce3Context {
	/** The merchant's account id of the matched account, or null. */
	accountId: string | null;
	/** Email of the customer (account or Stripe). */
	email: string | null;
	/** Fallback description when a charge has none. */
	productDescription: string | null;
	/** The disputed purchase's IP as the case file found it. */
	purchaseIp: string | null;
	/** The customer's earlier charges the case file listed: the window is read from them when they hold it all. */
	chargeListing?: ChargeListing | null;
}

/** Metadata keys under which merchants record the buyer's device id or fingerprint at checkout. */
export const DEVICE_METADATA_KEYS = ["device_fingerprint", "device_id"] as const;

function deviceFrom(value: string | null | undefined, hint: "id" | "fingerprint" | null): Ce3Identity["device"] {
	const v = value?.trim();
	if (!v) return null;
	if (hint !== "id" && v.length >= 20) return { kind: "customer_device_fingerprint", value: v };
	if (v.length >= 15) return { kind: "customer_device_id", value: v };
	return null;
}

function shippingOf(charge: Stripe.Charge): Ce3Address | null {
	const a = charge.shipping?.address;
	if (!a?.line1 || !a.city || !a.postal_code || !a.country) return null;
	return {
		city: a.city,
		country: a.country,
		line1: a.line1,
		line2: a.line2 ?? null,
		postal_code: a.postal_code,
		state: a.state ?? null,
	};
}

/** The identity of one charge: Stripe's data, then the account's activity closest to the charge time. */
async function identityOf(
	db: Db,
	charge: Stripe.Charge,
	ctx: Ce3Context,
	knownIp: string | null,
): Promise<{ identity: Ce3Identity; rowsFetched: number }> {
	const md = charge.metadata ?? {};
	let ip = knownIp ?? PURCHASE_IP_METADATA_KEYS.map((k) => md[k]?.trim()).find((v) => v && looksLikeIp(v)) ?? null;
	let device =
		deviceFrom(md.device_fingerprint, "fingerprint") ??
		deviceFrom(md.device_id, "id") ??
		(null as Ce3Identity["device"]);
	let rowsFetched = 0;
	if (ctx.accountId && (!ip || !device)) {
		const at = new Date(charge.created * 1000).toISOString();
		const rows = await queryRows<{ ip: string | null; device_id: string | null; at: string }>(
			db,
			sql`(select ip, null::text as device_id, ${isoText(sql`occurred_at`)} as at from rebuttal.activity
				where account_id = ${ctx.accountId} and ip is not null
					and occurred_at between ${at}::timestamptz - make_interval(mins => ${CE3_ACTIVITY_WINDOW_MINUTES})
					and ${at}::timestamptz + make_interval(mins => ${CE3_ACTIVITY_WINDOW_MINUTES})
				order by abs(extract(epoch from occurred_at - ${at}::timestamptz)), occurred_at, id limit 1)
			union all
			(select null::text as ip, device_id, ${isoText(sql`occurred_at`)} as at from rebuttal.activity
				where account_id = ${ctx.accountId} and device_id is not null
					and occurred_at between ${at}::timestamptz - make_interval(mins => ${CE3_ACTIVITY_WINDOW_MINUTES})
					and ${at}::timestamptz + make_interval(mins => ${CE3_ACTIVITY_WINDOW_MINUTES})
				order by abs(extract(epoch from occurred_at - ${at}::timestamptz)), occurred_at, id limit 1)`,
		);
		rowsFetched += rows.length;
		ip ??= rows.find((r) => r.ip)?.ip ?? null;
		device ??= deviceFrom(rows.find((r) => r.device_id)?.device_id, null);
	}
	return {
		identity: {
			charge: charge.id,
			createdAt: charge.created,
			customer_purchase_ip: ip,
			device,
			customer_account_id: ctx.accountId,
			customer_email_address: charge.billing_details?.email ?? charge.receipt_email ?? ctx.email,
			shipping_address: shippingOf(charge),
			product_description: charge.description?.trim() || ctx.productDescription,
		},
		rowsFetched,
	};
}

/**
 * Decides CE 3.0 for a dispute: applicability, the customer's prior charges on the same card (read from the case
 * file's listing when it holds the whole window, else at most {@link CE3_LIST_PAGES} Stripe list calls), each
 * candidate's identity (one bounded query each, at most {@link CE3_MAX_CANDIDATES}), and the match. A result that
 * is not qualified names the requirement that failed.
 */
export async function assessCe3(
	deps: Ce3Deps,
	dispute: Stripe.Dispute,
	charge: Stripe.Charge,
	ctx: Ce3Context,
): Promise<{ result: Ce3Result; rowsFetched: number }> {
	const notApplicable = ce3Applicability(dispute);
	if (notApplicable) return { result: { status: "not_applicable", ...notApplicable }, rowsFetched: 0 };
	const customerId = typeof charge.customer === "string" ? charge.customer : (charge.customer?.id ?? null);
	if (!customerId) {
		return {
			result: {
				status: "not_qualified",
				failed: "no_customer",
				detail: "the charge has no Stripe customer, so earlier charges on the card cannot be listed",
			},
			rowsFetched: 0,
		};
	}
	if (!charge.payment_method_details?.card?.fingerprint) {
		return {
			result: { status: "not_qualified", failed: "no_card_fingerprint", detail: "the charge has no card fingerprint" },
			rowsFetched: 0,
		};
	}
	const window = { gte: charge.created - CE3_MAX_AGE_DAYS * 86_400, lte: charge.created - CE3_MIN_AGE_DAYS * 86_400 };
	const listed =
		chargesCreatedBetween(ctx.chargeListing, customerId, window.gte, window.lte) ??
		(await listCustomerCharges(deps.stripe, customerId, window, CE3_LIST_PAGES, deps.requestOptions)).charges;
	const candidates = eligiblePriorCharges(listed, charge).slice(0, CE3_MAX_CANDIDATES);
	let rowsFetched = 0;
	const disputed = await identityOf(deps.db, charge, ctx, ctx.purchaseIp);
	rowsFetched += disputed.rowsFetched;
	const priors: Ce3Identity[] = [];
	for (const c of candidates) {
		const p = await identityOf(deps.db, c, ctx, null);
		rowsFetched += p.rowsFetched;
		priors.push(p.identity);
	}
	return { result: qualifyCe3(disputed.identity, priors), rowsFetched };
}
