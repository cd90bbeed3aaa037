/**
 * The cover letter's list of exhibits, as data: the evidence report's own sections first (each numbered in the
 * order it is printed), then any other document the dispute carries, each named with the Stripe file field it
 * is uploaded in. Other documents (a receipt, a policy, the customer's messages) join the list by being passed
 * in; the report does not make them.
 */
import type { ExhibitKey } from "../narrative/letter";

export interface Exhibit {
	number: number;
	title: string;
	/** The Stripe file field the exhibit is uploaded in (`receipt`, `service_documentation`, …). */
	field: string;
	/** The report section it is, or null for a separate document. */
	key: ExhibitKey | null;
}

/** A document uploaded besides the report, listed after the report's own sections. */
export interface ExtraDocument {
	title: string;
	field: string;
}

export function exhibitList(
	sections: readonly { key: ExhibitKey; title: string }[],
	reportField: string,
	documents: readonly ExtraDocument[] = [],
): Exhibit[] {
	const out: Exhibit[] = sections.map((s, i) => ({ number: i + 1, title: s.title, field: reportField, key: s.key }));
	for (const d of documents) {
		if (d?.title?.trim()) out.push({ number: out.length + 1, title: d.title.trim(), field: d.field, key: null });
	}
	return out;
}

/** `Exhibit 3`, for a report section, or null when the section is not printed. */
export function exhibitRef(exhibits: readonly Exhibit[], key: ExhibitKey | null): string | null {
	if (!key) return null;
	const e = exhibits.find((x) => x.key === key);
	return e ? `Exhibit ${e.number}` : null;
}

/** How the letter names the Stripe file field an exhibit is in: `customer_communication` → "customer communication". */
export function fieldWords(field: string): string {
	return field === "uncategorized_file" ? "additional evidence" : field.replace(/_/g, " ");
}
