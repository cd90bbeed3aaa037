/**
 * Which fallback range files a document needs. The text of a document is scanned for characters the base font
 * (DejaVu Sans) lacks; each is looked up in the generated index of @fontsource range files, and only those files
 * are loaded, through a `FontSource` (R2 in the Worker, the package files in Node).
 */
import { FALLBACK_PACKAGES } from "./packages";
import { RANGE_FILES } from "./ranges.generated";

/** Where the fallback range files come from. `null`: the file is not there (the characters print as □). */
export interface FontSource {
	load(file: RangeFile): Promise<Uint8Array | null>;
}

export interface RangeFile {
	/** The npm package that ships it, e.g. "@fontsource/noto-sans-thai". */
	pkg: string;
	/** The WOFF file name inside the package's `files/` folder, also its key in the font bucket. */
	file: string;
}

/** A loaded fallback face: the range file and its bytes. */
export interface FallbackFontFile extends RangeFile {
	bytes: Uint8Array;
}

interface IndexedFile extends RangeFile {
	ranges: Uint32Array; // start, end, start, end, …
}

let index: IndexedFile[] | null = null;

function indexed(): IndexedFile[] {
	if (index) return index;
	index = RANGE_FILES.map(([pkg, file, spec]) => {
		const parts = spec.split(",");
		const ranges = new Uint32Array(parts.length * 2);
		parts.forEach((part, i) => {
			const [start, end] = part.split("-");
			ranges[2 * i] = Number.parseInt(start!, 16);
			ranges[2 * i + 1] = Number.parseInt(end ?? start!, 16);
		});
		return { pkg, file, ranges };
	});
	return index;
}

function covers(file: IndexedFile, cp: number): boolean {
	const r = file.ranges;
	for (let i = 0; i < r.length; i += 2) if (cp >= r[i]! && cp <= r[i + 1]!) return true;
	return false;
}

/** The range files that list `cp`: its script's own family first, then in the order of FALLBACK_PACKAGES. */
export function rangeFilesFor(cp: number): RangeFile[] {
	const preferred = preferredPackage(cp);
	const rank = (pkg: string) => (pkg === preferred ? -1 : (FALLBACK_PACKAGES as readonly string[]).indexOf(pkg));
	return indexed()
		.filter((f) => covers(f, cp))
		.sort((a, b) => rank(a.pkg) - rank(b.pkg))
		.map(({ pkg, file }) => ({ pkg, file }));
}

/** The Chinese files also list some Hangul and kana; Korean and Japanese text reads better in its own face. */
function preferredPackage(cp: number): string | null {
	const hangul =
		(cp >= 0x1100 && cp <= 0x11ff) ||
		(cp >= 0x3130 && cp <= 0x318f) ||
		(cp >= 0xa960 && cp <= 0xa97f) ||
		(cp >= 0xac00 && cp <= 0xd7ff);
	if (hangul) return "@fontsource/noto-sans-kr";
	const kana = (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0xff66 && cp <= 0xff9f);
	return kana ? "@fontsource/noto-sans-jp" : null;
}

/** Code points of `text` that are neither in `base` nor formatting: what a fallback font must draw. */
export function missingCodePoints(text: string, base: ReadonlySet<number>): Set<number> {
	const missing = new Set<number>();
	for (const ch of text) {
		const cp = ch.codePointAt(0)!;
		if (cp > 0x7f && !base.has(cp) && !(cp >= 0xd800 && cp <= 0xdfff)) missing.add(cp);
	}
	return missing;
}

/**
 * Loads the range files that cover `missing`: for each character the first listed file (one file usually covers
 * many of the characters). A file the source lacks is skipped, and the next file listing the character is tried.
 */
export async function loadFallbackFonts(
	missing: ReadonlySet<number>,
	source: FontSource,
	maxFiles = 24,
): Promise<FallbackFontFile[]> {
	const loaded = new Map<string, FallbackFontFile | null>();
	for (const cp of missing) {
		const candidates = rangeFilesFor(cp);
		if (candidates.some((f) => loaded.get(f.file))) continue;
		for (const candidate of candidates) {
			if (loaded.has(candidate.file)) continue;
			if ([...loaded.values()].filter(Boolean).length >= maxFiles) break;
			const bytes = await source.load(candidate);
			loaded.set(candidate.file, bytes ? { ...candidate, bytes } : null);
			if (bytes) break;
		}
	}
	return [...loaded.values()].filter((f): f is FallbackFontFile => f !== null);
}
