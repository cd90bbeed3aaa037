import type { ApiRequest } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { asInteger, asObject, asString, checkKeys, type FormObject, type FormValue } from "./forms";
import type { Collection, Store, StoredObject, StripeObject } from "./store";

export interface ListOptions {
	collection: Collection;
	kind: string;
	url: string;
	account: string | null;
	/** Filters by exact field value, e.g. `{ charge: "ch_1" }` or `{ "payment.payment_intent": "pi_1" }`. */
	filters: Record<string, string>;
	query: FormObject;
}

export const LIST_PARAMS = ["limit", "starting_after", "ending_before", "created", "expand"] as const;

function createdFilter(value: FormValue | undefined): (created: number) => boolean {
	if (value === undefined) return () => true;
	if (typeof value === "string") {
		const exact = asInteger(value, "created");
		return (created) => created === exact;
	}
	const range = asObject(value, "created") ?? {};
	checkKeys(range, ["gt", "gte", "lt", "lte"], "created");
	const gt = asInteger(range.gt, "created[gt]");
	const gte = asInteger(range.gte, "created[gte]");
	const lt = asInteger(range.lt, "created[lt]");
	const lte = asInteger(range.lte, "created[lte]");
	return (c) =>
		(gt === undefined || c > gt) &&
		(gte === undefined || c >= gte) &&
		(lt === undefined || c < lt) &&
		(lte === undefined || c <= lte);
}

/**
 * A list endpoint that filters by exact values of `filterFields`, each a query parameter of the same name (a
 * request with any other parameter than those and {@link LIST_PARAMS} is rejected): one page, newest first.
 */
export function filteredList(
	req: ApiRequest,
	opts: Pick<ListOptions, "collection" | "kind" | "url">,
	filterFields: readonly string[],
): ReturnType<typeof paginate> {
	checkKeys(req.query, [...LIST_PARAMS, ...filterFields]);
	const filters: Record<string, string> = {};
	for (const field of filterFields) {
		const value = asString(req.query[field], field);
		if (value) filters[field] = value;
	}
	return paginate(req.store, { ...opts, account: req.account, filters, query: req.query });
}

/** Newest first; a page after/before a cursor object, `has_more` in the paging direction. */
export function paginate(
	store: Store,
	opts: ListOptions,
): { object: "list"; data: StripeObject[]; has_more: boolean; url: string } {
	const { query } = opts;
	const limit = asInteger(query.limit, "limit") ?? 10;
	if (limit < 1 || limit > 100) {
		throw invalidRequest("Invalid limit: must be between 1 and 100", "limit");
	}
	const startingAfter = asString(query.starting_after, "starting_after");
	const endingBefore = asString(query.ending_before, "ending_before");
	if (startingAfter && endingBefore) {
		throw invalidRequest(
			"You may only specify one of these parameters: ending_before, starting_after.",
			"ending_before",
		);
	}
	const inRange = createdFilter(query.created);
	const all = store.list(opts.collection, opts.account);
	const matching = all.filter(
		(s) =>
			inRange(s.object.created) &&
			Object.entries(opts.filters).every(([field, value]) => {
				// A dotted field (`payment.payment_intent`) filters on a nested value.
				const actual = field.split(".").reduce<StripeObject | undefined>((o, k) => o?.[k], s.object);
				return (typeof actual === "object" && actual !== null ? actual.id : actual) === value;
			}),
	);
	const cursorId = startingAfter ?? endingBefore;
	let page: StoredObject[];
	let hasMore: boolean;
	if (cursorId) {
		const param = startingAfter ? "starting_after" : "ending_before";
		const cursor = all.find((s) => s.object.id === cursorId);
		if (!cursor) throw noSuch(opts.kind, cursorId, param, 400);
		const newer = (s: StoredObject) =>
			s.object.created > cursor.object.created || (s.object.created === cursor.object.created && s.seq > cursor.seq);
		if (startingAfter) {
			const older = matching.filter((s) => s !== cursor && !newer(s));
			page = older.slice(0, limit);
			hasMore = older.length > limit;
		} else {
			const newerItems = matching.filter(newer);
			page = newerItems.slice(Math.max(0, newerItems.length - limit));
			hasMore = newerItems.length > limit;
		}
	} else {
		page = matching.slice(0, limit);
		hasMore = matching.length > limit;
	}
	return { object: "list", data: page.map((s) => s.object), has_more: hasMore, url: opts.url };
}
