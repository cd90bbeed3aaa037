import { APPEAL_OPEN, APPEAL_REVIEW, mergeAppealEvidence } from "./appeals";
import type { ApiRequest } from "./context";
import { invalidRequest, noSuch, stateError } from "./errors";
import { buildEvent } from "./events";
import { mergeEvidence } from "./evidence";
import { expand } from "./expand";
import { asBoolean, asString, asStringList, checkKeys, type FormValue, isObject } from "./forms";
import { filteredList } from "./list";
import { ce3Eligibility } from "./shapes";
import { clone, now, type Store, type StripeObject } from "./store";

const OPEN = ["needs_response", "warning_needs_response"];

function load(req: ApiRequest): StripeObject {
	const id = req.params.id!;
	const dispute = req.store.get("disputes", id, req.account);
	if (!dispute) throw noSuch("dispute", id);
	return dispute;
}

function respond(req: ApiRequest, dispute: StripeObject, params: Record<string, FormValue>): StripeObject {
	return expand(req.store, dispute, asStringList(params.expand, "expand"), req.account);
}

export function retrieveDispute(req: ApiRequest): StripeObject {
	checkKeys(req.query, ["expand"]);
	return respond(req, load(req), req.query);
}

export function listDisputes(req: ApiRequest): StripeObject {
	const list = filteredList(req, { collection: "disputes", kind: "dispute", url: "/v1/disputes" }, [
		"charge",
		"payment_intent",
	]);
	return expand(req.store, list, asStringList(req.query.expand, "expand"), req.account);
}

/** Applies Stripe's `metadata` rules: `metadata[k]=` unsets k, `metadata=` unsets all. */
export function mergeMetadata(current: Record<string, string>, value: FormValue | undefined): Record<string, string> {
	if (value === undefined) return current;
	if (value === "") return {};
	if (!isObject(value)) throw invalidRequest("Invalid object: metadata must be a hash", "metadata");
	const out = { ...current };
	for (const [key, v] of Object.entries(value)) {
		const param = `metadata[${key}]`;
		if (typeof v !== "string") throw invalidRequest(`Invalid string: ${param}`, param);
		if (key.length > 40) throw invalidRequest(`Metadata keys can have up to 40 characters (${key}).`, param);
		if (v.length > 500) throw invalidRequest(`Metadata values can have up to 500 characters (${param}).`, param);
		if (v === "") delete out[key];
		else out[key] = v;
	}
	if (Object.keys(out).length > 50) throw invalidRequest("Metadata can have up to 50 keys.", "metadata");
	return out;
}

function assertOpen(dispute: StripeObject): void {
	const status: string = dispute.status;
	if (OPEN.includes(status)) {
		const dueBy = dispute.evidence_details.due_by;
		if (typeof dueBy === "number" && dueBy > 0 && now() > dueBy) {
			throw stateError(
				`The deadline to respond to dispute ${dispute.id} has passed (evidence was due by ${dueBy}); it can no longer be updated.`,
			);
		}
		return;
	}
	if (status === "under_review" || status === "warning_under_review") {
		throw stateError(
			`Evidence for dispute ${dispute.id} has already been submitted; a dispute can only be submitted once and can no longer be updated.`,
		);
	}
	throw stateError(`Dispute ${dispute.id} is closed (status \`${status}\`) and can no longer be updated.`);
}

function recordEvent(store: Store, type: string, dispute: StripeObject, before: StripeObject, req: ApiRequest): void {
	const previous: StripeObject = {};
	for (const key of ["evidence", "evidence_details", "metadata", "status"]) {
		if (JSON.stringify(before[key]) !== JSON.stringify(dispute[key])) previous[key] = before[key];
	}
	buildEvent(store, type, dispute, req.account, {
		previous_attributes: previous,
		request: { id: null, idempotency_key: req.idempotencyKey },
	});
}

/** `POST /v1/disputes/:id`: stage (`submit=false`) or submit evidence; submission is final. */
export function updateDispute(req: ApiRequest): StripeObject {
	const { store, body } = req;
	const dispute = load(req);
	checkKeys(body, ["evidence", "expand", "metadata", "submit", "intended_submission_method"]);
	const submitParam = asBoolean(body.submit, "submit");
	const intended = asString(body.intended_submission_method, "intended_submission_method");
	if (intended && !["manual", "prefer_manual", "prefer_smart_disputes", "smart_disputes"].includes(intended)) {
		throw invalidRequest(`Invalid intended_submission_method: ${intended}`, "intended_submission_method");
	}
	const touchesEvidence = body.evidence !== undefined || submitParam !== undefined;
	const submitting = submitParam ?? body.evidence !== undefined;
	if (dispute.status === APPEAL_OPEN) return updateAppeal(req, dispute, submitting);
	const evidence =
		body.evidence === undefined
			? dispute.evidence
			: mergeEvidence(
					store,
					dispute.evidence,
					body.evidence,
					req.account,
					store.get("charges", dispute.charge, req.account),
				);
	const metadata = mergeMetadata(dispute.metadata, body.metadata);
	if (touchesEvidence) assertOpen(dispute);

	const before = clone(dispute);
	dispute.evidence = evidence;
	dispute.metadata = metadata;
	if (intended) dispute.intended_submission_method = intended;
	if (body.evidence !== undefined) dispute.evidence_details.has_evidence = true;
	if (dispute.enhanced_eligibility_types.includes("visa_compelling_evidence_3")) {
		dispute.evidence_details.enhanced_eligibility.visa_compelling_evidence_3 = ce3Eligibility(evidence);
	}
	if (submitting) {
		dispute.status = dispute.status === "warning_needs_response" ? "warning_under_review" : "under_review";
		dispute.evidence_details.submission_count += 1;
		dispute.evidence_details.has_evidence = true;
		dispute.evidence_details.submission_method = "manual";
	}
	const updates = store.disputeUpdates.get(dispute.id) ?? [];
	updates.push({
		evidence: isObject(body.evidence) ? clone(body.evidence) : {},
		submit: submitting,
		idempotency_key: req.idempotencyKey,
		at: new Date().toISOString(),
	});
	store.disputeUpdates.set(dispute.id, updates);
	recordEvent(store, "charge.dispute.updated", dispute, before, req);
	return respond(req, dispute, body);
}

/** An update in `appeal_needs_response`: the appeal's evidence only; submitting moves it to `appeal_under_review`. */
function updateAppeal(req: ApiRequest, dispute: StripeObject, submitting: boolean): StripeObject {
	const { store, body } = req;
	const before = clone(dispute);
	if (body.evidence !== undefined) {
		dispute.evidence = mergeAppealEvidence(store, dispute.evidence, body.evidence, req.account);
	}
	if (submitting) {
		if (!dispute.evidence.appeal?.card?.reason_for_filing) {
			throw invalidRequest("An appeal needs evidence[appeal][card][reason_for_filing].", "evidence[appeal][card]");
		}
		dispute.status = APPEAL_REVIEW;
	}
	const updates = store.disputeUpdates.get(dispute.id) ?? [];
	updates.push({
		evidence: isObject(body.evidence) ? clone(body.evidence) : {},
		submit: submitting,
		idempotency_key: req.idempotencyKey,
		at: new Date().toISOString(),
	});
	store.disputeUpdates.set(dispute.id, updates);
	recordEvent(store, "charge.dispute.updated", dispute, before, req);
	return respond(req, dispute, body);
}

/** `POST /v1/disputes/:id/close`: accept the dispute as lost (inquiries become `warning_closed`). */
export function closeDispute(req: ApiRequest): StripeObject {
	const dispute = load(req);
	checkKeys(req.body, ["expand"]);
	if (!OPEN.includes(dispute.status)) {
		throw stateError(`Dispute ${dispute.id} has status \`${dispute.status}\` and can no longer be closed.`);
	}
	const before = clone(dispute);
	dispute.status = dispute.status === "warning_needs_response" ? "warning_closed" : "lost";
	dispute.is_charge_refundable = false;
	recordEvent(req.store, "charge.dispute.closed", dispute, before, req);
	return respond(req, dispute, req.body);
}
