import type Stripe from "stripe";
import type { Db } from "../db/client";
import { activitySource } from "./activity-span";
import { listArtifacts } from "./artifacts";
import { collectBilling, isRenewal } from "./billing";
import { loadCancellationState } from "./cancellations";
import { buildFacts } from "./facts";
import { loadActivityKinds } from "./kind-labels";
import { matchAccount, summariseAccount } from "./match";
import { gateRedFlags } from "./red-flags";
import {
	type ChargeListing,
	collectPriorPaymentsWithFirst,
	collectRefunds,
	customerIdOf,
	purchaseIpFromStripe,
	servicePeriodStartOf,
	summariseCharge,
	summariseCustomer,
	summariseDispute,
} from "./stripe-facts";
import type { CaseParts, CollectedCase } from "./types";
import { checkPurchaseIp, summariseChargeWindow, summariseUsage } from "./usage";
import { CANCEL_KINDS } from "./usage-facts";

export interface CollectDeps {
	db: Db;
	stripe: Stripe;
	merchantName: string;
	requestOptions?: Stripe.RequestOptions;
}

/** The case file plus the extras that `types.ts` does not declare (purchase IP, artifact count). */

/**
 * Builds the case file of one dispute: the Stripe summaries, the matched account, usage aggregates, the purchase
 * IP, earlier payments (one to three Stripe list calls) and the facts. `dispute`, `charge` (with `customer` and
 * `refunds` expanded, `payment_intent` when available) and `customer` must already be fresh from Stripe.
 * `rowsFetched` counts every database row read; it stays bounded whatever the activity volume. `chargeListing` is
 * the customer's earlier charges as read, for CE 3.0 (lib/evidence/assess.ts), so they are not listed twice.
 */
export async function collectEvidenceCase(
	deps: CollectDeps,
	dispute: Stripe.Dispute,
	charge: Stripe.Charge,
	customer: Stripe.Customer | null,
): Promise<{ evidenceCase: CollectedCase; rowsFetched: number; chargeListing: ChargeListing | null }> {
	const { db, stripe } = deps;
	let rowsFetched = 0;
	const chargeAt = new Date(charge.created * 1000);

	// Whether the activity summary is kept (lib/evidence/activity-span.ts), asked once for every query below.
	const [match, source] = await Promise.all([matchAccount(db, charge, customer), activitySource(db)]);
	if (match) rowsFetched += 1;
	const account = match ? summariseAccount(match.row, match.matchedBy) : null;

	const customerSummary = summariseCustomer(customer, charge);
	// Billing first: a renewal the merchant charged to a saved card has no purchase IP to infer.
	const billing = await collectBilling(stripe, charge, deps.requestOptions);
	const [usageResult, ipResult, artifactResult, prior, windowResult, refunds, cancellationState, activityKinds] =
		await Promise.all([
			account
				? summariseUsage(db, account.id, chargeAt, undefined, source)
				: Promise.resolve({ usage: null, rowsFetched: 0 }),
			checkPurchaseIp(db, account?.id ?? null, chargeAt, purchaseIpFromStripe(charge), {
				inferNearCharge: !isRenewal(billing),
				source,
			}),
			account ? listArtifacts(db, account.id) : Promise.resolve({ artifacts: [], count: 0, rowsFetched: 0 }),
			collectPriorPaymentsWithFirst(stripe, customerIdOf(charge, customer), charge, deps.requestOptions),
			account
				? summariseChargeWindow(db, account.id, chargeAt, servicePeriodStartOf(charge), source)
				: Promise.resolve({ window: null, rowsFetched: 0 }),
			collectRefunds(stripe, charge, deps.requestOptions),
			account ? loadCancellationState(db, account.id, chargeAt, [...CANCEL_KINDS], source) : Promise.resolve(null),
			account ? loadActivityKinds(db) : Promise.resolve([]),
		]);
	rowsFetched += usageResult.rowsFetched + ipResult.rowsFetched + artifactResult.rowsFetched + windowResult.rowsFetched;

	const parts: CaseParts = {
		merchantName: deps.merchantName,
		dispute: summariseDispute(dispute),
		charge: summariseCharge(charge),
		customer: customerSummary,
		account,
		usage: usageResult.usage,
		priorPayments: prior.prior,
		firstPaymentOnCard: prior.firstOnCard,
		artifacts: artifactResult.artifacts,
		purchaseIp: ipResult.purchaseIp,
		artifactCount: artifactResult.count,
		chargeWindow: usageResult.usage ? windowResult.window : null,
		refunds,
		billing,
		cancellationState,
		activityKinds,
	};
	// The red-flag gate: what argues for the cardholder is withheld from everything submitted, kept for the operator.
	const gated = gateRedFlags(parts, buildFacts(parts));
	return {
		evidenceCase: { ...gated.parts, redFlags: gated.redFlags, facts: gated.facts },
		rowsFetched,
		chargeListing: prior.listing,
	};
}
