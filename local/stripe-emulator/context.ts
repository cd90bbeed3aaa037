import type { FormObject } from "./forms";
import type { Store, StripeObject } from "./store";

export interface UploadedPart {
	filename: string;
	contentType: string;
	data: Buffer;
}

/** One authenticated API request, already parsed. */
export interface ApiRequest {
	method: string;
	path: string;
	/** Route parameters, e.g. `{ id: "dp_…" }`. */
	params: Record<string, string>;
	query: FormObject;
	body: FormObject;
	uploads: Map<string, UploadedPart>;
	account: string | null;
	idempotencyKey: string | null;
	/** Base URL of this emulator, for `url` fields. */
	baseUrl: string;
	store: Store;
}

/** A handler result sent as bytes rather than JSON (file contents). */
export class RawBody {
	constructor(
		readonly contentType: string,
		readonly data: Buffer,
	) {}
}

export type Handler = (req: ApiRequest) => StripeObject | RawBody | Promise<StripeObject>;
