import type Stripe from "stripe";
import { move } from "../dispute/move";
import { getEvidence, NO_ACCOUNT_MATCH, recordAttempt, saveEvidence } from "../dispute/store";
import { PermanentError } from "../errors";
import { loadArtifactImages } from "../evidence/artifact-images";
import { assessDispute, saveAssessment } from "../evidence/assess";
import { collectEvidenceCase } from "../evidence/collect";
import { assertFileBudget, buildEvidenceFields, reportFileField } from "../evidence/fields";
import { loadSupportMessages } from "../evidence/support-messages";
import { buildTrace } from "../narrative/trace";
import { writeNarrative } from "../narrative/writer";
import { evidenceArchiveKey } from "../pdf/archive";
import { renderEvidencePdf } from "../pdf/render";
import { onBehalfOf } from "../stripe/client";
import { stripeCall } from "../stripe/errors";
import type { PipelineDeps } from "./deps";

export interface AttemptContext {
	disputeId: string;
	eventId: string | null;
	deliveryAttempt: number;
	actor: string;
}

/**
 * Builds a dispute's evidence and stages it: facts, assessment, narrative, PDF (archived in R2 and uploaded to
 * Stripe once per content), then hands the dispute to the submit queue.
 */
export async function assembleEvidence(
	deps: PipelineDeps,
	dispute: Stripe.Dispute,
	stripeAccount: string | null,
	attempt: AttemptContext,
) {
	const { db, stripe } = deps;
	const options = onBehalfOf(stripeAccount);
	await move(deps, dispute.id, "assemble", {});

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
		loadArtifactImages(evidenceCase.artifacts, {
			bucket: deps.artifactsBucket,
			fetch: deps.fetchArtifact,
			allowHosts: deps.config.ARTIFACT_HOSTS,
		}),
		evidenceCase.account ? loadSupportMessages(db, evidenceCase.account.id).catch(() => []) : [],
	]);
	// The PDF gives one generic reason for a missing image; the specific one is for the operator's logs.
	for (const u of images.unavailable)
		console.warn(`dispute ${dispute.id}: artifact ${u.artifactId} image: ${u.reason}`);
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
	const staged = await move(deps, dispute.id, "stage", {
		accountId: matched?.id ?? null,
		accountMatch: matched?.matchedBy ?? NO_ACCOUNT_MATCH,
		reason: null,
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
