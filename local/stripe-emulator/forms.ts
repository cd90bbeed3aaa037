import { invalidRequest, unknownParameter } from "./errors";

/** A decoded form value: strings at the leaves, objects and arrays for bracket notation. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** Splits `a[b][0][c]` into `["a", "b", "0", "c"]`; `a[]` yields an empty segment (append). */
function splitKey(key: string): string[] | null {
	const open = key.indexOf("[");
	if (open === -1) return [key];
	const parts = [key.slice(0, open)];
	const rest = key.slice(open);
	const re = /\[([^[\]]*)\]/gy;
	let match = re.exec(rest);
	let consumed = 0;
	while (match) {
		parts.push(match[1] ?? "");
		consumed = re.lastIndex;
		match = re.exec(rest);
	}
	return consumed === rest.length && parts[0] !== "" ? parts : null;
}

/**
 * Decodes `application/x-www-form-urlencoded` pairs the way Stripe reads them:
 * `evidence[receipt]=file_1`, `expand[0]=charge`, `expand[]=charge`, `created[gte]=1`.
 */
export function decodeForm(pairs: Iterable<[string, string]>): FormObject {
	const root: Record<string, unknown> = {};
	for (const [rawKey, value] of pairs) {
		const path = splitKey(rawKey);
		if (!path) throw invalidRequest(`Invalid parameter name: ${rawKey}`, rawKey);
		let node: Record<string, unknown> = root;
		for (let i = 0; i < path.length; i++) {
			let segment = path[i]!;
			const last = i === path.length - 1;
			if (segment === "") segment = String(Object.keys(node).length);
			if (last) {
				if (typeof node[segment] === "object") throw invalidRequest(`Invalid parameter: ${rawKey}`, rawKey);
				node[segment] = value;
			} else {
				const next = node[segment];
				if (typeof next === "string") throw invalidRequest(`Invalid parameter: ${rawKey}`, rawKey);
				if (next === undefined) node[segment] = {};
				node = node[segment] as Record<string, unknown>;
			}
		}
	}
	return toArrays(root) as FormObject;
}

/** Objects whose keys are all array indices become arrays (`expand[0]`, `prior_undisputed_transactions[1][charge]`). */
function toArrays(node: unknown): FormValue {
	if (typeof node === "string") return node;
	const obj = node as Record<string, unknown>;
	const keys = Object.keys(obj);
	const converted: Record<string, FormValue> = {};
	for (const key of keys) converted[key] = toArrays(obj[key]);
	if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
		return keys
			.map(Number)
			.sort((a, b) => a - b)
			.map((k) => converted[String(k)]!);
	}
	return converted;
}

export function parseQuery(search: string): FormObject {
	return decodeForm(new URLSearchParams(search).entries());
}

/** Rejects any key not in `allowed` with Stripe's `parameter_unknown` (param named in bracket notation). */
export function checkKeys(obj: FormObject, allowed: readonly string[], prefix?: string): void {
	for (const key of Object.keys(obj)) {
		if (!allowed.includes(key)) throw unknownParameter(prefix ? `${prefix}[${key}]` : key);
	}
}

export function isObject(value: FormValue | undefined): value is FormObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asString(value: FormValue | undefined, param: string): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== "string") throw invalidRequest(`Invalid string: ${param} must be a string`, param);
	return value;
}

export function asObject(value: FormValue | undefined, param: string): FormObject | undefined {
	if (value === undefined) return undefined;
	if (!isObject(value)) throw invalidRequest(`Invalid object: ${param} must be a hash`, param);
	return value;
}

export function asBoolean(value: FormValue | undefined, param: string): boolean | undefined {
	if (value === undefined) return undefined;
	if (value === "true") return true;
	if (value === "false") return false;
	throw invalidRequest(`Invalid boolean: ${typeof value === "string" ? value : "(object)"}`, param);
}

export function asInteger(value: FormValue | undefined, param: string): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== "string" || !/^-?\d+$/.test(value)) {
		throw invalidRequest(`Invalid integer: ${typeof value === "string" ? value : "(object)"}`, param);
	}
	return Number(value);
}

/** `expand[0]=a&expand[1]=b` (or a single `expand=a`) → `["a", "b"]`. */
export function asStringList(value: FormValue | undefined, param: string): string[] {
	if (value === undefined) return [];
	if (typeof value === "string") return value === "" ? [] : [value];
	if (!Array.isArray(value)) throw invalidRequest(`Invalid array: ${param} must be an array`, param);
	return value.map((v, i) => {
		if (typeof v !== "string") throw invalidRequest(`Invalid string: ${param}[${i}]`, `${param}[${i}]`);
		return v;
	});
}
