import type Stripe from "stripe";
import type { StoredDocument } from "../../schema";
import { move } from "../dispute/move";
import { getEvidence, NO_ACCOUNT_MATCH, recordAttempt, saveEvidence } from "../dispute/store";
import { fitDocuments } from "../documents/budget";
import { buildCaseDocuments } from "../documents/build";
import { COMMUNICATION_MESSAGES } from "../documents/communication";
import type { EvidenceDocument } from "../documents/types";
import { PermanentError } from "../errors";
import { loadArtifactImages } from "../evidence/artifact-images";
import { assessDispute, saveAssessment } from "../evidence/assess";
import { collectEvidenceCase } from "../evidence/collect";
import { caseReason } from "../evidence/dispute-reasons";
import { assertFileBudget, buildEvidenceFields, FILES_TOTAL_LIMIT, reportFileField } from "../evidence/fields";
import { merchantIdentity } from "../evidence/merchant";
import { loadPoliciesInForce } from "../evidence/policies";
import { loadSupportMessages } from "../evidence/support-messages";
import { buildTrace } from "../narrative/trace";
import { translateMessages } from "../narrative/translate";
import { writeNarrative } from "../narrative/writer";
import { evidenceArchiveKey } from "../pdf/archive";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, renderEvidencePdf } from "../pdf/render";
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

	const merchant = merchantIdentity(await deps.account(stripeAccount), deps.config.MERCHANT_NAME, charge);
	const { evidenceCase, rowsFetched, chargeListing } = await collectEvidenceCase(
		{ db, stripe, merchantName: merchant.name, requestOptions: options },
		dispute,
		charge,
		customer,
	);
	// The reason playbook's judgement of the case, Visa CE 3.0 and the submission policy, for submit and the API.
	const { assessment } = await assessDispute(
		{ db, stripe, requestOptions: options },
		dispute,
		charge,
		evidenceCase,
		chargeListing,
	);
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
		evidenceCase.account
			? loadSupportMessages(db, evidenceCase.account.id, COMMUNICATION_MESSAGES).catch(() => [])
			: [],
	]);
	// The PDF gives one generic reason for a missing image; the specific one is for the operator's logs.
	for (const u of images.unavailable)
		console.warn(`dispute ${dispute.id}: artifact ${u.artifactId} image: ${u.reason}`);
	// The receipt, the policy in force and the customer's messages, each its own PDF.
	const built = await buildCaseDocuments(evidenceCase, {
		merchant,
		policies: await loadPoliciesInForce(db, new Date(charge.created * 1000)),
		messages,
		fonts: deps.fonts,
		translate: (texts) =>
			translateMessages(texts, {
				apiKey: deps.config.ANTHROPIC_API_KEY,
				baseURL: deps.config.ANTHROPIC_BASE_URL,
				model: deps.config.ANTHROPIC_MODEL,
			}),
	});
	// Every file of the dispute shares one page budget: the report never takes more than all of it, and its cover
	// letter lists the other documents as exhibits. A document that does not fit is dropped and the report, now
	// listing one exhibit fewer, rendered again (it can only shrink, so what was kept still fits).
	const { PDF_MAX_PAGES, PDF_MAX_BYTES, EVIDENCE_MAX_PAGES } = deps.config;
	const reportField = reportFileField(caseReason(evidenceCase.dispute));
	const renderReport = (documents: readonly EvidenceDocument[]) =>
		renderEvidencePdf(evidenceCase, narrative, {
			fonts: deps.fonts,
			fontSource: deps.fontSource,
			images,
			messages: messages.filter((m) => m.from === "customer").slice(0, 5),
			maxPages: Math.min(PDF_MAX_PAGES ?? DEFAULT_MAX_PAGES, EVIDENCE_MAX_PAGES),
			maxBytes: Math.min(PDF_MAX_BYTES ?? DEFAULT_MAX_BYTES, FILES_TOTAL_LIMIT),
			ce3,
			reportField,
			documents: documents.map((d) => ({ title: d.title, field: d.field })),
		});
	const budget = { maxBytes: FILES_TOTAL_LIMIT, maxPages: EVIDENCE_MAX_PAGES };
	let pdf = await renderReport(built.documents);
	const { kept, dropped } = fitDocuments(
		{ field: reportField, bytes: pdf.bytes.byteLength, pages: pdf.pages },
		built.documents,
		budget,
	);
	if (dropped.length > 0) pdf = await renderReport(kept);
	await saveAssessment(db, dispute.id, {
		...assessment,
		wouldHelp: [...built.wouldHelp, ...dropped.map((d) => `${d.title} (left out: ${d.reason})`)],
	});

	// Stripe's limits are checked before anything reaches Stripe: a violation is a permanent error, not a retry.
	assertFileBudget([
		{ name: "evidence report", bytes: pdf.bytes.byteLength },
		...kept.map((d) => ({ name: d.title, bytes: d.bytes.byteLength })),
	]);
	buildEvidenceFields(
		evidenceCase,
		narrative,
		"file_pending",
		kept.map((d) => ({ field: d.field, fileId: "file_pending" })),
		built.texts,
	);

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

	const documents = await uploadDocuments(deps, dispute.id, kept, previous?.documents ?? [], options);
	const fields = buildEvidenceFields(evidenceCase, narrative, fileId, documents, built.texts);
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
		documents,
		droppedDocuments: dropped,
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
			documents: documents.map((d) => ({ field: d.field, fileId: d.fileId, pages: d.pages, bytes: d.bytes })),
			droppedDocuments: dropped,
			rowsFetched,
			writer: written.writer,
			fallback: written.fallbackReason,
		},
	});
}

/**
 * Uploads each document once: a redelivery reuses the file stored for the same field and bytes, and an upload cut
 * short replays through its own deterministic idempotency key (dispute, field and bytes).
 */
async function uploadDocuments(
	deps: PipelineDeps,
	disputeId: string,
	documents: readonly EvidenceDocument[],
	previous: readonly StoredDocument[],
	options: Stripe.RequestOptions | undefined,
): Promise<StoredDocument[]> {
	const out: StoredDocument[] = [];
	for (const d of documents) {
		const reused = previous.find((p) => p.field === d.field && p.sha256 === d.sha256);
		const fileId =
			reused?.fileId ??
			(
				await stripeCall(`upload ${d.field} file`, () =>
					deps.stripe.files.create(
						{
							purpose: "dispute_evidence",
							file: { data: d.bytes, name: `${d.field}-${disputeId}.pdf`, type: "application/pdf" },
						},
						{ ...options, idempotencyKey: documentIdempotencyKey(disputeId, d.field, d.sha256) },
					),
				)
			).id;
		out.push({ field: d.field, title: d.title, fileId, sha256: d.sha256, bytes: d.bytes.byteLength, pages: d.pages });
	}
	return out;
}

/** The idempotency key of one document's upload: the same dispute, field and bytes always give the same key. */
export function documentIdempotencyKey(disputeId: string, field: string, sha256: string): string {
	return `rebuttal-doc-${disputeId}-${field}-${sha256.slice(0, 32)}`;
}
