import type Stripe from "stripe";
import { STAGES, type Stage } from "../../schema";
import { PermanentError, RetryableError } from "../errors";
import { loadArtifactImages } from "../evidence/artifact-images";
import { assessDispute, saveAssessment } from "../evidence/assess";
import { collectEvidenceCase } from "../evidence/collect";
import { assertFileBudget, buildEvidenceFields, reportFileField } from "../evidence/fields";
import { loadSupportMessages } from "../evidence/support-messages";
import { recordFunds } from "../lifecycle/funds";
import { notifyProgress } from "../lifecycle/notify";
import type { AssembleMessage, EventMessage } from "../messages";
import { buildTrace } from "../narrative/trace";
import { writeNarrative } from "../narrative/writer";
import { evidenceArchiveKey } from "../pdf/archive";
import { renderEvidencePdf } from "../pdf/render";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";
import { recordCharge } from "./charges";
import type { PipelineDeps } from "./deps";
import { handleEarlyFraudWarning } from "./early-fraud-warning";
import { reconcile } from "./reconcile";
import {
	claimEvent,
	finishEvent,
	getEvidence,
	NO_ACCOUNT_MATCH,
	recordAttempt,
	releaseEvent,
	saveEvidence,
	transition,
	upsertDispute,
} from "./store";

const DISPUTE_EXPAND = ["charge", "charge.customer", "payment_intent"];

/** One message of the assemble queue: a Stripe event, or an operator's request to assemble a dispute again. */
export async function handleAssembleMessage(deps: PipelineDeps, message: AssembleMessage, delivery: number) {
	if (message.kind === "reassemble") {
		await syncDispute(deps, message.disputeId, message.stripeAccount, {
			eventId: null,
			delivery,
			actor: message.requestedBy,
		});
		return;
	}
	await handleEvent(deps, message, delivery);
}

async function handleEvent(deps: PipelineDeps, message: EventMessage, delivery: number) {
	const claim = await claimEvent(deps.db, message);
	if (claim === "processed") {
		await recordAttempt(deps.db, {
			disputeId: message.type.startsWith("charge.dispute.") ? message.objectId : null,
			eventId: message.eventId,
			stage: "assemble",
			outcome: "duplicate",
			deliveryAttempt: delivery,
		});
		return;
	}
	if (claim === "busy") throw new RetryableError("event_in_progress", "another delivery is processing this event");
	try {
		if (message.type === "charge.succeeded") {
			await recordCharge(deps.db, message);
		} else if (message.type === "radar.early_fraud_warning.created") {
			await handleEarlyFraudWarning(deps, message, delivery);
		} else {
			await syncDispute(deps, message.objectId, message.stripeAccount, {
				eventId: message.eventId,
				delivery,
				actor: "system",
			});
		}
		await finishEvent(deps.db, message.eventId);
	} catch (error) {
		await releaseEvent(deps.db, message.eventId).catch(() => {});
		throw error;
	}
}

interface PassContext {
	eventId: string | null;
	delivery: number;
	actor: string;
}

/** Re-reads the dispute from Stripe, records what it says, and assembles evidence when it needs a response. */
async function syncDispute(deps: PipelineDeps, disputeId: string, stripeAccount: string | null, pass: PassContext) {
	await syncDisputeOnce(deps, disputeId, stripeAccount, pass);
	await notifyProgress(deps, disputeId);
}

async function syncDisputeOnce(deps: PipelineDeps, disputeId: string, stripeAccount: string | null, pass: PassContext) {
	const { db, stripe } = deps;
	const options = onBehalfOf(stripeAccount);
	const dispute = await stripeCall("retrieve dispute", () =>
		stripe.disputes.retrieve(disputeId, { expand: DISPUTE_EXPAND }, options),
	);
	const row = await upsertDispute(db, dispute, stripeAccount);
	await recordFunds(db, dispute, stripeAccount);
	const verdict = reconcile(dispute, row.stage, deps.now());
	const attempt = { disputeId, eventId: pass.eventId, deliveryAttempt: pass.delivery, actor: pass.actor };

	switch (verdict.action) {
		case "none":
			await recordAttempt(db, {
				...attempt,
				stage: "sync",
				outcome: "ok",
				detail: { status: dispute.status, stage: row.stage },
			});
			return;
		case "close":
			await transition(db, disputeId, allBut(verdict.stage), verdict.stage, {
				outcome: verdict.outcome,
				closedAt: deps.now(),
			});
			await recordAttempt(db, { ...attempt, stage: "outcome", outcome: "ok", detail: { status: dispute.status } });
			return;
		case "mark_submitted":
			await transition(db, disputeId, ["submitting"], "submitted", {
				submittedAt: deps.now(),
				stageReason: verdict.reason,
			});
			await recordAttempt(db, { ...attempt, stage: "sync", outcome: "ok", detail: { reason: verdict.reason } });
			return;
		case "skip":
			await transition(db, disputeId, SKIPPABLE, "skipped", { stageReason: verdict.reason });
			await recordAttempt(db, {
				...attempt,
				stage: "assemble",
				outcome: "skipped",
				detail: { reason: verdict.reason },
			});
			return;
		case "resume_submit":
			await deps.submitQueue.send({ disputeId, stripeAccount });
			await recordAttempt(db, { ...attempt, stage: "sync", outcome: "ok", detail: { resumed: "submit" } });
			return;
		case "assemble":
			await assemble(deps, dispute, stripeAccount, attempt);
	}
}

async function assemble(
	deps: PipelineDeps,
	dispute: Stripe.Dispute,
	stripeAccount: string | null,
	attempt: { disputeId: string; eventId: string | null; deliveryAttempt: number; actor: string },
) {
	const { db, stripe } = deps;
	const options = onBehalfOf(stripeAccount);
	await transition(db, dispute.id, ["received", "assembling"], "assembling");

	const charge = dispute.charge;
	if (typeof charge === "string")
		throw new PermanentError("charge_missing", "Stripe did not expand the disputed charge");
	const customer =
		charge.customer && typeof charge.customer === "object" && !charge.customer.deleted ? charge.customer : null;

	const { evidenceCase, rowsFetched } = await collectEvidenceCase(
		{ db, stripe, merchantName: deps.config.MERCHANT_NAME ?? merchantNameOf(charge), requestOptions: options },
		dispute,
		charge,
		customer,
	);
	// The reason playbook's judgement of the case, Visa CE 3.0 and the submission policy, for submit and the API.
	const { assessment } = await assessDispute({ db, stripe, requestOptions: options }, dispute, charge, evidenceCase);
	await saveAssessment(db, dispute.id, assessment);
	const ce3 =
		assessment.ce3.status === "qualified"
			? { priorCharges: assessment.ce3.priorCharges, matched: assessment.ce3.matched }
			: null;
	const written = await writeNarrative(evidenceCase, {
		config: deps.config,
		now: deps.now,
		deadline: evidenceCase.dispute.dueBy ? new Date(evidenceCase.dispute.dueBy) : null,
		ce3,
	});
	const narrative = written.narrative;
	// Thumbnails and quoted support messages: an image or message that cannot be loaded is left out, never fatal.
	const [images, messages] = await Promise.all([
		loadArtifactImages(evidenceCase.artifacts, { bucket: deps.artifactsBucket, fetch: deps.fetchArtifact }),
		evidenceCase.account ? loadSupportMessages(db, evidenceCase.account.id).catch(() => []) : [],
	]);
	const { PDF_MAX_PAGES: maxPages, PDF_MAX_BYTES: maxBytes } = deps.config;
	const pdf = await renderEvidencePdf(evidenceCase, narrative, {
		fonts: deps.fonts,
		fontSource: deps.fontSource,
		images,
		messages,
		maxPages,
		maxBytes,
		ce3,
		reportField: reportFileField(dispute.reason),
	});

	// Stripe's limits are checked before anything reaches Stripe: a violation is a permanent error, not a retry.
	assertFileBudget([{ name: "evidence report", bytes: pdf.bytes.byteLength }]);
	buildEvidenceFields(evidenceCase, narrative, "file_pending");

	// An unguessable archive key, reused when these bytes are already the stored evidence (see pdf/archive.ts).
	const previous = await getEvidence(db, dispute.id);
	const pdfKey = evidenceArchiveKey(dispute.id, pdf.sha256, previous);
	await deps.evidenceBucket.put(pdfKey, pdf.bytes, {
		httpMetadata: { contentType: "application/pdf" },
		customMetadata: { dispute: dispute.id },
	});

	// The same bytes are never uploaded twice: a redelivery reuses the stored file, and a pass cut short
	// between upload and save replays the same upload through Stripe's idempotency key.
	const fileId =
		previous && previous.pdfSha256 === pdf.sha256
			? previous.fileId
			: (
					await stripeCall("upload evidence file", () =>
						stripe.files.create(
							{
								purpose: "dispute_evidence",
								file: { data: pdf.bytes, name: `evidence-${dispute.id}.pdf`, type: "application/pdf" },
							},
							{ ...options, idempotencyKey: `rebuttal-file-${dispute.id}-${pdf.sha256.slice(0, 32)}` },
						),
					)
				).id;

	const fields = buildEvidenceFields(evidenceCase, narrative, fileId);
	const matched = evidenceCase.account;
	await saveEvidence(db, {
		disputeId: dispute.id,
		fields,
		facts: evidenceCase.facts,
		narrative: narrative.paragraphs.map((p) => p.text).join("\n\n"),
		writer: written.writer,
		writerFallbackReason: written.fallbackReason,
		writerModel: written.model,
		writerUsage: written.usage,
		playbook: assessment.playbook,
		// Fact ids, exhibits and the verifier's findings: in the record, never in what the issuer reads.
		trace: buildTrace(evidenceCase, narrative, pdf.letter, written.findings, {
			ce3Qualified: ce3 !== null,
			hasMessages: messages.length > 0,
		}),
		fileId,
		pdfKey,
		pdfSha256: pdf.sha256,
		pdfBytes: pdf.bytes.byteLength,
		pdfPages: pdf.pages,
	});
	const staged = await transition(db, dispute.id, ["assembling"], "staged", {
		accountId: matched?.id ?? null,
		accountMatch: matched?.matchedBy ?? NO_ACCOUNT_MATCH,
		stageReason: null,
		failedStage: null,
		lastError: null,
	});
	if (!staged) {
		// A concurrent pass staged it first and hands it to submit itself.
		await recordAttempt(db, { ...attempt, stage: "assemble", outcome: "duplicate" });
		return;
	}
	await deps.submitQueue.send({ disputeId: dispute.id, stripeAccount });
	await recordAttempt(db, {
		...attempt,
		stage: "assemble",
		outcome: "ok",
		detail: {
			fileId,
			pdfBytes: pdf.bytes.byteLength,
			pdfPages: pdf.pages,
			rowsFetched,
			writer: written.writer,
			fallback: written.fallbackReason,
		},
	});
}

function merchantNameOf(charge: Stripe.Charge): string {
	return charge.calculated_statement_descriptor ?? charge.statement_descriptor ?? "The merchant";
}

function allBut(stage: Stage): Stage[] {
	return STAGES.filter((s) => s !== stage);
}

/** Stages a skip may leave: never one where evidence went out or the dispute ended. */
const SKIPPABLE: Stage[] = ["received", "assembling", "staged", "awaiting_review", "failed"];
