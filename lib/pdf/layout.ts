/**
 * A small page writer: a cursor moving down US Letter pages, wrapped text, key/value lists and tables. It only
 * records drawing operations (a display list), so the renderer can count pages and shrink the content before
 * anything is drawn into the PDF.
 */
import { graphemes, type TextShaper } from "./text";

export type FontKey = "regular" | "bold";
export type Rgb = readonly [number, number, number];

export type Op =
	| { kind: "text"; x: number; y: number; text: string; font: FontKey; size: number; color: Rgb }
	| { kind: "rect"; x: number; y: number; width: number; height: number; fill?: Rgb; stroke?: Rgb; lineWidth?: number }
	| { kind: "line"; x1: number; y1: number; x2: number; y2: number; color: Rgb; width: number }
	/** An embedded image, by its index among the document's images, scaled into the box. */
	| { kind: "image"; x: number; y: number; width: number; height: number; image: number };

export const PAGE = { width: 612, height: 792, marginX: 56, marginTop: 56, marginBottom: 64 } as const;

export const COLORS = {
	text: [0.13, 0.14, 0.17],
	muted: [0.42, 0.45, 0.5],
	heading: [0.1, 0.2, 0.38],
	rule: [0.8, 0.83, 0.87],
	fill: [0.95, 0.96, 0.98],
	bar: [0.27, 0.42, 0.66],
	accent: [0.8, 0.3, 0.13],
} as const satisfies Record<string, Rgb>;

export const BODY = 9.5;
export const SMALL = 8;
const LEADING = 1.38;

export interface TextStyle {
	font?: FontKey;
	size?: number;
	color?: Rgb;
	indent?: number;
	multiline?: boolean;
}

export interface Column {
	header: string;
	/** Share of the content width. */
	width: number;
	align?: "left" | "right";
	/** Wrap long cells instead of cutting them. */
	wrap?: boolean;
}

export class Writer {
	readonly pages: Op[][] = [];
	/** Set once content needs more pages than `pageLimit`; later content is measured but discarded. */
	overflow = false;
	y = 0;
	private current: Op[] = [];

	constructor(
		readonly shaper: TextShaper,
		private readonly pageLimit: number,
	) {
		this.newPage();
	}

	get left(): number {
		return PAGE.marginX;
	}

	get width(): number {
		return PAGE.width - 2 * PAGE.marginX;
	}

	get remaining(): number {
		return this.y - PAGE.marginBottom;
	}

	newPage(): void {
		if (this.pages.length >= this.pageLimit) {
			this.overflow = true;
			this.current = [];
		} else {
			this.current = [];
			this.pages.push(this.current);
		}
		this.y = PAGE.height - PAGE.marginTop;
	}

	/** Starts a new page unless `height` points still fit on this one. */
	ensure(height: number): void {
		if (height > this.remaining) this.newPage();
	}

	space(height: number): void {
		if (height >= this.remaining) this.newPage();
		else this.y -= height;
	}

	push(op: Op): void {
		this.current.push(op);
	}

	lineHeight(size: number): number {
		return size * LEADING;
	}

	/** Draws one cleaned line with its baseline placed for a line box starting at the cursor. */
	drawLine(text: string, x: number, style: Required<Pick<TextStyle, "font" | "size" | "color">>, top = this.y): void {
		if (text.length === 0) return;
		const baseline = top - style.size * 1.02;
		this.push({ kind: "text", x, y: baseline, text, font: style.font, size: style.size, color: style.color });
	}

	/** Wraps a cleaned string into lines no wider than `maxWidth`, by words, and by characters inside a word too long. */
	wrap(text: string, font: FontKey, size: number, maxWidth: number): string[] {
		const lines: string[] = [];
		const space = this.shaper.width(" ", font, size);
		for (const para of text.split("\n")) {
			let line = "";
			let lineWidth = 0;
			for (const word of para.split(" ")) {
				if (word.length === 0) continue;
				const wordWidth = this.shaper.width(word, font, size);
				if (line && lineWidth + space + wordWidth <= maxWidth) {
					line += ` ${word}`;
					lineWidth += space + wordWidth;
					continue;
				}
				if (line) lines.push(line);
				if (wordWidth <= maxWidth) {
					line = word;
					lineWidth = wordWidth;
					continue;
				}
				line = "";
				lineWidth = 0;
				// By grapheme, so a vowel sign or virama stays with its letter.
				for (const ch of graphemes(word)) {
					const w = this.shaper.width(ch, font, size);
					if (line && lineWidth + w > maxWidth) {
						lines.push(line);
						line = "";
						lineWidth = 0;
					}
					line += ch;
					lineWidth += w;
				}
			}
			lines.push(line);
		}
		return lines;
	}

	paragraph(raw: unknown, style: TextStyle = {}): void {
		const font = style.font ?? "regular";
		const size = style.size ?? BODY;
		const color = style.color ?? COLORS.text;
		const indent = style.indent ?? 0;
		const text = this.shaper.clean(raw, style.multiline ?? true);
		const lh = this.lineHeight(size);
		for (const line of this.wrap(text, font, size, this.width - indent)) {
			this.ensure(lh);
			this.drawLine(line, this.left + indent, { font, size, color });
			this.y -= lh;
		}
	}

	heading(raw: string): void {
		const size = 13;
		this.space(10);
		this.ensure(size * 1.6 + 6 + this.lineHeight(BODY) * 4);
		const text = this.shaper.fit(this.shaper.clean(raw), "bold", size, this.width);
		this.drawLine(text, this.left, { font: "bold", size, color: COLORS.heading });
		this.y -= size * 1.45;
		this.push({
			kind: "line",
			x1: this.left,
			y1: this.y,
			x2: this.left + this.width,
			y2: this.y,
			color: COLORS.rule,
			width: 0.75,
		});
		this.y -= 8;
	}

	/** A bold sub-title, kept on one page with the first `keep` points of what follows. */
	subheading(raw: string, keep = this.lineHeight(BODY) * 3): void {
		this.space(4);
		this.ensure(this.lineHeight(10) + 2 + keep);
		this.paragraph(raw, { font: "bold", size: 10, color: COLORS.heading });
		this.y -= 2;
	}

	note(raw: string): void {
		this.paragraph(raw, { size: SMALL, color: COLORS.muted });
	}

	/** Label on the left, wrapped value on the right; a row is never split across pages. */
	keyValues(rows: readonly (readonly [string, unknown, ...unknown[]])[], labelWidth = 150): void {
		const size = BODY;
		const lh = this.lineHeight(size);
		const valueWidth = this.width - labelWidth - 8;
		for (const [label, value] of rows) {
			const labelLines = this.wrap(this.shaper.clean(label), "regular", size, labelWidth - 6);
			const valueLines = this.wrap(this.shaper.clean(value, true), "regular", size, valueWidth);
			const height = Math.max(labelLines.length, valueLines.length) * lh + 2;
			if (height <= PAGE.height - PAGE.marginTop - PAGE.marginBottom) this.ensure(height);
			const rowCount = Math.max(labelLines.length, valueLines.length);
			for (let i = 0; i < rowCount; i++) {
				this.ensure(lh);
				const l = labelLines[i];
				const v = valueLines[i];
				if (l) this.drawLine(l, this.left, { font: "regular", size, color: COLORS.muted });
				if (v) this.drawLine(v, this.left + labelWidth, { font: "regular", size, color: COLORS.text });
				this.y -= lh;
			}
			this.y -= 2;
		}
	}

	/**
	 * A table; cells are cut to one line with "…", or, in columns with `wrap`, wrapped onto up to `maxLines` lines
	 * (then cut). The header repeats on each page; a row is never split.
	 */
	table(columns: readonly Column[], rows: readonly (readonly unknown[])[], maxLines = 4): void {
		const size = SMALL + 0.5;
		const lh = this.lineHeight(size);
		const total = columns.reduce((s, c) => s + c.width, 0) || 1;
		const widths = columns.map((c) => (c.width / total) * this.width);
		const cellLines = (cells: readonly unknown[], font: FontKey): string[][] =>
			columns.map((col, i) => {
				const text = this.shaper.clean(cells[i]);
				const inner = widths[i]! - 8;
				if (!col.wrap) return [this.shaper.fit(text, font, size, inner)];
				const lines = this.wrap(text, font, size, inner);
				if (lines.length <= maxLines) return lines;
				const kept = lines.slice(0, maxLines);
				kept[maxLines - 1] = this.shaper.fit(`${kept[maxLines - 1]}…`, font, size, inner);
				return kept;
			});
		const drawRow = (cells: readonly unknown[], header: boolean, shade: boolean): void => {
			const font: FontKey = header ? "bold" : "regular";
			const lines = cellLines(cells, font);
			const rowHeight = Math.max(1, ...lines.map((l) => l.length)) * lh + 3;
			if (rowHeight > this.remaining) {
				this.newPage();
				if (!header)
					drawRow(
						columns.map((c) => c.header),
						true,
						false,
					);
			}
			const top = this.y;
			if (header || shade) {
				this.push({
					kind: "rect",
					x: this.left,
					y: top - rowHeight,
					width: this.width,
					height: rowHeight,
					fill: header ? COLORS.fill : [0.975, 0.98, 0.99],
				});
			}
			let x = this.left;
			columns.forEach((col, i) => {
				const w = widths[i]!;
				lines[i]!.forEach((text, j) => {
					const tw = this.shaper.width(text, font, size);
					const tx = col.align === "right" ? x + w - 4 - tw : x + 4;
					const color = header ? COLORS.heading : COLORS.text;
					this.drawLine(text, tx, { font, size, color }, top - 1.5 - j * lh);
				});
				x += w;
			});
			this.y -= rowHeight;
		};
		this.ensure((lh + 3) * Math.min(rows.length + 1, 4));
		drawRow(
			columns.map((c) => c.header),
			true,
			false,
		);
		rows.forEach((row, i) => {
			drawRow(row, false, i % 2 === 1);
		});
		this.y -= 4;
	}

	/**
	 * A numbered list: the marker and a bold label (a date) in narrow columns, the wrapped text beside them; an
	 * item is never split across pages.
	 */
	numbered(items: readonly { marker: string; label: string; text: string }[], labelWidth = 78): void {
		const size = BODY + 0.5;
		const lh = this.lineHeight(size);
		const markerWidth = 16;
		const textX = this.left + markerWidth + labelWidth;
		const textWidth = this.width - markerWidth - labelWidth;
		for (const item of items) {
			const lines = this.wrap(this.shaper.clean(item.text, true), "regular", size, textWidth);
			const label = this.shaper.fit(this.shaper.clean(item.label), "bold", size, labelWidth - 6);
			this.ensure(lines.length * lh + 4);
			this.drawLine(this.shaper.clean(item.marker), this.left, { font: "bold", size, color: COLORS.accent });
			this.drawLine(label, this.left + markerWidth, { font: "bold", size, color: COLORS.heading });
			for (const line of lines) {
				this.drawLine(line, textX, { font: "regular", size, color: COLORS.text });
				this.y -= lh;
			}
			this.y -= 4;
		}
	}

	/** A shaded box with a coloured rule on its left, for the case summary; falls back to plain text if too tall. */
	callout(raw: unknown): void {
		const size = 10;
		const lh = this.lineHeight(size);
		const pad = 10;
		const lines = this.wrap(this.shaper.clean(raw, true), "regular", size, this.width - 2 * pad - 4);
		const height = lines.length * lh + 2 * pad;
		if (height > this.remaining) {
			this.paragraph(raw, { size });
			return;
		}
		this.push({ kind: "rect", x: this.left, y: this.y - height, width: this.width, height, fill: COLORS.fill });
		this.push({ kind: "rect", x: this.left, y: this.y - height, width: 3, height, fill: COLORS.heading });
		let top = this.y - pad;
		for (const line of lines) {
			this.drawLine(line, this.left + pad + 4, { font: "regular", size, color: COLORS.text }, top);
			top -= lh;
		}
		this.y -= height;
	}
}
