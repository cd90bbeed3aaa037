/**
 * Page 1 of the evidence report: the cover letter. Who is answering which dispute (amount, date, card, network
 * reason code), the rebuttal in one sentence, the decisive facts numbered and dated, each pointing to its
 * exhibit, and the list of exhibits. The reviewer decides mostly from this page; the exhibits are there to check it.
 */
import type { EvidenceCase, Narrative } from "../evidence/types";
import { formatDate, formatMoney, formatStamp, humanize } from "../format";
import { claimOf, type LetterPoint } from "../narrative/letter";
import { type Exhibit, exhibitRef, fieldWords } from "./exhibits";
import { BODY, COLORS, SMALL, type Writer } from "./layout";
import { truncateText } from "./text";

/** Facts the letter's header states, so no exhibit table repeats them. */
export const LETTER_HEADER_FACTS: readonly string[] = [
	"dispute.id",
	"dispute.amount",
	"dispute.reason",
	"dispute.network_reason_code",
	"dispute.card_brand",
	"dispute.due_by",
	"charge.id",
	"charge.amount",
	"charge.created_at",
	"charge.card",
];

/** The rebuttal sentence at most this long on the letter (the full case is an exhibit). */
const REBUTTAL_CHARS = 480;

export interface LetterContent {
	points: readonly LetterPoint[];
	exhibits: readonly Exhibit[];
	/** What a lean rung of the page budget left out, for the notice at the foot of the letter. */
	omitted: readonly string[];
	maxPages: number;
}

export function networkName(c: EvidenceCase): string | null {
	const brand = c.dispute.cardBrand ?? c.charge.cardBrand;
	return brand ? humanize(brand === "amex" ? "American Express" : brand) : null;
}

export function writeLetter(w: Writer, c: EvidenceCase, n: Narrative, letter: LetterContent): void {
	const d = c.dispute;
	const clean = (v: unknown, max = 200) => truncateText(w.shaper.clean(v), max);
	w.paragraph(d.isInquiry ? "RESPONSE TO A CARD ISSUER'S INQUIRY" : "RESPONSE TO A CARD DISPUTE", {
		font: "bold",
		size: 8.5,
		color: COLORS.accent,
	});
	w.space(2);
	w.paragraph(clean(c.merchantName, 120), { font: "bold", size: 20, color: COLORS.heading });
	w.paragraph(`Response to ${d.isInquiry ? "inquiry" : "dispute"} ${clean(d.id)}`, { size: 10.5, color: COLORS.muted });
	w.space(10);

	const network = networkName(c);
	const card = [network, c.charge.cardLast4 ? `•••• ${c.charge.cardLast4}` : null].filter(Boolean).join(" ");
	const code = d.networkReasonCode?.trim();
	const claim = claimOf(d.reason, d.networkReasonCode);
	const rows: [string, string][] = [
		["Amount disputed", formatMoney(d.amount, d.currency)],
		["Disputed payment", `${formatStamp(c.charge.createdAt)}, charge ${clean(c.charge.id)}`],
	];
	if (card) rows.push(["Card", card]);
	rows.push([
		"Dispute",
		`${capital(claim)}${code ? ` (${network ? `${network} ` : ""}reason code ${clean(code, 20)})` : ""}, opened ${formatDate(d.createdAt)}`,
	]);
	if (d.dueBy) rows.push(["Response due", formatStamp(d.dueBy)]);
	w.keyValues(rows, 120);

	const rebuttal = n.summary?.trim();
	if (rebuttal) {
		w.subheading("Our response");
		w.callout(truncateText(w.shaper.clean(rebuttal, true), REBUTTAL_CHARS));
	}

	if (letter.points.length > 0) {
		w.subheading("The facts that decide it");
		w.numbered(
			letter.points.map((p, i) => {
				const ref = exhibitRef(letter.exhibits, p.exhibit);
				return {
					marker: `${i + 1}`,
					label: p.at ? formatDate(p.at) : "",
					text: `${p.text}${ref ? ` (${ref})` : ""}`,
				};
			}),
		);
	}

	if (letter.exhibits.length > 0) {
		w.subheading("Exhibits");
		const inReport = letter.exhibits.filter((e) => e.key !== null);
		const separate = letter.exhibits.filter((e) => e.key === null);
		w.numbered(
			letter.exhibits.map((e) => ({
				marker: "",
				label: `Exhibit ${e.number}`,
				text: e.key === null ? `${e.title} (a separate file: ${fieldWords(e.field)})` : e.title,
			})),
			70,
		);
		if (inReport.length > 0 && separate.length > 0) {
			w.note(`Exhibits ${inReport[0]!.number} to ${inReport.at(-1)!.number} follow in this document.`);
		}
	}

	if (letter.omitted.length > 0) {
		w.space(4);
		w.note(
			`To stay within ${letter.maxPages} pages, this document leaves out ${letter.omitted.join(", ")}. ` +
				"Long lists are cut and marked where they are cut; the full records are available on request.",
		);
	}
	w.space(8);
	w.paragraph(`Submitted by ${clean(c.merchantName, 120)}`, { size: BODY, color: COLORS.text });
	w.paragraph(`Dispute ${clean(d.id)} · ${formatMoney(d.amount, d.currency)}`, { size: SMALL, color: COLORS.muted });
}

function capital(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
