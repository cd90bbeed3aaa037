import type { FaultRule } from "./faults";
import type { DisputeUpdateRecord, RequestLogEntry, StripeObject } from "./store";

export type { FaultRule } from "./faults";
export type { DisputeUpdateRecord, RequestLogEntry, StripeObject } from "./store";

export interface SeedInput {
	customers?: StripeObject[];
	payment_intents?: StripeObject[];
	charges?: StripeObject[];
	disputes?: StripeObject[];
	early_fraud_warnings?: StripeObject[];
	/** Connected accounts (and the platform's own, id `acct_1EmulatorPlatform`), for `GET /v1/account(s)`. */
	accounts?: StripeObject[];
	/** Subscriptions: `interval`, `current_period_start`/`_end` and `price` shape the one item. */
	subscriptions?: StripeObject[];
	/** Invoices: `subscription` links one, `payment_intent` records the invoice payment that paid it. */
	invoices?: StripeObject[];
}

export interface NewDisputeInput {
	charge: string;
	reason: string;
	amount?: number;
	status?: "needs_response" | "warning_needs_response";
	due_by?: number;
	network_reason_code?: string;
	/** `klarna` opens a Klarna dispute (no card; an inquiry with `warning_needs_response`). */
	payment_method_type?: "card" | "klarna";
	account?: string;
}

/** Typed access to the emulator's `/_emulator/*` test controls. */
export class EmulatorControls {
	constructor(private readonly baseUrl: string) {}

	private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: body === undefined ? {} : { "Content-Type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = (await res.json()) as T & { error?: { message: string } };
		if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error?.message ?? ""}`);
		return json;
	}

	reset = () => this.call<{ ok: true }>("POST", "/_emulator/reset");
	seed = (input: SeedInput) => this.call<Required<SeedInput>>("POST", "/_emulator/seed", input);
	createDispute = (input: NewDisputeInput) =>
		this.call<{ dispute: StripeObject; event: StripeObject }>("POST", "/_emulator/disputes", input);
	closeDispute = (id: string, status: "won" | "lost" | "warning_closed") =>
		this.call<{ dispute: StripeObject; event: StripeObject }>("POST", `/_emulator/disputes/${id}/outcome`, { status });
	event = (type: string, objectId: string) =>
		this.call<StripeObject>("POST", "/_emulator/events", { type, object_id: objectId });
	events = () => this.call<StripeObject[]>("GET", "/_emulator/events");
	updates = (disputeId: string) => this.call<DisputeUpdateRecord[]>("GET", `/_emulator/disputes/${disputeId}/updates`);
	requests = () => this.call<RequestLogEntry[]>("GET", "/_emulator/requests");
	stats = () =>
		this.call<{ requests: number; rateLimited: number; faults: number; replayed: number }>("GET", "/_emulator/stats");
	object = (id: string) =>
		this.call<{ collection: string; account: string | null; object: StripeObject }>("GET", `/_emulator/objects/${id}`);
	faults = (rules: FaultRule[]) => this.call<{ rules: number }>("POST", "/_emulator/faults", rules);
	clearFaults = () => this.call<{ ok: true }>("DELETE", "/_emulator/faults");

	async fileContents(id: string): Promise<Buffer> {
		const res = await fetch(`${this.baseUrl}/_emulator/files/${id}/contents`);
		if (!res.ok) throw new Error(`GET file contents ${id}: ${res.status}`);
		return Buffer.from(await res.arrayBuffer());
	}
}
