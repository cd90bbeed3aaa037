import { env } from "cloudflare:test";
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { fontSourceOf, pdfFonts } from "../../functions/wiring";
import { renderEvidencePdf } from "../../lib/pdf/render";
import thai from "../../node_modules/@fontsource/noto-sans-thai/files/noto-sans-thai-thai-400-normal.woff";
import { makeEvidenceCase, makeNarrative, withPersonName } from "../support/case-fixtures";

/** The BaseFont names of the fonts a PDF embeds (subset tag dropped). */
async function fontNames(bytes: Uint8Array): Promise<string[]> {
	const doc = await PDFDocument.load(bytes);
	const names: string[] = [];
	for (const [, object] of doc.context.enumerateIndirectObjects()) {
		if (object instanceof PDFDict && object.get(PDFName.of("Type")) === PDFName.of("Font")) {
			const base = object.get(PDFName.of("BaseFont"));
			if (base instanceof PDFName) names.push(base.decodeText().replace(/^[A-Z]{6}\+/, ""));
		}
	}
	return names;
}

describe("fallback fonts in workerd", () => {
	it("reads a Thai range file from the FONTS bucket and embeds it; a file the bucket lacks is not embedded", async () => {
		await env.FONTS.put("fonts/noto-sans-thai-thai-400-normal.woff", thai as ArrayBuffer);
		const c = withPersonName("สมชาย 王小明", makeEvidenceCase());
		const pdf = await renderEvidencePdf(c, makeNarrative(), { fonts: pdfFonts, fontSource: fontSourceOf(env.FONTS) });
		const names = await fontNames(pdf.bytes);
		expect(names.some((n) => n.startsWith("NotoSansThai"))).toBe(true);
		expect(names.some((n) => n.startsWith("NotoSansSC"))).toBe(false); // not in this bucket
		expect(names.some((n) => n.startsWith("DejaVuSans"))).toBe(true);
	});
});
