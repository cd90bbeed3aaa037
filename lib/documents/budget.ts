import { FILES_TOTAL_LIMIT } from "../evidence/fields";
import { formatCount, plural } from "../format";
import type { DroppedDocument, EvidenceDocument } from "./types";

/** Pages of all a dispute's files together when not configured (EVIDENCE_MAX_PAGES). */
export const DEFAULT_EVIDENCE_MAX_PAGES = 19;

export interface FileBudget {
	/** Bytes of all files together (at most {@link FILES_TOTAL_LIMIT}). */
	maxBytes: number;
	/** Pages of all files together. */
	maxPages: number;
}

/**
 * Which documents go with the report: every file of the dispute counts toward one byte budget and one page
 * budget. The report always goes (it was rendered to fit on its own); the other documents are taken from the
 * highest value down, and one that would go over either budget is left out with the reason. A document whose
 * field the report already fills is left out too (one file per field).
 */
export function fitDocuments(
	report: { field: string; bytes: number; pages: number },
	documents: readonly EvidenceDocument[],
	budget: FileBudget,
): { kept: EvidenceDocument[]; dropped: DroppedDocument[] } {
	const maxBytes = Math.min(budget.maxBytes, FILES_TOTAL_LIMIT);
	let bytes = report.bytes;
	let pages = report.pages;
	const kept: EvidenceDocument[] = [];
	const dropped: DroppedDocument[] = [];
	const byValue = [...documents].sort((a, b) => b.value - a.value || a.field.localeCompare(b.field));
	const taken = new Set<string>([report.field]);
	for (const d of byValue) {
		const size = d.bytes.byteLength;
		if (taken.has(d.field)) {
			dropped.push({ field: d.field, title: d.title, reason: `the field ${d.field} already carries another file` });
		} else if (pages + d.pages > budget.maxPages) {
			dropped.push({
				field: d.field,
				title: d.title,
				reason: `its ${plural(d.pages, "page")} would bring the files to ${formatCount(pages + d.pages)} pages, over the ${formatCount(budget.maxPages)}-page budget`,
			});
		} else if (bytes + size > maxBytes) {
			dropped.push({
				field: d.field,
				title: d.title,
				reason: `its ${formatCount(size)} bytes would bring the files to ${formatCount(bytes + size)} bytes, over the ${formatCount(maxBytes)}-byte budget`,
			});
		} else {
			kept.push(d);
			taken.add(d.field);
			bytes += size;
			pages += d.pages;
		}
	}
	return { kept, dropped };
}
