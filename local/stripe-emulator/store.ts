import { randomBytes } from "node:crypto";

// biome-ignore lint/suspicious/noExplicitAny: Stripe objects are open-ended JSON.
export type StripeObject = Record<string, any>;

export type Collection =
	| "customers"
	| "charges"
	| "payment_intents"
	| "disputes"
	| "files"
	| "early_fraud_warnings"
	| "refunds"
	| "invoices"
	| "invoice_payments"
	| "subscriptions"
	| "accounts";

export interface StoredObject {
	object: StripeObject;
	/** `acct_…` for an object of a connected account, null for the platform. */
	account: string | null;
	/** Insertion order, the tie-breaker of `created` when listing newest first. */
	seq: number;
}

export interface DisputeUpdateRecord {
	evidence: StripeObject;
	submit: boolean;
	idempotency_key: string | null;
	at: string;
}

export interface RequestLogEntry {
	request_id: string;
	method: string;
	path: string;
	query: string;
	status: number;
	idempotency_key: string | null;
	replayed: boolean;
	account: string | null;
	fault: string | null;
	at: string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Stripe-like ids: `dp_` followed by 24 random alphanumerics. */
export function newId(prefix: string, length = 24): string {
	const bytes = randomBytes(length);
	let out = "";
	for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
	return `${prefix}_${out}`;
}

export function now(): number {
	return Math.floor(Date.now() / 1000);
}

export function clone<T>(value: T): T {
	return structuredClone(value);
}

/** All emulator state; `reset()` empties it. */
export class Store {
	private seq = 0;
	readonly objects: Record<Collection, Map<string, StoredObject>> = {
		customers: new Map(),
		charges: new Map(),
		payment_intents: new Map(),
		disputes: new Map(),
		files: new Map(),
		early_fraud_warnings: new Map(),
		refunds: new Map(),
		invoices: new Map(),
		invoice_payments: new Map(),
		subscriptions: new Map(),
		accounts: new Map(),
	};
	readonly fileContents = new Map<string, Buffer>();
	readonly disputeUpdates = new Map<string, DisputeUpdateRecord[]>();
	readonly requests: RequestLogEntry[] = [];
	readonly events: StripeObject[] = [];
	readonly stats = { requests: 0, rateLimited: 0, faults: 0, replayed: 0 };

	reset(): void {
		for (const map of Object.values(this.objects)) map.clear();
		this.fileContents.clear();
		this.disputeUpdates.clear();
		this.requests.length = 0;
		this.events.length = 0;
		this.stats.requests = 0;
		this.stats.rateLimited = 0;
		this.stats.faults = 0;
		this.stats.replayed = 0;
	}

	put(collection: Collection, object: StripeObject, account: string | null): StoredObject {
		const existing = this.objects[collection].get(object.id);
		const stored = { object, account, seq: existing?.seq ?? ++this.seq };
		this.objects[collection].set(object.id, stored);
		return stored;
	}

	/** The object as seen by `account` (null = platform): objects of other accounts do not exist. */
	get(collection: Collection, id: string, account: string | null): StripeObject | undefined {
		const stored = this.objects[collection].get(id);
		return stored && stored.account === account ? stored.object : undefined;
	}

	/** Finds an object by id in any collection and account (test controls only). */
	find(id: string): { collection: Collection; stored: StoredObject } | undefined {
		for (const [collection, map] of Object.entries(this.objects) as [Collection, Map<string, StoredObject>][]) {
			const stored = map.get(id);
			if (stored) return { collection, stored };
		}
		return undefined;
	}

	/** Objects of one account, newest first (created desc, then insertion order desc). */
	list(collection: Collection, account: string | null): StoredObject[] {
		return [...this.objects[collection].values()]
			.filter((s) => s.account === account)
			.sort((a, b) => b.object.created - a.object.created || b.seq - a.seq);
	}
}
