import { StripeApiError } from "./errors";

interface Entry {
	method: string;
	path: string;
	fingerprint: string;
	response: { status: number; body: unknown; requestId: string } | null;
}

export type IdempotencyOutcome =
	| { kind: "new"; complete: (status: number, body: unknown, requestId: string) => void; release: () => void }
	| { kind: "replay"; status: number; body: unknown; requestId: string };

/**
 * Stripe's idempotency layer: the first response for a key is saved and replayed to later requests with the same
 * key and parameters; other parameters are a 400 `idempotency_error`, a request still in flight a 409.
 * Keys are scoped per API key and connected account.
 */
export class IdempotencyStore {
	private entries = new Map<string, Entry>();

	clear(): void {
		this.entries.clear();
	}

	begin(scope: string, key: string, method: string, path: string, fingerprint: string): IdempotencyOutcome {
		const id = `${scope}\u0000${key}`;
		const existing = this.entries.get(id);
		if (existing) {
			if (existing.method !== method || existing.path !== path) {
				throw new StripeApiError(
					400,
					"idempotency_error",
					`Keys for idempotent requests can only be used for the same endpoint they were first used for ('${existing.method} ${existing.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
					{ storable: false },
				);
			}
			if (existing.fingerprint !== fingerprint) {
				throw new StripeApiError(
					400,
					"idempotency_error",
					`Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
					{ storable: false },
				);
			}
			if (!existing.response) {
				throw new StripeApiError(
					409,
					"idempotency_error",
					`There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
					{ storable: false },
				);
			}
			return { kind: "replay", ...existing.response };
		}
		const entry: Entry = { method, path, fingerprint, response: null };
		this.entries.set(id, entry);
		return {
			kind: "new",
			complete: (status, body, requestId) => {
				entry.response = { status, body, requestId };
			},
			release: () => {
				if (this.entries.get(id) === entry) this.entries.delete(id);
			},
		};
	}
}
