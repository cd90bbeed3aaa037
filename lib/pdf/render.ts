/**
 * Renders the evidence PDF of one dispute. Runs in workerd (no Node APIs): the fonts come in as bytes, the hash
 * is computed with Web Crypto. Deterministic: the same case, narrative and fonts give byte-identical output,
 * because the upload's idempotency key is derived from the bytes.
 */
// fontkit's shaper for Devanagari and Thai is compiled with regenerator and needs its runtime loaded first.
import "regenerator-runtime/runtime";
import { PDFDocument, type PDFFont, type PDFImage, type PDFPage, rgb } from "pdf-lib";
import { type ArtifactImage, type ArtifactImages, IMAGE_UNAVAILABLE } from "../evidence/artifact-images";
import { DEFAULT_MAX_IMAGE_MEMORY_BYTES, renderMemoryBytes } from "../evidence/image-memory";
import type { SupportMessage } from "../evidence/support-messages";
import type { EvidenceCase, Narrative } from "../evidence/types";
import { formatCount, parseTime } from "../format";
import type { Ce3Summary } from "../narrative/letter";
import { LADDER } from "./budget";
import { PdfBudgetError, PdfFontError } from "./errors";
import type { ExtraDocument } from "./exhibits";
import { drawWithActualText, REORDERED } from "./fonts/actual-text";
import { fallbackFontsFor, type PdfFonts } from "./fonts/fallback";
import { useParsedFonts } from "./fonts/parsed";
import type { FallbackFontFile, FontSource } from "./fonts/registry";
import { COLORS, type Op, PAGE, type Rgb, Writer } from "./layout";
import { type LetterRecord, writeEvidence } from "./sections";
import { cleanMetadata, directionalRuns, TextShaper } from "./text";

export interface RenderOptions {
	fonts: PdfFonts;
	/**
	 * Where the fallback range files for characters DejaVu lacks (Chinese, Japanese, Korean, Devanagari, Thai)
	 * come from. Without it, those characters print as □.
	 */
	fontSource?: FontSource;
	/** Default 10. */
	maxPages?: number;
	/** Default 2,000,000. */
	maxBytes?: number;
	/** Images of things the customer made (see `loadArtifactImages`); chosen and left out to fit `maxBytes`. */
	images?: ArtifactImages;
	/** Memory the images may take while the PDF renders (see `renderMemoryBytes`); default 48 MB. */
	maxImageMemoryBytes?: number;
	/** The latest support messages, newest first, quoted in the communications section. */
	messages?: readonly SupportMessage[];
	/** Visa CE 3.0, when it qualified: the letter names it with the two earlier payments and what matched. */
	ce3?: Ce3Summary | null;
	/** The Stripe file field this report is uploaded in (the exhibits' field); default `uncategorized_file`. */
	reportField?: string;
	/** Documents uploaded besides this report (receipt, policy, messages), listed as exhibits after its sections. */
	documents?: readonly ExtraDocument[];
}

export interface RenderedPdf {
	bytes: Uint8Array;
	pages: number;
	/** Lowercase hex SHA-256 of `bytes`. */
	sha256: string;
	/** The letter's points (with the fact ids they rest on) and exhibits, for the dispute's record. */
	letter: LetterRecord;
}

export const DEFAULT_MAX_PAGES = 10;
export const DEFAULT_MAX_BYTES = 2_000_000;

interface Context {
	doc: PDFDocument;
	fonts: Record<"regular" | "bold", PDFFont>;
	fallbacks: PDFFont[];
	shaper: TextShaper;
	images: PDFImage[];
}

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
	return data instanceof Uint8Array ? data : new Uint8Array(data);
}

async function createContext(
	c: EvidenceCase,
	fonts: PdfFonts,
	fallbackFiles: readonly FallbackFontFile[],
): Promise<Context> {
	const doc = await PDFDocument.create({ updateMetadata: false });
	useParsedFonts(doc);
	let regular: PDFFont;
	let bold: PDFFont;
	try {
		regular = await doc.embedFont(asBytes(fonts.regular), { subset: true });
		bold = await doc.embedFont(asBytes(fonts.bold), { subset: true });
	} catch (error) {
		throw new PdfFontError("The fonts for the evidence PDF could not be read (expected TrueType files).", error);
	}
	const fallbacks: PDFFont[] = [];
	for (const file of fallbackFiles) {
		try {
			fallbacks.push(await doc.embedFont(file.bytes, { subset: true }));
		} catch (error) {
			throw new PdfFontError(`The fallback font ${file.file} could not be read (expected a WOFF file).`, error);
		}
	}
	const id = cleanMetadata(c.dispute.id);
	const when = parseTime(c.dispute.createdAt) ?? parseTime(c.charge.createdAt) ?? new Date(0);
	doc.setTitle(`Dispute evidence ${id}`);
	doc.setAuthor("rebuttal");
	doc.setSubject(
		`Evidence for ${c.dispute.isInquiry ? "inquiry" : "dispute"} ${id} (${cleanMetadata(c.dispute.reason)}), ` +
			`submitted for ${cleanMetadata(c.merchantName)}`,
	);
	doc.setKeywords(["dispute evidence", id, cleanMetadata(c.charge.id)]);
	doc.setCreator("rebuttal");
	doc.setProducer("rebuttal with pdf-lib");
	doc.setLanguage("en");
	doc.setCreationDate(when);
	doc.setModificationDate(when);
	return { doc, fonts: { regular, bold }, fallbacks, shaper: new TextShaper({ regular, bold }, fallbacks), images: [] };
}

const color = (c: Rgb) => rgb(c[0], c[1], c[2]);

/**
 * Draws a cleaned line run by run: by direction, so Hebrew or Arabic inside it does not reverse the whole line,
 * then by font, each run whole so the font shapes it.
 */
function drawText(ctx: Context, page: PDFPage, op: Omit<Extract<Op, { kind: "text" }>, "kind">): void {
	let x = op.x;
	for (const directional of directionalRuns(op.text)) {
		for (const run of ctx.shaper.runs(directional.text)) {
			const font = run.face === "base" ? ctx.fonts[op.font] : ctx.fallbacks[run.face]!;
			const options = { x, y: op.y, size: op.size, font, color: color(op.color) };
			if (REORDERED.test(run.text)) drawWithActualText(ctx.doc, page, run.text, options);
			else page.drawText(run.text, options);
			x += ctx.shaper.width(run.text, op.font, op.size);
		}
	}
}

function draw(ctx: Context, pages: Op[][], footerLeft: string): void {
	const total = pages.length;
	pages.forEach((ops, i) => {
		const page = ctx.doc.addPage([PAGE.width, PAGE.height]);
		for (const op of ops) {
			if (op.kind === "text") {
				drawText(ctx, page, op);
			} else if (op.kind === "rect") {
				page.drawRectangle({
					x: op.x,
					y: op.y,
					width: op.width,
					height: op.height,
					color: op.fill ? color(op.fill) : undefined,
					borderColor: op.stroke ? color(op.stroke) : undefined,
					borderWidth: op.stroke ? (op.lineWidth ?? 0.5) : 0,
				});
			} else if (op.kind === "image") {
				const image = ctx.images[op.image];
				if (image) page.drawImage(image, { x: op.x, y: op.y, width: op.width, height: op.height });
			} else {
				page.drawLine({
					start: { x: op.x1, y: op.y1 },
					end: { x: op.x2, y: op.y2 },
					thickness: op.width,
					color: color(op.color),
				});
			}
		}
		// Footer: who and which dispute on the left, the page number on the right.
		const y = PAGE.marginBottom - 30;
		const size = 7.5;
		const right = `Page ${i + 1} of ${total}`;
		const rightWidth = ctx.shaper.width(right, "regular", size);
		const left = ctx.shaper.fit(footerLeft, "regular", size, PAGE.width - 2 * PAGE.marginX - rightWidth - 24);
		page.drawLine({
			start: { x: PAGE.marginX, y: y + 12 },
			end: { x: PAGE.width - PAGE.marginX, y: y + 12 },
			thickness: 0.5,
			color: color(COLORS.rule),
		});
		drawText(ctx, page, { x: PAGE.marginX, y, text: left, size, font: "regular", color: COLORS.muted });
		drawText(ctx, page, {
			x: PAGE.width - PAGE.marginX - rightWidth,
			y,
			text: right,
			size,
			font: "regular",
			color: COLORS.muted,
		});
	});
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes kept for the text, fonts and chart when choosing images; the rest of `maxBytes` may go to images. */
const TEXT_RESERVE = 250_000;

/** What an image adds to the file, estimated: JPEG bytes are embedded as they are, PNG pixels are re-compressed. */
function estimateBytes(image: ArtifactImage): number {
	if (image.format === "jpeg") return image.bytes.byteLength + 600;
	// Decoded and deflated again: rarely much more than the file, never much more than the raw pixels.
	return Math.min(Math.ceil(image.bytes.byteLength * 1.1), image.width * image.height * 4) + 1_200;
}

export const LEFT_OUT_FOR_SIZE = "Left out to keep the document within its size limit";
export const LEFT_OUT_FOR_PIXELS = "Left out to keep the images within the document's pixel limit";

/**
 * The images to try first: in order (most recent first), each only if it still fits both the byte budget of the
 * file and the memory budget of rendering it (decoded pixels; see image-memory.ts).
 */
function chooseImages(
	images: readonly ArtifactImage[],
	budget: { bytes: number; memory: number },
	notes: Map<string, string>,
): ArtifactImage[] {
	const chosen: ArtifactImage[] = [];
	let bytesLeft = budget.bytes;
	let memoryLeft = budget.memory;
	for (const image of images) {
		if (chosen.length >= MAX_IMAGES) break;
		const cost = estimateBytes(image);
		const memory = renderMemoryBytes(image);
		if (memory > memoryLeft) {
			notes.set(image.artifactId, LEFT_OUT_FOR_PIXELS);
		} else if (cost > bytesLeft) {
			notes.set(image.artifactId, LEFT_OUT_FOR_SIZE);
		} else {
			chosen.push(image);
			bytesLeft -= cost;
			memoryLeft -= memory;
		}
	}
	return chosen;
}

const MAX_IMAGES = 6;

/** Embeds the images into a fresh document; an image pdf-lib cannot decode is noted and left out. */
async function embedImages(ctx: Context, images: readonly ArtifactImage[], notes: Map<string, string>) {
	const usable: ArtifactImage[] = [];
	for (const image of images) {
		try {
			const embedded =
				image.format === "png" ? await ctx.doc.embedPng(image.bytes) : await ctx.doc.embedJpg(image.bytes);
			ctx.images.push(embedded);
			usable.push(image);
		} catch {
			notes.set(image.artifactId, IMAGE_UNAVAILABLE);
		}
	}
	return usable;
}

/**
 * Renders the case within `maxPages` and `maxBytes`: lists are cut first, then the supporting records and the
 * recent activity are left out (the cover letter says so). Images are chosen to fit the byte budget;
 * when the file is still too large, the largest image is left out first. Throws `PdfBudgetError` when even the
 * leanest document does not fit, `PdfFontError` when the fonts cannot be read.
 */
export async function renderEvidencePdf(
	evidenceCase: EvidenceCase,
	narrative: Narrative,
	options: RenderOptions,
): Promise<RenderedPdf> {
	const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
	if (!Number.isInteger(maxPages) || maxPages < 1) throw new PdfBudgetError(`maxPages must be a positive integer`);
	if (!Number.isFinite(maxBytes) || maxBytes < 1) throw new PdfBudgetError(`maxBytes must be a positive number`);

	const notes = new Map<string, string>();
	// One reason for every failure: the loader's own (an upstream status, a refused redirect) stays in the logs.
	for (const u of options.images?.unavailable ?? []) notes.set(u.artifactId, IMAGE_UNAVAILABLE);
	let images = chooseImages(
		options.images?.images ?? [],
		{
			bytes: Math.max(0, maxBytes - TEXT_RESERVE),
			memory: options.maxImageMemoryBytes ?? DEFAULT_MAX_IMAGE_MEMORY_BYTES,
		},
		notes,
	);

	let smallestBytes: number | null = null;
	let pagesNeeded = false;
	let ctx: Context | null = null;
	const fallbackFiles = await fallbackFontsFor(
		[evidenceCase, narrative, options.messages, options.ce3, options.documents, [...notes.values()]],
		options.fonts,
		options.fontSource,
	);
	for (let rung = 0; rung < LADDER.length; ) {
		const limits = LADDER[rung]!;
		ctx ??= await createContext(evidenceCase, options.fonts, fallbackFiles);
		const shown = images.slice(0, limits.thumbnails);
		const writer = new Writer(ctx.shaper, maxPages);
		const letter = writeEvidence(
			writer,
			evidenceCase,
			narrative,
			limits,
			{
				maxPages,
				images: shown,
				imageNotes: notes,
				messages: options.messages ?? [],
				ce3: options.ce3 ?? null,
				documents: options.documents ?? [],
			},
			options.reportField ?? "uncategorized_file",
		);
		if (writer.overflow) {
			pagesNeeded = true;
			rung++;
			continue;
		}
		const usable = await embedImages(ctx, shown, notes);
		if (usable.length < shown.length) {
			// An image could not be decoded: lay the same rung out again without it, in a fresh document.
			images = images.filter((i) => usable.includes(i) || !shown.includes(i));
			ctx = null;
			continue;
		}
		const footer = ctx.shaper.clean(`${evidenceCase.merchantName} · Evidence for dispute ${evidenceCase.dispute.id}`);
		draw(ctx, writer.pages, footer);
		const bytes = await ctx.doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
		if (bytes.length <= maxBytes) {
			return { bytes, pages: writer.pages.length, sha256: await sha256Hex(bytes), letter };
		}
		smallestBytes = bytes.length;
		ctx = null; // drawn into: start the next, leaner attempt from a fresh document
		if (shown.length > 0) {
			// Too large with images: leave the largest out and try the same rung again.
			const largest = shown.reduce((a, b) => (b.bytes.byteLength > a.bytes.byteLength ? b : a));
			notes.set(largest.artifactId, LEFT_OUT_FOR_SIZE);
			images = images.filter((i) => i !== largest);
			continue;
		}
		rung++;
	}
	if (smallestBytes !== null) {
		throw new PdfBudgetError(
			`The evidence PDF needs at least ${formatCount(smallestBytes)} bytes; the limit is ${formatCount(maxBytes)}.`,
			{ bytes: smallestBytes },
		);
	}
	throw new PdfBudgetError(
		`The evidence PDF does not fit in ${formatCount(maxPages)} pages even with optional sections left out.`,
		{ pages: pagesNeeded ? maxPages + 1 : null },
	);
}
