import { invalidRequest } from "./errors";
import { fileField, textLength } from "./evidence";
import { asString, asStringList, checkKeys, type FormValue, isObject } from "./forms";
import type { Store, StripeObject } from "./store";

/** Stripe's appeal statuses (API 2026-10-28): the issuer decided, and the merchant may answer once more. */
export const APPEAL_OPEN = "appeal_needs_response";
export const APPEAL_REVIEW = "appeal_under_review";

/**
 * Validates the evidence of an update in `appeal_needs_response`: only `evidence[appeal][card]` with
 * `reason_for_filing` (text) and `supporting_files` (dispute_evidence file ids) is accepted; any other evidence is
 * a 400, as Stripe refuses it. Returns the dispute's evidence with the appeal merged in.
 */
export function mergeAppealEvidence(store: Store, current: StripeObject, raw: FormValue, account: string | null) {
	if (!isObject(raw)) throw invalidRequest("Invalid object: evidence must be a hash", "evidence");
	const other = Object.keys(raw).filter((k) => k !== "appeal");
	if (other.length > 0) {
		throw invalidRequest(
			`In status \`${APPEAL_OPEN}\` only evidence[appeal][card] may be sent; evidence[${other[0]}] is not accepted.`,
			`evidence[${other[0]}]`,
		);
	}
	const appeal = raw.appeal;
	if (!isObject(appeal)) throw invalidRequest("Invalid object: evidence[appeal] must be a hash", "evidence[appeal]");
	checkKeys(appeal, ["card"], "evidence[appeal]");
	const card = appeal.card;
	if (!isObject(card)) throw invalidRequest("Invalid object: evidence[appeal][card]", "evidence[appeal][card]");
	checkKeys(card, ["reason_for_filing", "supporting_files"], "evidence[appeal][card]");
	const param = "evidence[appeal][card]";
	const reason = asString(card.reason_for_filing, `${param}[reason_for_filing]`);
	const files = asStringList(card.supporting_files, `${param}[supporting_files]`).map((id, i) =>
		fileField(store, id, `${param}[supporting_files][${i}]`, account),
	);
	const previous = (current.appeal?.card ?? {}) as StripeObject;
	return {
		...structuredClone(current),
		appeal: {
			card: {
				reason_for_filing:
					reason === undefined
						? (previous.reason_for_filing ?? null)
						: textLength(reason, `${param}[reason_for_filing]`),
				supporting_files: card.supporting_files === undefined ? (previous.supporting_files ?? []) : files,
			},
		},
	};
}
