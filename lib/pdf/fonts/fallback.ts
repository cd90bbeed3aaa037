import "regenerator-runtime/runtime";
import { PDFDocument } from "pdf-lib";
import { PdfFontError } from "../errors";
import { useParsedFonts } from "./parsed";
import { type FallbackFontFile, type FontSource, loadFallbackFonts, missingCodePoints } from "./registry";

/** The Unicode fonts every evidence PDF embeds first (DejaVu Sans, bundled with the Worker). */
export interface PdfFonts {
	regular: Uint8Array | ArrayBuffer;
	bold: Uint8Array | ArrayBuffer;
}

/** DejaVu's characters, read once: what the document's text needs beyond them decides the fallback files. */
let baseCharacters: { key: PdfFonts["regular"]; set: Set<number> } | null = null;

/** The fallback range files the text of `texts` (any JSON-able inputs) needs, loaded from `source`. */
export async function fallbackFontsFor(
	texts: unknown,
	fonts: PdfFonts,
	source: FontSource | undefined,
): Promise<FallbackFontFile[]> {
	if (!source) return [];
	if (baseCharacters?.key !== fonts.regular) {
		const doc = await PDFDocument.create();
		useParsedFonts(doc);
		const regular = await doc
			.embedFont(fonts.regular instanceof Uint8Array ? fonts.regular : new Uint8Array(fonts.regular), { subset: true })
			.catch((error) => {
				throw new PdfFontError("The fonts for the evidence PDF could not be read (expected TrueType files).", error);
			});
		baseCharacters = { key: fonts.regular, set: new Set(regular.getCharacterSet()) };
	}
	// Every string the document can print comes from these inputs; a character only in a part that is later cut
	// costs an embedded glyph, never a missing one.
	const missing = missingCodePoints(JSON.stringify(texts) ?? "", baseCharacters.set);
	return missing.size === 0 ? [] : loadFallbackFonts(missing, source);
}
