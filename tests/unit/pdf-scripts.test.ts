/**
 * Every script: names, titles and messages in Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari and Thai
 * render with real glyphs (DejaVu, else a Noto range file from the installed @fontsource packages) and extract as
 * the same text; a character no font has becomes a visible □ on the same line.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { SupportMessage } from "../../lib/evidence/support-messages";
import type { FontSource } from "../../lib/pdf/fonts/registry";
import { rangeFilesFor } from "../../lib/pdf/fonts/registry";
import { type RenderOptions, renderEvidencePdf } from "../../lib/pdf/render";
import { nodeFontSource } from "../../local/fonts";
import { makeEvidenceCase, makeNarrative, withPersonName } from "../support/case-fixtures";

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};
const fontSource = nodeFontSource();

const workDir = mkdtempSync(join(tmpdir(), "rebuttal-scripts-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let fileCount = 0;

function writePdf(bytes: Uint8Array): string {
	const path = join(workDir, `doc-${++fileCount}.pdf`);
	writeFileSync(path, bytes);
	return path;
}

/** Extracted text, whitespace collapsed; poppler marks right-to-left runs with embedding controls, dropped here. */
function pdfText(bytes: Uint8Array): string {
	const out = execFileSync("pdftotext", ["-enc", "UTF-8", writePdf(bytes), "-"], { encoding: "utf8" });
	return out.replace(/[\u202a-\u202e]/g, "").replace(/\s+/g, " ");
}

/** The fonts poppler finds in the file: name (with its subset tag) and whether it is embedded. */
function pdfFonts(bytes: Uint8Array): { name: string; embedded: boolean }[] {
	const out = execFileSync("pdffonts", [writePdf(bytes)], { encoding: "utf8" });
	return out
		.split("\n")
		.slice(2)
		.filter((line) => line.trim())
		.map((line) => {
			const cols = line.trim().split(/\s+/);
			return { name: cols[0]!, embedded: cols.at(-5) === "yes" };
		});
}

interface Box {
	page: number;
	xMin: number;
	yMin: number;
	xMax: number;
	yMax: number;
}

/** Where poppler places the first word equal to `word` (points, from the page's top left). */
function wordBox(bytes: Uint8Array, word: string): Box | null {
	const html = execFileSync("pdftotext", ["-bbox", "-enc", "UTF-8", writePdf(bytes), "-"], { encoding: "utf8" });
	let page = 0;
	for (const line of html.split("\n")) {
		if (line.includes("<page ")) page++;
		const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/.exec(line);
		if (m && m[5]!.replace(/[\u202a-\u202e]/g, "") === word) {
			return { page, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) };
		}
	}
	return null;
}

/** Dark pixels inside a box of a page rendered at 144 dpi: zero when the glyphs draw nothing. */
function inkIn(bytes: Uint8Array, box: Box): number {
	const scale = 2; // 144 dpi over 72 points per inch
	const prefix = join(workDir, `ink-${++fileCount}`);
	const args = ["-r", "144", "-f", String(box.page), "-l", String(box.page), "-singlefile", "-gray"];
	const crop = [box.xMin, box.yMin, box.xMax - box.xMin, box.yMax - box.yMin].map((v) => String(Math.round(v * scale)));
	execFileSync("pdftoppm", [
		...args,
		"-x",
		crop[0]!,
		"-y",
		crop[1]!,
		"-W",
		crop[2]!,
		"-H",
		crop[3]!,
		writePdf(bytes),
		prefix,
	]);
	const data = readFileSync(`${prefix}.pgm`);
	let offset = 0;
	for (let fields = 0; fields < 4; offset++) if (data[offset] === 0x0a || data[offset] === 0x20) fields++;
	let dark = 0;
	for (let i = offset; i < data.length; i++) if (data[i]! < 128) dark++;
	return dark;
}

function messages(text: string): SupportMessage[] {
	return [{ occurredAt: "2024-04-03T10:00:00.000Z", text, channel: "email" }];
}

/** A font source that records which files were asked for. */
function recording(source: FontSource): { asked: string[]; spy: FontSource } {
	const asked: string[] = [];
	const spy: FontSource = {
		load(file) {
			asked.push(file.file);
			return source.load(file);
		},
	};
	return { asked, spy };
}

async function render(name: string, options: Partial<RenderOptions> = {}) {
	const c = withPersonName(name, makeEvidenceCase());
	return renderEvidencePdf(c, makeNarrative(), { fonts, fontSource, ...options });
}

const SCRIPTS = [
	// label, a name, a message in that script, the font that must draw it (null: DejaVu already does)
	["Chinese", "王小明", "我没有收到退款通知", "NotoSansSC"],
	["Japanese", "山田太郎", "ありがとうございます", "NotoSansSC"],
	["Korean", "김민준", "환불을 요청합니다", "NotoSansKR"],
	["Arabic", "محمد", "شكرا لكم", null],
	["Hebrew", "שרה", "תודה רבה", null],
	["Devanagari", "शर्मा", "धन्यवाद", "NotoSansDevanagari"],
	["Thai", "สมชาย", "ขอบคุณครับ", "NotoSansThai"],
] as const;

describe("every script", () => {
	it.each(SCRIPTS)(
		"%s: the name and a message extract exactly and draw real glyphs",
		async (_label, name, message, face) => {
			const pdf = await render(name, { messages: messages(message) });
			const text = pdfText(pdf.bytes);
			if (face === null) {
				// Right to left: poppler gives the word as written but drops the space where the direction changes.
				expect(text).toMatch(new RegExp(`Submitted by ${name} ?Studio`));
			} else {
				expect(text).toContain(`Submitted by ${name} Studio`);
			}
			expect(text).toContain(message);
			expect(text).not.toContain("□");
			const embedded = pdfFonts(pdf.bytes);
			expect(embedded.every((f) => f.embedded)).toBe(true);
			if (face) expect(embedded.some((f) => f.name.includes(`+${face}`) || f.name.includes(face))).toBe(true);
			else expect(embedded.some((f) => f.name.includes("Noto"))).toBe(false);
			// poppler's word boxes hold right-to-left words in visual order, that is reversed.
			const box = wordBox(pdf.bytes, face === null ? Array.from(name).reverse().join("") : name);
			expect(box).not.toBeNull();
			expect(inkIn(pdf.bytes, box!)).toBeGreaterThan(20);
		},
	);

	it("a Japanese name mixing kanji and kana, whose characters sit in different range files, extracts whole", async () => {
		const name = "やまだ太郎";
		const files = new Set(Array.from(name, (ch) => rangeFilesFor(ch.codePointAt(0)!)[0]?.file));
		expect(files.size).toBeGreaterThan(1);
		const pdf = await render(name);
		expect(pdfText(pdf.bytes)).toContain(`Submitted by ${name} Studio`);
	});

	it("an emoji becomes □ on the same line, between the text around it", async () => {
		const pdf = await render("王小明 🙂 Lee");
		expect(pdfText(pdf.bytes)).toContain("Submitted by 王小明 □ Lee Studio");
		expect(pdfText(pdf.bytes)).not.toContain("\u{1f642}");
	});

	it("a long message without spaces wraps inside the page", async () => {
		const long = "我没有收到退款通知".repeat(40);
		const pdf = await render("王小明", { messages: messages(long) });
		const html = execFileSync("pdftotext", ["-bbox", writePdf(pdf.bytes), "-"], { encoding: "utf8" });
		const right = Math.max(...[...html.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1])));
		expect(right).toBeLessThanOrEqual(612 - 40);
		expect(pdfText(pdf.bytes).replace(/ /g, "")).toContain("我没有收到退款通知".repeat(4));
	});

	it("a Latin-only document loads no fallback file and is byte for byte the document without fallback fonts", async () => {
		const { asked, spy } = recording(fontSource);
		const withSource = await render("Ana Lima", { fontSource: spy });
		const without = await render("Ana Lima", { fontSource: undefined });
		expect(asked).toEqual([]);
		expect(withSource.sha256).toBe(without.sha256);
		expect(pdfFonts(withSource.bytes).some((f) => f.name.includes("Noto"))).toBe(false);
	});

	it("loads only the range files the text needs, and a PDF with a Chinese name stays small", async () => {
		const { asked, spy } = recording(fontSource);
		const latin = await render("Ana Lima");
		const chinese = await render("王小明", { fontSource: spy });
		expect(asked.length).toBeGreaterThan(0);
		expect(asked.length).toBeLessThanOrEqual(3);
		expect(asked.every((f) => f.startsWith("noto-sans-sc-") && f.endsWith(".woff"))).toBe(true);
		expect(chinese.bytes.length - latin.bytes.length).toBeLessThan(20_000);
	});

	it("a range file the source does not have leaves □ in the name, and the document still renders", async () => {
		const empty: FontSource = { load: async () => null };
		const pdf = await render("王小明", { fontSource: empty });
		expect(pdfText(pdf.bytes)).toContain("Submitted by □□□ Studio");
	});
});
