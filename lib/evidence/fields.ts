import { PermanentError } from "../errors";
import { PLAYBOOKS } from "./playbooks";
import { FIELD_LIMIT, fitText, TOTAL_LIMIT } from "./text";
import {
	EVIDENCE_TEXT_FIELDS,
	type EvidenceCase,
	type EvidenceFileField,
	type EvidenceTextField,
	type Narrative,
} from "./types";

/** The file field the report goes in, by dispute reason (from the reason playbooks). */
export const REPORT_FILE_FIELD: Record<string, EvidenceFileField> = Object.fromEntries(
	Object.values(PLAYBOOKS).map((p) => [p.reason, p.fileField]),
);

export function reportFileField(reason: string): EvidenceFileField {
	return REPORT_FILE_FIELD[reason] ?? "uncategorized_file";
}

/** Stripe accepts files up to 5 MB; rebuttal keeps all files of one dispute within 4.5 MB together. */
export const FILES_TOTAL_LIMIT = 4.5 * 1024 * 1024;

/**
 * Throws a {@link PermanentError} when the evidence files of one dispute exceed {@link FILES_TOTAL_LIMIT}
 * together. Called before any upload, so nothing reaches Stripe.
 */
export function assertFileBudget(files: readonly { name: string; bytes: number }[]): void {
	const total = files.reduce((n, f) => n + f.bytes, 0);
	if (total > FILES_TOTAL_LIMIT) {
		throw new PermanentError(
			"evidence_files_too_large",
			`evidence files are ${total} bytes together (${files.map((f) => `${f.name}: ${f.bytes}`).join(", ")}), over the ${FILES_TOTAL_LIMIT}-byte limit per dispute`,
		);
	}
}

/** Fields that identify rather than argue: short by nature, never summarised (an oversized one is an error). */
const IDENTIFYING: ReadonlySet<EvidenceTextField> = new Set([
	"customer_name",
	"customer_email_address",
	"customer_purchase_ip",
	"service_date",
	"billing_address",
]);

/**
 * The evidence payload for `disputes.update`: the narrative's text fields, each within Stripe's 20,000 characters and
 * all within 150,000, plus the report file in the field the reason calls for. Long fields are summarised by keeping
 * whole sentences; a field that cannot be (one sentence over the limit, an identifying field over it) throws a
 * {@link PermanentError}: retrying would give the same answer.
 */
export function buildEvidenceFields(
	evidenceCase: EvidenceCase,
	narrative: Narrative,
	fileId: string,
): Record<string, string> {
	if (!fileId) throw new PermanentError("evidence_file_missing", "no evidence file id to attach");
	const texts = new Map<EvidenceTextField, string>();
	for (const name of EVIDENCE_TEXT_FIELDS) {
		const value = narrative.fields[name]?.trim();
		if (!value) continue;
		texts.set(name, fitOrThrow(name, value, FIELD_LIMIT));
	}

	// Over the total: shrink the longest summarisable fields to a common cap until everything fits.
	let total = sum(texts);
	if (total > TOTAL_LIMIT) {
		const fixed = [...texts].filter(([k]) => IDENTIFYING.has(k)).reduce((n, [, v]) => n + v.length, 0);
		const flexible = [...texts].filter(([k]) => !IDENTIFYING.has(k)).sort((a, b) => a[1].length - b[1].length);
		let budget = TOTAL_LIMIT - fixed;
		flexible.forEach(([name, value], i) => {
			const cap = Math.floor(budget / (flexible.length - i));
			const fitted = value.length <= cap ? value : fitOrThrow(name, value, cap);
			texts.set(name, fitted);
			budget -= fitted.length;
		});
		total = sum(texts);
		if (total > TOTAL_LIMIT) {
			throw new PermanentError(
				"evidence_too_long",
				`evidence text is ${total} characters, over Stripe's ${TOTAL_LIMIT}`,
			);
		}
	}

	const out: Record<string, string> = {};
	for (const [name, value] of texts) out[name] = value;
	out[reportFileField(evidenceCase.dispute.reason)] = fileId;
	return out;
}

function fitOrThrow(name: EvidenceTextField, value: string, max: number): string {
	if (value.length <= max) return value;
	const fitted = IDENTIFYING.has(name) ? null : fitText(value, max);
	if (fitted === null) {
		throw new PermanentError(
			"evidence_field_too_long",
			`evidence field ${name} is ${value.length} characters and cannot be summarised to ${max} without cutting a sentence`,
		);
	}
	return fitted;
}

function sum(texts: Map<EvidenceTextField, string>): number {
	let n = 0;
	for (const v of texts.values()) n += v.length;
	return n;
}
