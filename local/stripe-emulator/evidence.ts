import { invalidRequest, noSuch } from "./errors";
import { asBoolean, asObject, asString, checkKeys, type FormObject, type FormValue, isObject } from "./forms";
import { EVIDENCE_FILE_FIELDS, EVIDENCE_TEXT_FIELDS } from "./shapes";
import type { Store, StripeObject } from "./store";

export const MAX_FIELD_CHARS = 20_000;
export const MAX_TOTAL_CHARS = 150_000;

const TEXT = new Set<string>(EVIDENCE_TEXT_FIELDS);
const FILES = new Set<string>(EVIDENCE_FILE_FIELDS);
const ALLOWED = [...EVIDENCE_TEXT_FIELDS, ...EVIDENCE_FILE_FIELDS, "enhanced_evidence"];

const CE3_TXN_FIELDS = [
	"customer_account_id",
	"customer_device_fingerprint",
	"customer_device_id",
	"customer_email_address",
	"customer_purchase_ip",
	"product_description",
	"shipping_address",
] as const;
const ADDRESS_FIELDS = ["city", "country", "line1", "line2", "postal_code", "state"];

export function textLength(value: string, param: string): string {
	if (value.length > MAX_FIELD_CHARS) {
		throw invalidRequest(
			`Invalid string for ${param}: must be at most ${MAX_FIELD_CHARS} characters (got ${value.length}).`,
			param,
			"string_too_long",
		);
	}
	return value;
}

export function fileField(store: Store, id: string, param: string, account: string | null): string {
	const file = store.get("files", id, account);
	if (!file) throw noSuch("file upload", id, param, 400);
	if (file.purpose !== "dispute_evidence") {
		throw invalidRequest(
			`The file ${id} has purpose \`${file.purpose}\`, but evidence files must be uploaded with purpose \`dispute_evidence\`.`,
			param,
		);
	}
	return id;
}

function address(value: FormValue | undefined, param: string): StripeObject | undefined {
	if (value === "") return undefined;
	const obj = asObject(value, param);
	if (!obj) return undefined;
	checkKeys(obj, ADDRESS_FIELDS, param);
	const out: StripeObject = {};
	for (const field of ADDRESS_FIELDS) out[field] = asString(obj[field], `${param}[${field}]`) || null;
	return out;
}

/** One CE 3.0 transaction (disputed or prior), validated like Stripe: device ids have minimum lengths. */
function ce3Transaction(value: FormValue | undefined, param: string, prior: boolean): StripeObject {
	const obj = asObject(value, param) ?? {};
	checkKeys(obj, prior ? ["charge", ...CE3_TXN_FIELDS] : ["merchandise_or_services", ...CE3_TXN_FIELDS], param);
	const out: StripeObject = {};
	for (const field of CE3_TXN_FIELDS) {
		const p = `${param}[${field}]`;
		if (obj[field] === undefined) continue;
		if (field === "shipping_address") {
			out[field] = address(obj[field], p) ?? null;
			continue;
		}
		const text = asString(obj[field], p);
		if (field === "customer_device_fingerprint" && text && text.length < 20) {
			throw invalidRequest(`${p} must be at least 20 characters.`, p);
		}
		if (field === "customer_device_id" && text && text.length < 15) {
			throw invalidRequest(`${p} must be at least 15 characters.`, p);
		}
		out[field] = text ? textLength(text, p) : null;
	}
	if (!prior && obj.merchandise_or_services !== undefined) {
		const kind = asString(obj.merchandise_or_services, `${param}[merchandise_or_services]`);
		if (kind !== "merchandise" && kind !== "services") {
			throw invalidRequest(
				`Invalid ${param}[merchandise_or_services]: must be one of merchandise, services`,
				`${param}[merchandise_or_services]`,
			);
		}
		out.merchandise_or_services = kind;
	}
	if (prior) {
		const charge = asString(obj.charge, `${param}[charge]`);
		if (!charge)
			throw invalidRequest(`Missing required param: ${param}[charge].`, `${param}[charge]`, "parameter_missing");
		out.charge = charge;
	}
	return out;
}

function emptyTxn(prior: boolean): StripeObject {
	const out: StripeObject = {};
	for (const field of CE3_TXN_FIELDS) out[field] = null;
	if (!prior) out.merchandise_or_services = null;
	return out;
}

/** Parses `evidence[enhanced_evidence]` and merges it into the dispute's current enhanced evidence. */
/**
 * A CE 3.0 prior transaction must be a paid, undisputed charge on the same card (fingerprint) as the disputed one,
 * 120 to 365 days before it; Stripe refuses others.
 */
function checkPriorCharge(prior: StripeObject, disputed: StripeObject, param: string): void {
	const age = (disputed.created - prior.created) / 86_400;
	const problem =
		prior.id === disputed.id
			? "is the disputed charge"
			: prior.payment_method_details?.card?.fingerprint !== disputed.payment_method_details?.card?.fingerprint
				? "was not made with the disputed card"
				: !prior.paid || prior.status !== "succeeded"
					? "is not a paid charge"
					: prior.disputed
						? "has been disputed"
						: age < 120 || age > 365
							? `is ${Math.floor(age)} days older than the disputed charge, outside 120 to 365 days`
							: null;
	if (problem) {
		throw invalidRequest(`The charge ${prior.id} ${problem}: it cannot be a prior undisputed transaction.`, param);
	}
}

function enhanced(
	store: Store,
	value: FormValue,
	current: StripeObject,
	account: string | null,
	disputed: StripeObject | undefined,
): StripeObject {
	const param = "evidence[enhanced_evidence]";
	if (value === "") return {};
	const obj = asObject(value, param) ?? {};
	checkKeys(obj, ["visa_compelling_evidence_3", "visa_compliance", "mastercard_compliance"], param);
	const out = structuredClone(current);
	for (const program of ["visa_compliance", "mastercard_compliance"] as const) {
		const v = asObject(obj[program], `${param}[${program}]`);
		if (!v) continue;
		checkKeys(v, ["fee_acknowledged"], `${param}[${program}]`);
		out[program] = {
			fee_acknowledged: asBoolean(v.fee_acknowledged, `${param}[${program}][fee_acknowledged]`) ?? false,
		};
	}
	const ce3Param = `${param}[visa_compelling_evidence_3]`;
	const ce3 = asObject(obj.visa_compelling_evidence_3, ce3Param);
	if (ce3) {
		checkKeys(ce3, ["disputed_transaction", "prior_undisputed_transactions"], ce3Param);
		const target = out.visa_compelling_evidence_3 ?? { disputed_transaction: null, prior_undisputed_transactions: [] };
		if (ce3.disputed_transaction !== undefined) {
			const txn = ce3Transaction(ce3.disputed_transaction, `${ce3Param}[disputed_transaction]`, false);
			target.disputed_transaction = { ...(target.disputed_transaction ?? emptyTxn(false)), ...txn };
		}
		if (ce3.prior_undisputed_transactions !== undefined) {
			const listParam = `${ce3Param}[prior_undisputed_transactions]`;
			const list = ce3.prior_undisputed_transactions;
			const items = list === "" ? [] : Array.isArray(list) ? list : null;
			if (!items) throw invalidRequest(`Invalid array: ${listParam}`, listParam);
			if (items.length > 2) throw invalidRequest(`${listParam} must contain at most 2 transactions.`, listParam);
			target.prior_undisputed_transactions = items.map((item, i) => {
				const txn = ce3Transaction(item, `${listParam}[${i}]`, true);
				const prior = store.get("charges", txn.charge, account);
				if (!prior) throw noSuch("charge", txn.charge, `${listParam}[${i}][charge]`, 400);
				if (disputed) checkPriorCharge(prior, disputed, `${listParam}[${i}][charge]`);
				return { ...emptyTxn(true), ...txn };
			});
		}
		out.visa_compelling_evidence_3 = target;
	}
	return out;
}

/**
 * Validates `evidence[...]` of a dispute update and returns the merged evidence.
 * Unknown fields, over-long texts, missing or non-`dispute_evidence` files are 400s naming the field.
 */
export function mergeEvidence(
	store: Store,
	current: StripeObject,
	raw: FormValue,
	account: string | null,
	disputedCharge?: StripeObject,
): StripeObject {
	if (!isObject(raw)) throw invalidRequest("Invalid object: evidence must be a hash", "evidence");
	const input: FormObject = raw;
	checkKeys(input, ALLOWED, "evidence");
	const merged = structuredClone(current);
	for (const [field, value] of Object.entries(input)) {
		const param = `evidence[${field}]`;
		if (field === "enhanced_evidence") {
			merged.enhanced_evidence = enhanced(store, value, current.enhanced_evidence ?? {}, account, disputedCharge);
			continue;
		}
		const text = asString(value, param) ?? "";
		if (TEXT.has(field)) merged[field] = text === "" ? null : textLength(text, param);
		else if (FILES.has(field)) merged[field] = text === "" ? null : fileField(store, text, param, account);
	}
	let total = 0;
	for (const field of EVIDENCE_TEXT_FIELDS) total += (merged[field] as string | null)?.length ?? 0;
	if (total > MAX_TOTAL_CHARS) {
		throw invalidRequest(
			`The combined length of all evidence text fields is ${total} characters; it must be at most ${MAX_TOTAL_CHARS}.`,
			"evidence",
			"string_too_long",
		);
	}
	return merged;
}
