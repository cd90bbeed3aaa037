/**
 * What makes the submitted evidence traceable, kept in the dispute's record (API and dashboard) instead of the
 * PDF and text fields the issuer reads: each letter point and paragraph with the facts it rests on, the exhibits
 * and the files they are in, and the verifier's findings on the model's last answer.
 */
import type { EvidenceCase, Narrative } from "../evidence/types";
import type { GradeSubject } from "../grade/checklist";
import { gradeSubjectOf } from "../grade/subject";
import type { Exhibit } from "../pdf/exhibits";
import type { LetterPoint } from "./letter";

export interface EvidenceTrace {
	letter: { points: { text: string; at: string | null; factIds: string[]; exhibit: number | null }[] };
	exhibits: { number: number; title: string; field: string }[];
	paragraphs: { text: string; factIds: string[] }[];
	summary: string;
	writer: Narrative["writer"];
	/** The verifier's findings on the model's last answer; empty when it passed or the template wrote alone. */
	findings: string[];
	/** What `npm run grade` checks the submission against (amount, charge date, card, reason code, known amounts). */
	subject: GradeSubject;
}

export function buildTrace(
	evidenceCase: EvidenceCase,
	narrative: Narrative,
	letter: { points: readonly LetterPoint[]; exhibits: readonly Exhibit[] },
	findings: readonly string[],
	extras: { ce3Qualified?: boolean; hasMessages?: boolean } = {},
): EvidenceTrace {
	const numberOf = (key: LetterPoint["exhibit"]) => letter.exhibits.find((e) => e.key === key)?.number ?? null;
	return {
		letter: {
			points: letter.points.map((p) => ({
				text: p.text,
				at: p.at,
				factIds: [...p.factIds],
				exhibit: numberOf(p.exhibit),
			})),
		},
		exhibits: letter.exhibits.map((e) => ({ number: e.number, title: e.title, field: e.field })),
		paragraphs: narrative.paragraphs.map((p) => ({ text: p.text, factIds: [...p.factIds] })),
		summary: narrative.summary,
		writer: narrative.writer,
		findings: [...findings],
		subject: gradeSubjectOf(evidenceCase, extras),
	};
}
