import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, pipelineConfigSchema } from "../../lib/config";
import {
	type ArtifactBucket,
	type FetchLike,
	IMAGE_UNAVAILABLE,
	inspectImage,
	loadArtifactImages,
} from "../../lib/evidence/artifact-images";
import { artifactUrlProblem, MAX_ARTIFACT_REDIRECTS } from "../../lib/evidence/artifact-url";
import {
	DEFAULT_MAX_IMAGE_MEMORY_BYTES,
	decodedBytes,
	pixelFormat,
	renderMemoryBytes,
} from "../../lib/evidence/image-memory";
import type { ArtifactSummary } from "../../lib/evidence/types";
import { LEFT_OUT_FOR_PIXELS, renderEvidencePdf } from "../../lib/pdf/render";
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
/** What an internal service would serve: a valid image that must never reach a PDF. */
const INTERNAL_PNG = new Uint8Array(gradientPng(33, 21, [255, 0, 0], [0, 255, 0]));
/** Paths the local server was asked for, to prove a refused redirect target is never requested. */
const requested: string[] = [];
/**
 * https://artifacts.test/… and https://elsewhere.example/… are served by the local server (so production code
 * only ever fetches https); any other URL throws, so no test reaches the network.
 */
const localFetch: FetchLike = (url, init) => {
	const local = url.replace(/^https:\/\/(artifacts\.test|elsewhere\.example)(?=\/)/, origin);
	if (local === url) return Promise.reject(new Error(`test fetch refused ${url}`));
	return fetch(local, init);
};

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
		requested.push(req.url ?? "");
		const hops = /^\/chain\/(\d+)$/.exec(req.url ?? "");
		if (hops) {
			const left = Number(hops[1]);
			res.writeHead(302, { location: left === 0 ? "/ok.png" : `/chain/${left - 1}` }).end();
		} else if (req.url === "/internal.png") {
			res.writeHead(200, { "content-type": "image/png" }).end(INTERNAL_PNG);
		} else if (req.url === "/to-loopback-http") {
			res.writeHead(302, { location: `${origin}/internal.png` }).end();
		} else if (req.url === "/to-loopback-https") {
			res.writeHead(307, { location: `https://127.0.0.1:${new URL(origin).port}/internal.png` }).end();
		} else if (req.url === "/to-decimal-ip") {
			res.writeHead(301, { location: "https://2130706433/internal.png" }).end();
		} else if (req.url === "/to-localhost") {
			res.writeHead(308, { location: "https://localhost/internal.png" }).end();
		} else if (req.url === "/to-metadata") {
			res.writeHead(303, { location: "https://169.254.169.254/latest/meta-data/" }).end();
		} else if (req.url === "/to-other-host") {
			res.writeHead(302, { location: "https://elsewhere.example/ok.png" }).end();
		} else if (req.url === "/no-location") {
			res.writeHead(302).end();
		} else if (req.url === "/loop") {
			res.writeHead(302, { location: "/loop" }).end();
		} else if (req.url === "/teapot") {
			res.writeHead(503, "Internal Billing Service Down").end("upstream says: db-primary.corp is down");
		} else if (req.url === "/ok.png") {
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

// SSRF: an artifact row is data. Its URL, or a redirect from it, must never make the Worker fetch loopback, the
// private network or a metadata service, nor let the PDF tell anyone what such a server answered.
const REFUSED_URLS: [string, string][] = [
	["http://cdn.example.com/a.png", "plain http"],
	["https://127.0.0.1/a.png", "IPv4 loopback"],
	["https://127.1/a.png", "short IPv4"],
	["https://2130706433/a.png", "decimal IPv4"],
	["https://0x7f000001/a.png", "hex IPv4"],
	["https://0x7f.0.0.1/a.png", "hex octet"],
	["https://0177.0.0.1/a.png", "octal octet"],
	["https://017700000001/a.png", "octal IPv4"],
	["https://0.0.0.0/a.png", "unspecified IPv4"],
	["https://10.0.0.5/a.png", "private 10/8"],
	["https://172.16.0.1/a.png", "private 172.16/12"],
	["https://192.168.1.1/a.png", "private 192.168/16"],
	["https://100.64.0.1/a.png", "CGNAT 100.64/10"],
	["https://169.254.169.254/latest/meta-data/", "cloud metadata"],
	["https://169.254.10.1/a.png", "link-local IPv4"],
	["https://8.8.8.8/a.png", "a public IP literal too"],
	["https://[::1]/a.png", "IPv6 loopback"],
	["https://[::ffff:127.0.0.1]/a.png", "IPv4-mapped IPv6"],
	["https://[::ffff:7f00:1]/a.png", "IPv4-mapped IPv6, hex"],
	["https://[fe80::1]/a.png", "link-local IPv6"],
	["https://[fd00:ec2::254]/latest/meta-data/", "AWS IPv6 metadata"],
	["https://[fc00::1]/a.png", "unique local IPv6"],
	["https://localhost/a.png", "localhost"],
	["https://LOCALHOST./a.png", "localhost, upper case with a trailing dot"],
	["https://db.localhost/a.png", "*.localhost"],
	["https://metadata.google.internal/computeMetadata/v1/", "*.internal"],
	["https://printer.local/a.png", "mDNS *.local"],
	["https://router.home.arpa/a.png", "*.home.arpa"],
	["https://intranet/a.png", "a single-label name"],
	["https://user:secret@cdn.example.com/a.png", "credentials in the URL"],
	["https://cdn.example.com:8443/a.png", "a non-standard port"],
	["https://cdn.example.com:22/a.png", "another port"],
];

describe.each(REFUSED_URLS)("the artifact URL %s (%s)", (url) => {
	const recordingFetch = (answer: (u: string) => Response) => {
		const calls: string[] = [];
		const fn: FetchLike = async (u) => {
			calls.push(u);
			return answer(u);
		};
		return { calls, fn };
	};

	it("is refused by the check", () => {
		expect(artifactUrlProblem(url)).toEqual(expect.any(String));
	});

	it("is never fetched as the artifact's location", async () => {
		const { calls, fn } = recordingFetch(() => new Response(INTERNAL_PNG, { status: 200 }));
		const result = await loadArtifactImages([artifact("a", url)], { fetch: fn });
		expect(calls).toEqual([]);
		expect(result.images).toEqual([]);
		expect(result.unavailable).toHaveLength(1);
	});

	it("is never fetched as a redirect target", async () => {
		const { calls, fn } = recordingFetch((u) =>
			u === "https://cdn.example.com/start.png"
				? new Response(null, { status: 302, headers: { location: url } })
				: new Response(INTERNAL_PNG, { status: 200 }),
		);
		const result = await loadArtifactImages([artifact("a", "https://cdn.example.com/start.png")], { fetch: fn });
		expect(calls).toEqual(["https://cdn.example.com/start.png"]);
		expect(result.images).toEqual([]);
		expect(result.unavailable[0]?.reason).toMatch(/^redirect refused: /);
	});
});

describe("artifact URLs that are fetched", () => {
	it.each([
		"https://cdn.example.com/a.png",
		"https://images.example.co.uk/x/y.jpg?size=large",
		"https://CDN.Example.COM./a.png",
		"https://cdn.example.com:443/a.png",
		"https://xn--bcher-kva.example/a.png",
		"https://a-1.example.io/a.png",
	])("%s passes the check", (url) => {
		expect(artifactUrlProblem(url)).toBeNull();
	});

	it("only the ARTIFACT_HOSTS names when it is set, case and trailing dot aside", () => {
		const hosts = ["cdn.example.com", "Images.Example.NET."];
		expect(artifactUrlProblem("https://cdn.example.com/a.png", hosts)).toBeNull();
		expect(artifactUrlProblem("https://CDN.example.com./a.png", hosts)).toBeNull();
		expect(artifactUrlProblem("https://images.example.net/a.png", hosts)).toBeNull();
		expect(artifactUrlProblem("https://evil.example.com/a.png", hosts)).toMatch(/ARTIFACT_HOSTS/);
		expect(artifactUrlProblem("https://cdn.example.com.evil.example/a.png", hosts)).toMatch(/ARTIFACT_HOSTS/);
		expect(artifactUrlProblem("https://example.com/a.png", hosts)).toMatch(/ARTIFACT_HOSTS/);
		// The allow-list never re-opens what is refused anyway.
		expect(artifactUrlProblem("https://localhost/a.png", ["localhost"])).not.toBeNull();
	});
});

describe("ARTIFACT_HOSTS in the pipeline configuration", () => {
	const base = { STRIPE_SECRET_KEY: "sk_test_abc", DATABASE_URL: "postgres://u@h/db" };
	it("is a list of host names, lower case; unset or empty: no list", () => {
		const parse = (ARTIFACT_HOSTS?: string) => parseConfig(pipelineConfigSchema, { ...base, ARTIFACT_HOSTS });
		expect(parse(" cdn.example.com, Images.Example.net ,").ARTIFACT_HOSTS).toEqual([
			"cdn.example.com",
			"images.example.net",
		]);
		expect(parse().ARTIFACT_HOSTS).toEqual([]);
		expect(parse("").ARTIFACT_HOSTS).toEqual([]);
		for (const bad of ["https://cdn.example.com", "cdn.example.com/images", "cdn", "cdn.example.com:443", "*.x.com"]) {
			expect(() => parse(bad), bad).toThrow(/ARTIFACT_HOSTS must be a comma-separated list of host names/);
		}
	});
});

describe("redirects from a real HTTP server", () => {
	const load = (path: string, allowHosts?: string[]) =>
		loadArtifactImages([artifact("a", `https://artifacts.test${path}`)], { fetch: localFetch, allowHosts });

	it(`follows up to ${MAX_ARTIFACT_REDIRECTS} redirects, relative ones included, and no more`, async () => {
		const three = await load(`/chain/${MAX_ARTIFACT_REDIRECTS - 1}`);
		expect(three.unavailable).toEqual([]);
		expect(three.images.map((i) => [i.width, i.height])).toEqual([[64, 40]]);
		const four = await load(`/chain/${MAX_ARTIFACT_REDIRECTS}`);
		expect(four.images).toEqual([]);
		expect(four.unavailable[0]?.reason).toBe(`more than ${MAX_ARTIFACT_REDIRECTS} redirects`);
		expect((await load("/loop")).unavailable[0]?.reason).toBe(`more than ${MAX_ARTIFACT_REDIRECTS} redirects`);
	});

	it.each([
		["/to-loopback-http", "redirect refused: not an https:// URL"],
		["/to-loopback-https", "redirect refused: not on the standard https port"],
		["/to-decimal-ip", "redirect refused: an IP address, not a host name"],
		["/to-localhost", "redirect refused: a host name reserved for local use"],
		["/to-metadata", "redirect refused: an IP address, not a host name"],
		["/no-location", "a redirect without a location"],
	])("refuses %s without requesting the target", async (path, reason) => {
		requested.length = 0;
		const result = await load(path);
		expect(result.images).toEqual([]);
		expect(result.unavailable).toEqual([{ artifactId: "a", reason }]);
		expect(requested).toEqual([path]);
	});

	it("with ARTIFACT_HOSTS set, follows redirects only to the listed hosts", async () => {
		expect((await load("/to-other-host")).images).toHaveLength(1);
		const listed = await load("/to-other-host", ["artifacts.test"]);
		expect(listed.images).toEqual([]);
		expect(listed.unavailable[0]?.reason).toBe("redirect refused: a host not listed in ARTIFACT_HOSTS");
		expect((await load("/ok.png", ["artifacts.test"])).images).toHaveLength(1);
		expect((await load("/ok.png", ["elsewhere.example"])).unavailable[0]?.reason).toBe(
			"a host not listed in ARTIFACT_HOSTS",
		);
	});

	it("puts one generic reason in the PDF: no upstream status, status text, body or host", async () => {
		const artifacts = [
			artifact("good", "r2:good.png"),
			artifact("loopback", "https://artifacts.test/to-loopback-http"),
			artifact("metadata", "https://artifacts.test/to-metadata"),
			artifact("down", "https://artifacts.test/teapot"),
			artifact("gone", "https://artifacts.test/gone.png"),
		];
		const images = await loadArtifactImages(artifacts, { bucket: bucketOf({ "good.png": PNG }), fetch: localFetch });
		expect(images.unavailable.find((u) => u.artifactId === "down")?.reason).toBe("the server answered 503");
		const pdf = await renderEvidencePdf(makeEvidenceCase({ artifacts }), makeNarrative(), { fonts, images });
		expect(pdfImageCount(pdf.bytes)).toBe(1);
		const text = pdfText(pdf.bytes);
		expect(text.split(IMAGE_UNAVAILABLE).length - 1).toBe(4);
		for (const leak of [
			"503",
			"Internal Billing",
			"db-primary",
			"127.0.0.1",
			"169.254",
			"redirect",
			"not found",
			"https",
		]) {
			expect(text).not.toContain(leak);
		}
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
		// One generic reason for each of the three failures (missing, not an image, too slow), never the specific one.
		expect(text.split(IMAGE_UNAVAILABLE).length - 1).toBe(3);
		expect(text).not.toContain("not found");
		expect(text).not.toContain("not a PNG or JPEG image");
		expect(text).not.toContain("no complete answer");
	});

	it("leaves out an image pdf-lib cannot decode", async () => {
		const broken = new Uint8Array(PNG);
		broken.fill(7, 40); // valid header, damaged data
		const c = makeEvidenceCase({ artifacts: [artifact("broken", "r2:b.png"), artifact("good", "r2:g.png")] });
		const images = await loadArtifactImages(c.artifacts, { bucket: bucketOf({ "b.png": broken, "g.png": PNG }) });
		const pdf = await renderEvidencePdf(c, makeNarrative(), { fonts, images });
		expect(pdfImageCount(pdf.bytes)).toBe(1);
		expect(pdfText(pdf.bytes)).toContain(IMAGE_UNAVAILABLE);
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

/** The first bytes of a PNG: signature and IHDR, enough for the header readers. */
function pngHeader(width: number, height: number, bitDepth: number, colorType: number): Uint8Array {
	const b = Buffer.alloc(33);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
	b.writeUInt32BE(13, 8);
	b.write("IHDR", 12, "latin1");
	b.writeUInt32BE(width, 16);
	b.writeUInt32BE(height, 20);
	b[24] = bitDepth;
	b[25] = colorType;
	return new Uint8Array(b);
}

/** A JPEG that is only SOI and a start-of-frame header. */
function jpegHeader(width: number, height: number, precision: number, components: number, sof = 0xc0): Uint8Array {
	const b = Buffer.from([0xff, 0xd8, 0xff, sof, 0, 8 + 3 * components, precision, 0, 0, 0, 0, components]);
	b.writeUInt16BE(height, 7);
	b.writeUInt16BE(width, 9);
	return new Uint8Array(Buffer.concat([b, Buffer.alloc(3 * components)]));
}

describe("the pixel accounting of artifact images", () => {
	it.each([
		["8-bit RGB", pngHeader(100, 50, 8, 2), 3, 8, 15_000],
		["16-bit RGBA", pngHeader(100, 50, 16, 6), 4, 16, 40_000],
		["8-bit grey with alpha", pngHeader(100, 50, 8, 4), 2, 8, 10_000],
		["1-bit grey (rounded up to whole bytes)", pngHeader(9, 1, 1, 0), 1, 1, 2],
		["8-bit palette", pngHeader(300, 200, 8, 3), 1, 8, 60_000],
		["baseline JPEG, YCbCr", jpegHeader(640, 480, 8, 3), 3, 8, 921_600],
		["progressive JPEG, CMYK", jpegHeader(100, 100, 8, 4, 0xc2), 4, 8, 40_000],
		["12-bit JPEG, grey", jpegHeader(100, 10, 12, 1, 0xc1), 1, 12, 1_500],
	])("reads %s from the header before decoding", (_name, bytes, channels, bitDepth, decoded) => {
		const format = pixelFormat(bytes);
		expect(format).toMatchObject({ channels, bitDepth });
		expect(decodedBytes(format!)).toBe(decoded);
	});

	it("reads the real files too: the gradient PNG and poppler's JPEG", () => {
		expect(pixelFormat(PNG)).toEqual({ width: 64, height: 40, channels: 3, bitDepth: 8 });
		const { width, height } = inspectImage(baseJpeg);
		expect(pixelFormat(baseJpeg)).toEqual({ width, height, channels: 3, bitDepth: 8 });
	});

	it("costs a PNG its file, its decoded pixels and pdf-lib's 12 bytes a pixel; a JPEG its file twice", () => {
		const rgba16 = pngHeader(1000, 1000, 16, 6);
		expect(renderMemoryBytes({ format: "png", bytes: rgba16 })).toBe(33 + 8_000_000 + 12_000_000);
		// pdf-lib converts every PNG to 8-bit RGBA: a 1-bit image is not cheap to embed.
		expect(renderMemoryBytes({ format: "png", bytes: pngHeader(1000, 1000, 1, 0) })).toBe(33 + 125_000 + 12_000_000);
		// Embedded as it is, never decoded in the Worker.
		expect(renderMemoryBytes({ format: "jpeg", bytes: baseJpeg })).toBe(2 * baseJpeg.byteLength);
		expect(renderMemoryBytes({ format: "png", bytes: new Uint8Array(40) })).toBe(Number.POSITIVE_INFINITY);
		expect(pixelFormat(pngHeader(10, 10, 8, 5))).toBeNull();
	});
});

describe("the memory budget of one document's images", () => {
	// Ten PNGs of 1.2 megapixels, each far under the 6-megapixel cap and small as files (gradients compress well), but
	// about 18 MB each once pdf-lib decodes them: together over a Worker's 128 MB.
	const size = { width: 1200, height: 1000 };
	let ten: { images: ReturnType<typeof tenImage>[]; unavailable: [] };
	let artifacts: ArtifactSummary[];
	function tenImage(i: number) {
		const bytes = new Uint8Array(gradientPng(size.width, size.height, [i * 20, 90, 200], [230, 120, 255 - i * 20]));
		return { artifactId: `big${i}`, ...inspectImage(bytes), bytes };
	}
	beforeAll(() => {
		ten = { images: Array.from({ length: 10 }, (_, i) => tenImage(i)), unavailable: [] };
		artifacts = ten.images.map((image) => artifact(image.artifactId, `r2:${image.artifactId}`));
	});

	it("embeds only the newest images that fit, and says which were left out and why", async () => {
		const costs = ten.images.map(renderMemoryBytes);
		for (const image of ten.images) expect(image.bytes.byteLength).toBeLessThan(200_000);
		expect(costs.reduce((a, b) => a + b)).toBeGreaterThan(128_000_000);
		const fitting = Math.floor(DEFAULT_MAX_IMAGE_MEMORY_BYTES / costs[0]!);
		expect(fitting).toBe(2);

		const pdf = await renderEvidencePdf(makeEvidenceCase({ artifacts }), makeNarrative(), { fonts, images: ten });
		expect(pdfImageCount(pdf.bytes)).toBe(fitting);
		const text = pdfText(pdf.bytes);
		expect(text.split(LEFT_OUT_FOR_PIXELS).length - 1).toBe(10 - fitting);
		expect(text.split("Shown above").length - 1).toBe(fitting);
		expect(text).toMatch(/Design big0 image\/png \S+ \S+ Shown above Design big1 image\/png \S+ \S+ Shown above/);
	});

	it("moves with the budget: one image's worth embeds one, no budget embeds the renderer's six", async () => {
		const c = makeEvidenceCase({ artifacts });
		const one = await renderEvidencePdf(c, makeNarrative(), {
			fonts,
			images: ten,
			maxImageMemoryBytes: renderMemoryBytes(ten.images[0]!),
		});
		expect(pdfImageCount(one.bytes)).toBe(1);
		const none = await renderEvidencePdf(c, makeNarrative(), { fonts, images: ten, maxImageMemoryBytes: 1 });
		expect(pdfImageCount(none.bytes)).toBe(0);
		expect(pdfText(none.bytes).split(LEFT_OUT_FOR_PIXELS).length - 1).toBe(10);
		const unbounded = await renderEvidencePdf(c, makeNarrative(), {
			fonts,
			images: ten,
			maxImageMemoryBytes: Number.POSITIVE_INFINITY,
		});
		expect(pdfImageCount(unbounded.bytes)).toBe(6);
	});

	it("counts the thumbnails in words: 'the latest image' for one, never 'the latest 1 images'", async () => {
		const c = makeEvidenceCase({ artifacts });
		const one = await renderEvidencePdf(c, makeNarrative(), {
			fonts,
			images: ten,
			maxImageMemoryBytes: renderMemoryBytes(ten.images[0]!),
		});
		const oneText = pdfText(one.bytes);
		expect(oneText).toMatch(/Shown below\s+the latest image\b/);
		expect(oneText).not.toMatch(/latest 1 images/);
		const two = await renderEvidencePdf(c, makeNarrative(), { fonts, images: ten });
		expect(pdfText(two.bytes)).toMatch(/Shown below\s+the latest 2 images\b/);
	});
});
