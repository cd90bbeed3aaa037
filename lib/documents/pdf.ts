/**
 * A small, deterministic PDF writer for the evidence documents besides the report (receipt, policy, customer
 * communication): a title, headings, wrapped paragraphs, key/value rows and quoted messages, on US Letter pages
 * with a footer. It uses the report's DejaVu fonts and text hygiene, so every script the report draws draws here.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import type { PdfFonts } from "../pdf/fonts/fallback";
import { useParsedFonts } from "../pdf/fonts/parsed";
import { cleanMetadata, directionalRuns, TextShaper } from "../pdf/text";

export type Block =
	| { kind: "heading"; text: string }
	| { kind: "paragraph"; text: string; muted?: boolean }
	| { kind: "rows"; rows: readonly (readonly [string, string])[] }
	/** A quoted message: a header line (date, channel, who) and the text verbatim. */
	| { kind: "quote"; header: string; text: string; note?: string };

export interface DocumentSpec {
	title: string;
	/** Under the title: whose document and for which dispute. */
	subtitle: string;
	/** Footer text on the left of every page. */
	footer: string;
	/** The document's date (metadata), so the same input gives the same bytes. */
	date: Date;
	blocks: readonly Block[];
}

export interface RenderedDocument {
	bytes: Uint8Array;
	pages: number;
	sha256: string;
}

const PAGE = { width: 612, height: 792, marginX: 60, top: 60, bottom: 70 };
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.45);
const RULE = rgb(0.8, 0.8, 0.82);

type Font = "regular" | "bold";

class Layout {
	readonly pages: PDFPage[] = [];
	private page!: PDFPage;
	private y = 0;
	constructor(
		private readonly doc: PDFDocument,
		private readonly fonts: Record<Font, PDFFont>,
		readonly shaper: TextShaper,
	) {
		this.newPage();
	}

	newPage(): void {
		this.page = this.doc.addPage([PAGE.width, PAGE.height]);
		this.pages.push(this.page);
		this.y = PAGE.height - PAGE.top;
	}

	space(points: number): void {
		this.y -= points;
	}

	private ensure(height: number): void {
		if (this.y - height < PAGE.bottom) this.newPage();
	}

	/** Wraps cleaned text into lines of at most `width` points, breaking at spaces (or anywhere in a long word). */
	wrap(text: string, font: Font, size: number, width: number): string[] {
		const lines: string[] = [];
		for (const paragraph of text.split("\n")) {
			let line = "";
			for (const word of paragraph.split(/ +/)) {
				const candidate = line ? `${line} ${word}` : word;
				if (this.shaper.width(candidate, font, size) <= width) {
					line = candidate;
					continue;
				}
				if (line) lines.push(line);
				line = "";
				let rest = word;
				while (this.shaper.width(rest, font, size) > width) {
					const chars = Array.from(rest);
					let n = chars.length - 1;
					while (n > 1 && this.shaper.width(chars.slice(0, n).join(""), font, size) > width) n--;
					lines.push(chars.slice(0, n).join(""));
					rest = chars.slice(n).join("");
				}
				line = rest;
			}
			lines.push(line);
		}
		return lines;
	}

	text(raw: string, opts: { font?: Font; size?: number; color?: ReturnType<typeof rgb>; indent?: number } = {}): void {
		const font = opts.font ?? "regular";
		const size = opts.size ?? 10;
		const indent = opts.indent ?? 0;
		const leading = size * 1.4;
		const width = PAGE.width - 2 * PAGE.marginX - indent;
		for (const line of this.wrap(this.shaper.clean(raw, true), font, size, width)) {
			this.ensure(leading);
			this.y -= leading;
			let x = PAGE.marginX + indent;
			for (const run of directionalRuns(line)) {
				this.page.drawText(run.text, { x, y: this.y, size, font: this.fonts[font], color: opts.color ?? INK });
				x += this.shaper.width(run.text, font, size);
			}
		}
	}

	rule(): void {
		this.ensure(8);
		this.y -= 6;
		this.page.drawLine({
			start: { x: PAGE.marginX, y: this.y },
			end: { x: PAGE.width - PAGE.marginX, y: this.y },
			thickness: 0.5,
			color: RULE,
		});
	}

	rows(rows: readonly (readonly [string, string])[]): void {
		const labelWidth = 150;
		for (const [label, value] of rows) {
			const size = 9.5;
			const leading = size * 1.45;
			const valueLines = this.wrap(
				this.shaper.clean(value),
				"regular",
				size,
				PAGE.width - 2 * PAGE.marginX - labelWidth,
			);
			this.ensure(leading * Math.min(valueLines.length, 3));
			const labelText = this.shaper.fit(this.shaper.clean(label), "bold", size, labelWidth - 8);
			valueLines.forEach((line, i) => {
				this.ensure(leading);
				this.y -= leading;
				if (i === 0)
					this.page.drawText(labelText, { x: PAGE.marginX, y: this.y, size, font: this.fonts.bold, color: MUTED });
				let x = PAGE.marginX + labelWidth;
				for (const run of directionalRuns(line)) {
					this.page.drawText(run.text, { x, y: this.y, size, font: this.fonts.regular, color: INK });
					x += this.shaper.width(run.text, "regular", size);
				}
			});
		}
	}

	footers(footer: string): void {
		const total = this.pages.length;
		this.pages.forEach((page, i) => {
			const size = 7.5;
			const right = `Page ${i + 1} of ${total}`;
			const rightWidth = this.shaper.width(right, "regular", size);
			const left = this.shaper.fit(
				this.shaper.clean(footer),
				"regular",
				size,
				PAGE.width - 2 * PAGE.marginX - rightWidth - 24,
			);
			const y = PAGE.bottom - 40;
			page.drawText(left, { x: PAGE.marginX, y, size, font: this.fonts.regular, color: MUTED });
			page.drawText(right, {
				x: PAGE.width - PAGE.marginX - rightWidth,
				y,
				size,
				font: this.fonts.regular,
				color: MUTED,
			});
		});
	}
}

/** Renders a document; the same spec and fonts give byte-identical output. */
export async function renderDocument(spec: DocumentSpec, fonts: PdfFonts): Promise<RenderedDocument> {
	const doc = await PDFDocument.create({ updateMetadata: false });
	useParsedFonts(doc);
	const embedded = {
		regular: await doc.embedFont(asBytes(fonts.regular), { subset: true }),
		bold: await doc.embedFont(asBytes(fonts.bold), { subset: true }),
	};
	doc.setTitle(cleanMetadata(spec.title));
	doc.setAuthor("rebuttal");
	doc.setSubject(cleanMetadata(spec.subtitle));
	doc.setCreator("rebuttal");
	doc.setProducer("rebuttal with pdf-lib");
	doc.setLanguage("en");
	doc.setCreationDate(spec.date);
	doc.setModificationDate(spec.date);
	const layout = new Layout(doc, embedded, new TextShaper(embedded));
	layout.text(spec.title, { font: "bold", size: 16 });
	layout.text(spec.subtitle, { size: 9.5, color: MUTED });
	layout.rule();
	for (const block of spec.blocks) {
		if (block.kind === "heading") {
			layout.space(8);
			layout.text(block.text, { font: "bold", size: 11.5 });
		} else if (block.kind === "paragraph") {
			layout.space(3);
			layout.text(block.text, { size: 10, color: block.muted ? MUTED : INK });
		} else if (block.kind === "rows") {
			layout.space(3);
			layout.rows(block.rows);
		} else {
			layout.space(6);
			layout.text(block.header, { font: "bold", size: 9.5, color: MUTED });
			layout.text(block.text, { size: 10, indent: 14 });
			if (block.note) layout.text(block.note, { size: 9, indent: 14, color: MUTED });
		}
	}
	layout.footers(spec.footer);
	const bytes = await doc.save({ useObjectStreams: true });
	return { bytes, pages: layout.pages.length, sha256: await sha256Hex(bytes) };
}

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
	return data instanceof Uint8Array ? data : new Uint8Array(data);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
