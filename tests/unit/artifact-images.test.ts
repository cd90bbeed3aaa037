import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type ArtifactBucket,
	type FetchLike,
	inspectImage,
	loadArtifactImages,
} from "../../lib/evidence/artifact-images";
import type { ArtifactSummary } from "../../lib/evidence/types";
import { renderEvidencePdf } from "../../lib/pdf/render";
import { gradientPng, rgbPng } from "../../local/png";
import { makeEvidenceCase, makeNarrative } from "../support/case-fixtures";

// Artifact images for the PDF's thumbnails: from R2 or https, bounded in time and size, PNG/JPEG only by their
// bytes; a failure leaves the image out (listed as unavailable), never the dispute. And the byte budget holds with
// fifty large images.

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};
const workDir = mkdtempSync(join(tmpdir(), "rebuttal-artifacts-"));
let files = 0;

function pdfText(bytes: Uint8Array): string {
	const path = join(workDir, `doc-${++files}.pdf`);
	writeFileSync(path, bytes);
	return execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

function pdfImageCount(bytes: Uint8Array): number {
	const path = join(workDir, `doc-${++files}.pdf`);
	writeFileSync(path, bytes);
	return execFileSync("pdfimages", ["-list", path], { encoding: "utf8" }).trim().split("\n").slice(2).length;
}

/** A PNG of deterministic noise (incompressible): about width × height × 3 bytes. */
function noisePng(width: number, height: number, seed: number): Uint8Array {
	const rows = Buffer.alloc((width * 3 + 1) * height);
	let x = seed >>> 0 || 1;
	for (let i = 0; i < rows.length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		rows[i] = x & 0xff;
	}
	for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0;
	return new Uint8Array(rgbPng(width, height, rows, { level: 1 }));
}

/** A real JPEG made by poppler from a rendered page; `padTo` pads it with APP15 segments to about that size. */
let baseJpeg: Uint8Array;
function paddedJpeg(padTo: number): Uint8Array {
	const parts: Buffer[] = [Buffer.from(baseJpeg.subarray(0, 2))];
	let size = baseJpeg.length;
	while (size + 65_537 <= padTo) {
		const segment = Buffer.alloc(65_537, 0x5a);
		segment[0] = 0xff;
		segment[1] = 0xef;
		segment.writeUInt16BE(65_535, 2);
		parts.push(segment.subarray(0, 65_537));
		size += 65_537;
	}
	parts.push(Buffer.from(baseJpeg.subarray(2)));
	return new Uint8Array(Buffer.concat(parts));
}

function artifact(id: string, location: string, contentType = "image/png"): ArtifactSummary {
	return { id, title: `Design ${id}`, createdAt: "2024-05-01T10:00:00.000Z", contentType, location };
}

function bucketOf(objects: Record<string, Uint8Array>): ArtifactBucket {
	return {
		get: async (key) => {
			const value = objects[key];
			return value ? { size: value.byteLength, arrayBuffer: async () => value.slice().buffer } : null;
		},
	};
}

let server: Server;
let origin: string;
const PNG = new Uint8Array(gradientPng(64, 40, [40, 90, 200], [230, 120, 40]));
/** https://artifacts.test/… is served by the local server (so production code only ever fetches https). */
const localFetch: FetchLike = (url, init) => fetch(url.replace("https://artifacts.test", origin), init);

beforeAll(async () => {
	const doc = await renderEvidencePdf(makeEvidenceCase(), makeNarrative(), { fonts });
	writeFileSync(join(workDir, "page.pdf"), doc.bytes);
	execFileSync("pdftoppm", [
		"-jpeg",
		"-r",
		"30",
		"-f",
		"1",
		"-l",
		"1",
		join(workDir, "page.pdf"),
		join(workDir, "page"),
	]);
	const jpg = readdirSync(workDir).find((f) => f.endsWith(".jpg"))!;
	baseJpeg = new Uint8Array(readFileSync(join(workDir, jpg)));

	server = createServer((req, res) => {
		if (req.url === "/ok.png") {
			res.writeHead(200, { "content-type": "image/png" }).end(PNG);
		} else if (req.url === "/ok.jpg") {
			res.writeHead(200, { "content-type": "image/jpeg" }).end(baseJpeg);
		} else if (req.url === "/page.html") {
			res.writeHead(200, { "content-type": "image/png" }).end("<html><body>not an image</body></html>");
		} else if (req.url === "/slow.png") {
			res.writeHead(200, { "content-type": "image/png" });
			res.write(PNG.subarray(0, 20)); // then never finishes
		} else if (req.url === "/big-declared.png") {
			res.writeHead(200, { "content-type": "image/png", "content-length": String(50_000_000) });
			res.write(PNG);
			setTimeout(() => res.destroy(), 2_000);
		} else if (req.url === "/big-streamed.png") {
			res.writeHead(200, { "content-type": "image/png" });
			const chunkBytes = Buffer.alloc(256 * 1024, 1);
			let sent = 0;
			const pump = () => {
				if (res.destroyed || sent > 40) return res.end();
				sent++;
				res.write(chunkBytes, pump);
			};
			pump();
		} else {
			res.writeHead(404).end("missing");
		}
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server?.closeAllConnections();
	await new Promise((resolve) => server?.close(resolve));
	rmSync(workDir, { recursive: true, force: true });
});

describe("loadArtifactImages", () => {
	it("loads PNG from R2 and JPEG from https, with their pixel sizes", async () => {
		const result = await loadArtifactImages(
			[artifact("a1", "r2:designs/a1.png"), artifact("a2", "https://artifacts.test/ok.jpg", "image/jpeg")],
			{ bucket: bucketOf({ "designs/a1.png": PNG }), fetch: localFetch },
		);
		expect(result.unavailable).toEqual([]);
		expect(result.images.map((i) => [i.artifactId, i.format, i.width, i.height])).toEqual([
			["a1", "png", 64, 40],
			["a2", "jpeg", inspectImage(baseJpeg).width, inspectImage(baseJpeg).height],
		]);
	});

	it("lists every failure as unavailable with its reason, and never throws", async () => {
		const big = new Uint8Array(5_000_000);
		big.set(PNG);
		const started = Date.now();
		const result = await loadArtifactImages(
			[
				artifact("missing", "r2:designs/none.png"),
				artifact("html", "https://artifacts.test/page.html"),
				artifact("oversize-r2", "r2:designs/big.png"),
				artifact("oversize-declared", "https://artifacts.test/big-declared.png"),
				artifact("oversize-streamed", "https://artifacts.test/big-streamed.png"),
				artifact("slow", "https://artifacts.test/slow.png"),
				artifact("gone", "https://artifacts.test/gone.png"),
				artifact("plain-http", "http://127.0.0.1:9/x.png"),
			],
			{
				bucket: bucketOf({ "designs/big.png": big }),
				fetch: localFetch,
				timeoutMs: 1_500,
				max: 10,
			},
		);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(result.images).toEqual([]);
		const reasons = Object.fromEntries(result.unavailable.map((u) => [u.artifactId, u.reason]));
		expect(reasons).toEqual({
			missing: "not found",
			html: "not a PNG or JPEG image",
			"oversize-r2": "larger than 4 MB",
			"oversize-declared": "larger than 4 MB",
			"oversize-streamed": "larger than 4 MB",
			slow: "no complete answer within 1.5 s",
			gone: "not found",
			"plain-http": "location is neither r2:KEY nor an https:// URL",
		});
	});

	it("reports a missing bucket or fetch, loads at most `max` images and skips artifacts that are not images", async () => {
		const many = Array.from({ length: 20 }, (_, i) => artifact(`p${i}`, `r2:p${i}.png`));
		const objects = Object.fromEntries(many.map((a) => [a.location.slice(3), PNG]));
		const result = await loadArtifactImages([artifact("doc", "r2:x.pdf", "application/pdf"), ...many], {
			bucket: bucketOf(objects),
		});
		expect(result.images.map((i) => i.artifactId)).toEqual(["p0", "p1", "p2", "p3", "p4", "p5"]);
		const none = await loadArtifactImages([artifact("r", "r2:a.png"), artifact("h", "https://artifacts.test/ok.png")]);
		expect(none.unavailable.map((u) => u.reason)).toEqual([
			"no ARTIFACTS bucket configured",
			"URLs are not fetched here",
		]);
	});
});

describe("the PDF with artifact images", () => {
	it("renders the thumbnails, and lists what could not be loaded without failing", async () => {
		const artifacts = [
			artifact("good", "r2:good.png"),
			artifact("missing", "r2:missing.png"),
			artifact("html", "https://artifacts.test/page.html"),
			artifact("jpeg", "https://artifacts.test/ok.jpg", "image/jpeg"),
			artifact("slow", "https://artifacts.test/slow.png"),
		];
		const images = await loadArtifactImages(artifacts, {
			bucket: bucketOf({ "good.png": PNG }),
			fetch: localFetch,
			timeoutMs: 1_000,
		});
		const c = makeEvidenceCase({ artifacts });
		const pdf = await renderEvidencePdf(c, makeNarrative(), { fonts, images });
		expect(pdfImageCount(pdf.bytes)).toBe(2);
		const text = pdfText(pdf.bytes);
		expect(text).toContain("Things the customer made");
		expect(text).toContain("Design good");
		expect(text).toContain("Shown above");
		expect(text).toContain("Unavailable: not found");
		expect(text).toContain("Unavailable: not a PNG or JPEG image");
		expect(text).toContain("Unavailable: no complete answer");
	});

	it("leaves out an image pdf-lib cannot decode", async () => {
		const broken = new Uint8Array(PNG);
		broken.fill(7, 40); // valid header, damaged data
		const c = makeEvidenceCase({ artifacts: [artifact("broken", "r2:b.png"), artifact("good", "r2:g.png")] });
		const images = await loadArtifactImages(c.artifacts, { bucket: bucketOf({ "b.png": broken, "g.png": PNG }) });
		const pdf = await renderEvidencePdf(c, makeNarrative(), { fonts, images });
		expect(pdfImageCount(pdf.bytes)).toBe(1);
		expect(pdfText(pdf.bytes)).toContain("Image could not be decoded");
	});

	it("stays within 2 MB and 10 pages with fifty 1–2 MB images, choosing what fits", async () => {
		const pngs = [noisePng(600, 600, 1), noisePng(700, 700, 2), noisePng(800, 800, 3)];
		const objects: Record<string, Uint8Array> = {};
		const artifacts: ArtifactSummary[] = [];
		for (let i = 0; i < 50; i++) {
			const isPng = i % 2 === 0;
			const bytes = isPng ? pngs[i % 3]! : paddedJpeg(1_000_000 + (i % 10) * 100_000);
			expect(bytes.byteLength).toBeGreaterThan(1_000_000);
			expect(bytes.byteLength).toBeLessThan(2_100_000);
			objects[`big/${i}`] = bytes;
			artifacts.push(artifact(`big${i}`, `r2:big/${i}`, isPng ? "image/png" : "image/jpeg"));
		}
		const c = makeEvidenceCase({ artifacts });
		const loaded = await loadArtifactImages(artifacts, { bucket: bucketOf(objects) });
		expect(loaded.images).toHaveLength(6);
		// All fifty straight to the renderer too: it shows a handful at most, within the byte budget.
		const everything = {
			images: artifacts.map((a) => ({
				artifactId: a.id,
				...inspectImage(objects[a.location.slice(3)]!),
				bytes: objects[a.location.slice(3)]!,
			})),
			unavailable: [],
		};
		for (const images of [loaded, everything]) {
			const started = Date.now();
			const pdf = await renderEvidencePdf(c, makeNarrative(), { fonts, images });
			expect(Date.now() - started).toBeLessThan(30_000);
			expect(pdf.bytes.byteLength).toBeLessThanOrEqual(2_000_000);
			expect(pdf.pages).toBeLessThanOrEqual(10);
			expect(pdfImageCount(pdf.bytes)).toBeGreaterThanOrEqual(1);
			const text = pdfText(pdf.bytes);
			expect(text).toContain("Left out to keep the document within its size limit");
			// Images never push a section out: the last exhibit is still there, and nothing is left out.
			expect(text).toContain("· Earlier payments");
			expect(text).not.toContain("leaves out");
		}
		// A smaller byte limit takes fewer images, still a complete document.
		const small = await renderEvidencePdf(c, makeNarrative(), { fonts, images: loaded, maxBytes: 600_000 });
		expect(small.bytes.byteLength).toBeLessThanOrEqual(600_000);
		expect(pdfText(small.bytes)).toContain("· The payment");
	});
});
