import { describe, expect, it } from "vitest";
import { FALLBACK_PACKAGES } from "../../lib/pdf/fonts/packages";
import { RANGE_FILES } from "../../lib/pdf/fonts/ranges.generated";
import { type FontSource, loadFallbackFonts, missingCodePoints, rangeFilesFor } from "../../lib/pdf/fonts/registry";
import { type FontLike, TextShaper } from "../../lib/pdf/text";

const cp = (ch: string) => ch.codePointAt(0)!;

describe("the range index", () => {
	it("lists a regular WOFF file of an installed fallback package for every entry, and no Latin subset", () => {
		expect(RANGE_FILES.length).toBeGreaterThan(300);
		for (const [pkg, file] of RANGE_FILES) {
			expect(FALLBACK_PACKAGES).toContain(pkg);
			expect(file).toMatch(/^noto-sans-[a-z]+-[a-z0-9-]+-400-normal\.woff$/);
			expect(file).not.toMatch(/-latin(-ext)?-400/);
		}
	});

	it("maps each script to its family: Thai, Devanagari, Hangul, kana to their own, Han to Chinese first", () => {
		expect(rangeFilesFor(cp("ส"))[0]?.pkg).toBe("@fontsource/noto-sans-thai");
		expect(rangeFilesFor(cp("श"))[0]?.pkg).toBe("@fontsource/noto-sans-devanagari");
		expect(rangeFilesFor(cp("김"))[0]?.pkg).toBe("@fontsource/noto-sans-kr");
		expect(rangeFilesFor(cp("王"))[0]?.pkg).toBe("@fontsource/noto-sans-sc");
		expect(rangeFilesFor(cp("や"))[0]?.pkg).toBe("@fontsource/noto-sans-jp");
		// The same ideograph is in the Japanese and Korean files too: the next candidates when one is missing.
		expect(new Set(rangeFilesFor(cp("山")).map((f) => f.pkg)).size).toBe(3);
		expect(rangeFilesFor(cp("🙂"))).toEqual([]);
	});
});

describe("missingCodePoints", () => {
	it("keeps what the base font lacks, once each, and never ASCII or a lone surrogate", () => {
		const base = new Set([cp("a"), cp("é")]);
		expect([...missingCodePoints("aé王王 b\ud800x🙂", base)]).toEqual([cp("王"), cp("🙂")]);
	});
});

describe("loadFallbackFonts", () => {
	it("loads one file for characters it shares, tries the next family when a file is missing, skips the rest", async () => {
		const asked: string[] = [];
		const source: FontSource = {
			async load(file) {
				asked.push(file.file);
				return file.pkg.endsWith("-sc") ? null : new Uint8Array([1]);
			},
		};
		const loaded = await loadFallbackFonts(new Set([cp("ส"), cp("ห"), cp("山"), cp("🙂")]), source);
		expect(loaded.map((f) => f.pkg)).toEqual(["@fontsource/noto-sans-thai", "@fontsource/noto-sans-jp"]);
		expect(asked.filter((f) => f.includes("thai"))).toHaveLength(1);
		expect(asked.some((f) => f.includes("-sc-"))).toBe(true);
	});
});

function fakeFont(chars: string, advance: number): FontLike {
	return {
		getCharacterSet: () => Array.from(chars, cp),
		widthOfTextAtSize: (text, size) => Array.from(text).length * advance * (size / 1000),
	};
}

describe("TextShaper with fallback faces", () => {
	const base = fakeFont(" abc□\u0301", 500);
	const shaper = new TextShaper({ regular: base, bold: base }, [
		fakeFont("王明", 1000),
		fakeFont("श\u0930\u094dमा", 800),
	]);

	it("keeps what a fallback face draws, replaces what none draws with □", () => {
		expect(shaper.clean("a王🙂")).toBe("a王□");
	});

	it("splits into runs of one font and keeps a mark with its letter's font", () => {
		expect(shaper.runs("ab王明 शर्मा c\u0301")).toEqual([
			{ text: "ab", face: "base" },
			{ text: "王明", face: 0 },
			{ text: " ", face: "base" },
			{ text: "शर्मा", face: 1 },
			{ text: " c\u0301", face: "base" },
		]);
	});

	it("measures each run with its own font", () => {
		expect(shaper.width("a王", "regular", 10)).toBeCloseTo(5 + 10);
	});
});
