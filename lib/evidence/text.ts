/**
 * Fitting text into Stripe's field limits without ever cutting a sentence in half: whole sentences (or lines) are
 * kept from the start until the budget is reached, and a short note says that the rest is in the attached report.
 */

export const FIELD_LIMIT = 20_000;
export const TOTAL_LIMIT = 150_000;

export const OMITTED_NOTE = "Further detail is in the attached evidence report.";

/**
 * Splits text into units that end at a sentence end (`.`, `!`, `?` followed by whitespace) or a line break. Joining
 * the units gives back the text exactly.
 */
export function splitSentences(text: string): string[] {
	const units: string[] = [];
	let from = 0;
	// A `.` inside a token (an IP, a version, an amount) is not followed by whitespace, so it never ends a unit.
	for (const m of text.matchAll(/[.!?]+\s+|\n\s*/g)) {
		const end = m.index + m[0].length;
		units.push(text.slice(from, end));
		from = end;
	}
	if (from < text.length) units.push(text.slice(from));
	return units;
}

/**
 * Returns `text` when it fits in `max` characters; otherwise the longest prefix of whole sentences followed by
 * `note`, or null when not even the first sentence fits with the note.
 */
export function fitText(text: string, max: number, note: string = OMITTED_NOTE): string | null {
	if (text.length <= max) return text;
	const units = splitSentences(text);
	let keptLength = 0;
	let count = 0;
	for (const unit of units) {
		// Trailing whitespace is dropped before the note, so only the unit's trimmed length counts.
		const trimmed = unit.trimEnd().length;
		if (trimmed > 0 && keptLength + trimmed + 1 + note.length > max) break;
		keptLength += unit.length;
		count++;
	}
	const body = text.slice(0, keptLength).trimEnd();
	if (count === 0 || !body) return null;
	const sep = body.includes("\n") ? "\n" : " ";
	return `${body}${sep}${note}`;
}
