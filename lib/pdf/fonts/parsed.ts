import "regenerator-runtime/runtime";
import fontkit from "@pdf-lib/fontkit";
import type { PDFDocument } from "pdf-lib";

/**
 * fontkit behind pdf-lib, with what is costly about a font done once per isolate instead of once per document:
 * decoding its tables (DejaVu's cmap, metrics, GSUB and GPOS), and shaping a string. Each document still gets a
 * font object of its own (fontkit does the same for a font's variations: a new font over the same tables), so its
 * glyphs, and the characters each glyph stands for in the PDF's text layer, are its own. Strings are shaped by a
 * font object kept for shaping alone and replayed as glyph ids and characters through the document's font, so a
 * document gets the same bytes whether its strings were shaped before in this isolate or not (the upload's
 * idempotency key is derived from them).
 */
type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];
type ParsedFont = ReturnType<Fontkit["create"]>;
type GlyphRun = ReturnType<ParsedFont["layout"]>;

/** fontkit's own fields this relies on: the decoded tables (shared, as fontkit's getVariation shares them). */
interface FontInternals {
	_tables: Record<string, unknown>;
}

interface Shaped {
	glyphs: { id: number; codePoints: number[] }[];
	positions: GlyphRun["positions"];
}

/** Shaped strings kept per font file; past this many the memo starts again (labels repeat, names do not). */
const SHAPED_MEMO_SIZE = 20_000;

interface SharedFont {
	tables: Record<string, unknown>;
	/** Shapes every string; its glyph objects never reach a document. */
	shaper: ParsedFont;
	shaped: Map<string, Shaped>;
}

/** By the bytes a font came from: the same bundled or downloaded file, whatever view of it is passed. */
const shared = new WeakMap<ArrayBufferLike, Map<string, SharedFont>>();

function sharedFor(bytes: Uint8Array, postscriptName: string | undefined): SharedFont {
	let byView = shared.get(bytes.buffer);
	if (!byView) {
		byView = new Map();
		shared.set(bytes.buffer, byView);
	}
	const key = `${bytes.byteOffset}:${bytes.byteLength}:${postscriptName ?? ""}`;
	let entry = byView.get(key);
	if (!entry) {
		const shaper = fontkit.create(bytes, postscriptName);
		entry = { tables: (shaper as unknown as FontInternals)._tables, shaper, shaped: new Map() };
		byView.set(key, entry);
	}
	return entry;
}

function shapeThrough(font: ParsedFont, entry: SharedFont): void {
	const own = font.layout.bind(font) as (text: string, ...rest: unknown[]) => GlyphRun;
	const shape = entry.shaper.layout.bind(entry.shaper) as (text: string, ...rest: unknown[]) => GlyphRun;
	font.layout = ((text: string, features?: unknown, ...rest: unknown[]) => {
		// Script, language or direction given: not what pdf-lib asks, so shaped by the document's font itself.
		if (rest.some((x) => x !== undefined)) return own(text, features, ...rest);
		const key = `${features === undefined ? "" : JSON.stringify(features)}\u0000${text}`;
		let known = entry.shaped.get(key);
		if (!known) {
			const run = shape(text, features);
			known = {
				glyphs: run.glyphs.map((g) => ({ id: g.id, codePoints: [...g.codePoints] })),
				positions: run.positions,
			};
			if (entry.shaped.size >= SHAPED_MEMO_SIZE) entry.shaped.clear();
			entry.shaped.set(key, known);
		}
		return {
			glyphs: known.glyphs.map((g) => font.getGlyph(g.id, g.codePoints)),
			positions: known.positions,
		} as unknown as GlyphRun;
	}) as ParsedFont["layout"];
}

const cachingFontkit: Fontkit = {
	create(bytes: Uint8Array, postscriptName?: string): ParsedFont {
		// Cheap: only the table directory is read here; tables are decoded on first use, into the shared record.
		const entry = sharedFor(bytes, postscriptName);
		const font = fontkit.create(bytes, postscriptName);
		(font as unknown as FontInternals)._tables = entry.tables;
		shapeThrough(font, entry);
		return font;
	},
};

/** Registers the caching fontkit on a new document (instead of `doc.registerFontkit(fontkit)`). */
export function useParsedFonts(doc: PDFDocument): void {
	doc.registerFontkit(cachingFontkit);
}
