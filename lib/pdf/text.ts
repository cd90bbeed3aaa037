/**
 * Text hygiene for the embedded fonts: every string that reaches the PDF goes through `TextShaper.clean`, which
 * never throws and leaves only characters the fonts can draw: DejaVu Sans, then the fallback faces loaded for
 * the document (Noto range files for Chinese, Japanese, Korean, Devanagari, Thai). A character no font has (an
 * emoji, say) becomes a visible □ drawn in DejaVu, control characters and lone surrogates are replaced,
 * invisible formatting characters (bidi overrides, zero-width joiners, variation selectors) are dropped.
 * `runs` splits a cleaned string into runs of one font, which are measured and drawn whole, so that a
 * Devanagari conjunct or a Thai vowel mark is shaped with its base letter.
 */

import { formatCount } from "../format";

export interface FontLike {
	widthOfTextAtSize(text: string, size: number): number;
	getCharacterSet(): number[];
}

const REPLACEMENT_BOX = 0x25a1; // □
/** Scripts whose glyphs the font engine substitutes by context (Arabic, Syriac, NKo). */
const SHAPED = /[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufefc]/;

function isIgnorable(cp: number): boolean {
	return (
		cp === 0x00ad ||
		cp === 0x034f ||
		cp === 0x061c ||
		cp === 0x180e ||
		(cp >= 0x200b && cp <= 0x200f) ||
		(cp >= 0x202a && cp <= 0x202e) ||
		(cp >= 0x2060 && cp <= 0x206f) ||
		(cp >= 0xfe00 && cp <= 0xfe0f) ||
		cp === 0xfeff ||
		(cp >= 0xfff0 && cp <= 0xfff8) ||
		(cp >= 0xe0000 && cp <= 0xe0fff)
	);
}

function isControl(cp: number): boolean {
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0x2028 || cp === 0x2029;
}

/** Combining marks: kept in the run of the letter they sit on when that font has them. */
const MARK = /\p{M}/u;

/** A run of one font: `face` is "base" (DejaVu, regular or bold as asked) or the index of a fallback face. */
export interface FontRun {
	text: string;
	face: "base" | number;
}

export class TextShaper {
	/** What DejaVu regular and bold both draw. */
	readonly base: ReadonlySet<number>;
	private readonly fallbackSets: ReadonlySet<number>[];
	private readonly replacement: string;
	private readonly widths = new Map<string, Map<number, number>>();

	/**
	 * `fallbacks` are regular faces used for both weights (a bold Noto would double the bytes for a few bold
	 * labels); they are tried in order for a character DejaVu lacks.
	 */
	constructor(
		private readonly fonts: Record<"regular" | "bold", FontLike>,
		private readonly fallbacks: readonly FontLike[] = [],
	) {
		const regular = new Set(fonts.regular.getCharacterSet());
		const bold = new Set(fonts.bold.getCharacterSet());
		this.base = new Set([...regular].filter((cp) => bold.has(cp)));
		this.fallbackSets = fallbacks.map((f) => new Set(f.getCharacterSet()));
		this.replacement = this.base.has(REPLACEMENT_BOX) ? "\u25a1" : "?";
	}

	private drawable(cp: number): boolean {
		return this.base.has(cp) || this.fallbackSets.some((s) => s.has(cp));
	}

	private faceOf(cp: number): "base" | number {
		if (this.base.has(cp)) return "base";
		const i = this.fallbackSets.findIndex((s) => s.has(cp));
		return i < 0 ? "base" : i;
	}

	/** Splits a cleaned string into runs of one font, in logical order. */
	runs(text: string): FontRun[] {
		const runs: FontRun[] = [];
		for (const ch of text) {
			const cp = ch.codePointAt(0)!;
			const last = runs[runs.length - 1];
			let face = this.faceOf(cp);
			// A mark follows its letter's font when that font has it (DejaVu has some Thai and Devanagari marks).
			if (last && MARK.test(ch) && last.face !== face) {
				const lastHas = last.face === "base" ? this.base.has(cp) : this.fallbackSets[last.face]!.has(cp);
				if (lastHas) face = last.face;
			}
			if (last && last.face === face) last.text += ch;
			else runs.push({ text: ch, face });
		}
		return runs;
	}

	/** The font a run is drawn with. */
	fontOf(run: FontRun, font: "regular" | "bold"): FontLike {
		return run.face === "base" ? this.fonts[font] : this.fallbacks[run.face]!;
	}

	/**
	 * A string safe to draw with either font. `multiline` keeps line breaks (as `\n`); otherwise every line
	 * break and tab becomes a space. Accepts anything (numbers, null) and never throws.
	 */
	clean(input: unknown, multiline = false): string {
		const text = typeof input === "string" ? input : input == null ? "" : String(input);
		let out = "";
		for (let i = 0; i < text.length; i++) {
			const unit = text.charCodeAt(i);
			let cp = unit;
			if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
				const next = text.charCodeAt(i + 1);
				if (next >= 0xdc00 && next <= 0xdfff) {
					cp = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
					i++;
				}
			}
			if (cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029) {
				if (cp === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
				out += multiline ? "\n" : " ";
			} else if (cp === 0x09) {
				out += " ";
			} else if (isControl(cp) || isIgnorable(cp)) {
				// dropped: invisible or meaningless on paper
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				out += this.replacement; // a lone surrogate
			} else if (this.drawable(cp)) {
				out += String.fromCodePoint(cp);
			} else {
				out += this.replacement;
			}
		}
		return out;
	}

	/**
	 * Width in points of an already cleaned string: per run of one font, the sum of cached per-character
	 * advances, or, for Arabic (whose letters join into narrower forms) and fallback faces (which shape
	 * Devanagari and Thai), the width of the shaped run.
	 */
	width(text: string, font: "regular" | "bold", size: number): number {
		if (this.fallbacks.length === 0) return this.baseWidth(text, font, size);
		let total = 0;
		for (const run of this.runs(text)) {
			total +=
				run.face === "base"
					? this.baseWidth(run.text, font, size)
					: this.fallbacks[run.face]!.widthOfTextAtSize(run.text, size);
		}
		return total;
	}

	private baseWidth(text: string, font: "regular" | "bold", size: number): number {
		if (SHAPED.test(text)) return this.fonts[font].widthOfTextAtSize(text, size);
		let cache = this.widths.get(font);
		if (!cache) {
			cache = new Map();
			this.widths.set(font, cache);
		}
		let total = 0;
		for (const ch of text) {
			const cp = ch.codePointAt(0)!;
			let w = cache.get(cp);
			if (w === undefined) {
				w = this.fonts[font].widthOfTextAtSize(ch, 1000) / 1000;
				cache.set(cp, w);
			}
			total += w;
		}
		return total * size;
	}

	/** Cuts a cleaned single-line string to `maxWidth`, marking the cut with "…". */
	fit(text: string, font: "regular" | "bold", size: number, maxWidth: number): string {
		if (this.width(text, font, size) <= maxWidth) return text;
		const chars = graphemes(text);
		const ellipsis = this.width("…", font, size);
		let used = 0;
		let end = 0;
		for (; end < chars.length; end++) {
			const w = this.width(chars[end]!, font, size);
			if (used + w + ellipsis > maxWidth) break;
			used += w;
		}
		return `${chars.slice(0, end).join("").trimEnd()}…`;
	}
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** User-perceived characters: a cut never separates a letter from its vowel sign or virama. */
export function graphemes(text: string): string[] {
	return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * Shortens a long text to about `maxChars` characters, at a word boundary when there is one nearby, and says how
 * much was left out. Works on code points, so a surrogate pair is never split.
 */
export function truncateText(text: string, maxChars: number): string {
	const chars = Array.from(text);
	if (chars.length <= maxChars) return text;
	let cut = Math.max(0, maxChars);
	const floor = Math.max(0, cut - 40);
	for (let i = cut; i > floor; i--) {
		if (/\s/.test(chars[i] ?? "")) {
			cut = i;
			break;
		}
	}
	const omitted = chars.length - cut;
	return `${chars.slice(0, cut).join("").trimEnd()}… [${formatCount(omitted)} more characters omitted]`;
}

/** Document metadata is stored as UTF-16, so any script is fine; only controls and lone surrogates go. */
export function cleanMetadata(input: unknown, maxChars = 200): string {
	const text = typeof input === "string" ? input : input == null ? "" : String(input);
	let out = "";
	for (const ch of text) {
		const cp = ch.codePointAt(0)!;
		if (cp >= 0xd800 && cp <= 0xdfff) out += "\ufffd";
		else if (isControl(cp) || isIgnorable(cp)) out += cp === 0x0a || cp === 0x09 || cp === 0x0d ? " " : "";
		else out += ch;
	}
	return truncateText(out.trim(), maxChars);
}

function isRtl(cp: number): boolean {
	return (
		(cp >= 0x0590 && cp <= 0x08ff) || // Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic
		(cp >= 0xfb1d && cp <= 0xfdff) || // Hebrew and Arabic presentation forms A
		(cp >= 0xfe70 && cp <= 0xfefc) // Arabic presentation forms B
	);
}

function isNeutral(cp: number): boolean {
	return cp === 0x20 || cp === 0xa0 || (cp >= 0x21 && cp <= 0x2f && cp !== 0x23) || cp === 0x3a || cp === 0x3b;
}

/**
 * Splits a line into left-to-right and right-to-left runs, in logical order. The font engine lays out a run
 * right to left when its first letter is Hebrew or Arabic, and would reverse the whole line with it (Latin
 * included); drawn run by run, the Latin stays readable and each Hebrew or Arabic phrase reads right to left.
 * This is not the full Unicode bidi algorithm: the line's base direction is always left to right.
 */
export function directionalRuns(line: string): { text: string; rtl: boolean }[] {
	const chars = Array.from(line);
	const runs: { text: string; rtl: boolean }[] = [];
	let i = 0;
	while (i < chars.length) {
		const start = i;
		if (isRtl(chars[i]!.codePointAt(0)!)) {
			let lastStrong = i;
			for (i++; i < chars.length; i++) {
				const cp = chars[i]!.codePointAt(0)!;
				if (isRtl(cp)) lastStrong = i;
				else if (!isNeutral(cp)) break;
			}
			i = lastStrong + 1;
			runs.push({ text: chars.slice(start, i).join(""), rtl: true });
		} else {
			while (i < chars.length && !isRtl(chars[i]!.codePointAt(0)!)) i++;
			runs.push({ text: chars.slice(start, i).join(""), rtl: false });
		}
	}
	return runs;
}
