import type Stripe from "stripe";
import { onBehalfOf } from "./client";
import { stripeCall } from "./errors";

/**
 * How long an isolate trusts a Stripe account it has read. The account (business name, support contact, country)
 * is the same for every dispute of a burst, so it is read once per isolate and key, not once per dispute; a change
 * made in Stripe's dashboard reaches the evidence within this long.
 */
export const ACCOUNT_TTL_MS = 5 * 60_000;

/** At most this many accounts are kept (a platform answering for many connected accounts); the oldest go first. */
export const ACCOUNT_CACHE_MAX = 500;

/** The account a dispute belongs to: the connected account it names, else the platform's own. */
export type AccountReader = (stripeAccount: string | null) => Promise<Stripe.Account>;

interface Entry {
	expiresAt: number;
	account: Promise<Stripe.Account>;
}

/**
 * Accounts read through `GET /v1/account` (with `Stripe-Account` for a connected one), shared by every batch of
 * an isolate. Concurrent reads of one account share one request; a failed read is not kept, so the next one asks
 * Stripe again.
 */
export class AccountCache {
	private readonly entries = new Map<string, Entry>();

	constructor(
		readonly ttlMs = ACCOUNT_TTL_MS,
		private readonly now: () => number = () => Date.now(),
		readonly maxEntries = ACCOUNT_CACHE_MAX,
	) {}

	/**
	 * The reader of one Stripe client. `scope` names the key and API base the client uses (a fingerprint, never the
	 * key itself), so two keys never share an account.
	 */
	reader(stripe: Stripe, scope: string | Promise<string>): AccountReader {
		return async (stripeAccount) => {
			const key = `${await scope}|${stripeAccount ?? ""}`;
			const hit = this.entries.get(key);
			if (hit && hit.expiresAt > this.now()) return hit.account;
			const account = stripeCall("retrieve account", () =>
				stripe.accounts.retrieveCurrent({}, onBehalfOf(stripeAccount)),
			);
			const entry = { expiresAt: this.now() + this.ttlMs, account };
			this.entries.delete(key);
			this.entries.set(key, entry);
			this.trim();
			account.catch(() => {
				if (this.entries.get(key) === entry) this.entries.delete(key);
			});
			return account;
		};
	}

	private trim() {
		if (this.entries.size <= this.maxEntries) return;
		const now = this.now();
		for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
		// Map keeps insertion order, and a refreshed entry is re-inserted: the first keys are the oldest reads.
		for (const key of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(key);
		}
	}
}
