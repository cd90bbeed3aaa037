import {
	degrees,
	type PDFDocument,
	type PDFFont,
	PDFHexString,
	PDFName,
	PDFOperator,
	PDFOperatorNames,
	type PDFPage,
	type rgb,
	drawText as textOperators,
} from "pdf-lib";
import { PdfFontError } from "../errors";

/** Indic scripts, whose shaped glyphs are not in the order of the text (a reph or an i-matra moves). */
export const REORDERED = /[\u0900-\u0dff]/;

/**
 * Draws a run inside an ActualText span, so text extraction and copying give it as written rather than in glyph
 * order. The span sits inside the text object (BT…ET), where poppler places it in the line like any text.
 */
export function drawWithActualText(
	doc: PDFDocument,
	page: PDFPage,
	text: string,
	o: { x: number; y: number; size: number; font: PDFFont; color: ReturnType<typeof rgb> },
): void {
	const fontKey = page.node.newFontDictionary(o.font.name, o.font.ref);
	const ops = textOperators(o.font.encodeText(text), {
		color: o.color,
		font: fontKey,
		size: o.size,
		rotate: degrees(0),
		xSkew: degrees(0),
		ySkew: degrees(0),
		x: o.x,
		y: o.y,
	});
	const begin = ops.findIndex((op) => op.toString() === "BT");
	const end = ops.findIndex((op) => op.toString() === "ET");
	if (begin < 0 || end < begin) throw new PdfFontError("Unexpected text operators from pdf-lib.");
	// An inline property list: pdf-lib writes any object as an operand, though its type lists no dictionary.
	const properties = doc.context.obj({ ActualText: PDFHexString.fromText(text) });
	const span = PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [
		PDFName.of("Span"),
		properties as unknown as PDFName,
	]);
	page.pushOperators(
		...ops.slice(0, begin + 1),
		span,
		...ops.slice(begin + 1, end),
		PDFOperator.of(PDFOperatorNames.EndMarkedContent),
		...ops.slice(end),
	);
}
