/**
 * Loads the images of a few artifacts (things the customer made) for the thumbnails in the evidence PDF: from
 * the ARTIFACTS R2 bucket (`r2:KEY`) or an `https://` URL, with a timeout, a size cap and a check of the bytes
 * themselves (PNG or JPEG only, whatever the row or the server claims). URLs and every redirect are checked
 * before they are fetched (see artifact-url.ts). Loading never throws: an artifact whose image cannot be used is
 * reported as unavailable, with a short reason for the logs, and the dispute goes on without it; the PDF says only
 * IMAGE_UNAVAILABLE, so nothing about the hosts or their answers leaves in the evidence.
 */
import { ArtifactUrlRefused, fetchCheckingRedirects } from "./artifact-url";
import { type ImageFormat, pixelFormat } from "./image-memory";
import type { ArtifactSummary } from "./types";

export interface ArtifactImage {
	artifactId: string;
	format: ImageFormat;
	bytes: Uint8Array;
	width: number;
	height: number;
}

export interface UnavailableArtifact {
	artifactId: string;
	/**
	 * Why the image is not shown, e.g. "not found", "not a PNG or JPEG image", "larger than 4 MB", for the logs;
	 * never printed in the PDF (it could tell a reader about internal hosts), which says IMAGE_UNAVAILABLE.
	 */
	reason: string;
}

/** The one reason the PDF gives for an image that could not be loaded or embedded, whatever went wrong. */
export const IMAGE_UNAVAILABLE = "Image unavailable";

export interface ArtifactImages {
	/** In the order of the artifacts given (most recent first). */
	images: ArtifactImage[];
	unavailable: UnavailableArtifact[];
}

/** The part of an R2 bucket the loader uses. */
export interface ArtifactBucket {
	get(key: string): Promise<{ size: number; arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

/** The loader asks for `redirect: "manual"` and follows redirects itself, checking each hop. */
export type FetchLike = (input: string, init?: { signal?: AbortSignal; redirect?: "manual" }) => Promise<Response>;

export interface LoadOptions {
	/** The ARTIFACTS bucket; without it `r2:` artifacts are unavailable. */
	bucket?: ArtifactBucket | null;
	/** Fetch for `https://` artifacts; without it they are unavailable. */
	fetch?: FetchLike | null;
	/** ARTIFACT_HOSTS: when not empty, the only host names `https://` artifacts and their redirects may use. */
	allowHosts?: readonly string[] | null;
	/** Images attempted at most (default 6): only the first image artifacts are loaded. */
	max?: number;
	/** Largest image accepted, in bytes (default 4 MB). */
	maxImageBytes?: number;
	/** Largest PNG accepted, in pixels (default 6 megapixels): PNGs are decoded when embedded. */
	maxPngPixels?: number;
	/** Per URL, for the whole response (default 5 s). */
	timeoutMs?: number;
}

export const MAX_THUMBNAILS = 6;
const DEFAULTS = { max: MAX_THUMBNAILS, maxImageBytes: 4_000_000, maxPngPixels: 6_000_000, timeoutMs: 5_000 };
const IMAGE_TYPES = /^image\/(png|jpe?g|pjpeg)\b/i;

class Unavailable extends Error {}

/**
 * Loads up to `max` images, in parallel, from the artifacts whose declared content type is PNG or JPEG; every
 * other artifact is left to the list of records (not reported as unavailable).
 */
export async function loadArtifactImages(
	artifacts: readonly ArtifactSummary[],
	options: LoadOptions = {},
): Promise<ArtifactImages> {
	const opts = { ...DEFAULTS, ...definedOnly(options) };
	const candidates = artifacts.filter((a) => IMAGE_TYPES.test(a?.contentType ?? "")).slice(0, Math.max(0, opts.max));
	const results = await Promise.all(
		candidates.map(async (artifact): Promise<ArtifactImage | UnavailableArtifact> => {
			try {
				const bytes = await readBytes(artifact.location, options, opts);
				return { artifactId: artifact.id, ...inspectImage(bytes, opts.maxPngPixels), bytes };
			} catch (error) {
				const reason = error instanceof Unavailable ? error.message : "could not be read";
				return { artifactId: artifact.id, reason };
			}
		}),
	);
	const images: ArtifactImage[] = [];
	const unavailable: UnavailableArtifact[] = [];
	for (const r of results) {
		if ("bytes" in r) images.push(r);
		else unavailable.push(r);
	}
	return { images, unavailable };
}

function definedOnly(options: LoadOptions): Partial<typeof DEFAULTS> {
	const out: Partial<typeof DEFAULTS> = {};
	for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
		const value = options[key];
		if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
	}
	return out;
}

function megabytes(n: number): string {
	return `${Math.round((n / 1_000_000) * 10) / 10} MB`;
}

async function readBytes(location: string, sources: LoadOptions, opts: typeof DEFAULTS): Promise<Uint8Array> {
	const tooLarge = () => new Unavailable(`larger than ${megabytes(opts.maxImageBytes)}`);
	if (typeof location !== "string") throw new Unavailable("no location");
	if (location.startsWith("r2:")) {
		const key = location.slice(3);
		if (!sources.bucket) throw new Unavailable("no ARTIFACTS bucket configured");
		if (key.length === 0 || key.length > 1024) throw new Unavailable("not a valid R2 key");
		const object = await sources.bucket.get(key);
		if (!object) throw new Unavailable("not found");
		if (object.size > opts.maxImageBytes) throw tooLarge();
		const bytes = new Uint8Array(await object.arrayBuffer());
		if (bytes.byteLength > opts.maxImageBytes) throw tooLarge();
		return bytes;
	}
	if (/^https:\/\//i.test(location)) {
		if (!sources.fetch) throw new Unavailable("URLs are not fetched here");
		let url: URL;
		try {
			url = new URL(location);
		} catch {
			throw new Unavailable("not a valid URL");
		}
		return fetchBounded(sources.fetch, url.href, sources.allowHosts, opts.maxImageBytes, opts.timeoutMs, tooLarge);
	}
	throw new Unavailable("location is neither r2:KEY nor an https:// URL");
}

async function fetchBounded(
	fetchFn: FetchLike,
	url: string,
	allowHosts: readonly string[] | null | undefined,
	maxBytes: number,
	timeoutMs: number,
	tooLarge: () => Error,
): Promise<Uint8Array> {
	const controller = new AbortController();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		controller.abort();
	}, timeoutMs);
	try {
		const response = await fetchCheckingRedirects(fetchFn, url, { signal: controller.signal, allowHosts });
		if (!response.ok) {
			await response.body?.cancel().catch(() => {});
			throw new Unavailable(response.status === 404 ? "not found" : `the server answered ${response.status}`);
		}
		const declared = Number(response.headers.get("content-length"));
		if (Number.isFinite(declared) && declared > maxBytes) {
			await response.body?.cancel().catch(() => {});
			throw tooLarge();
		}
		if (!response.body) return new Uint8Array(await response.arrayBuffer());
		const reader = response.body.getReader();
		const chunks: Uint8Array[] = [];
		let total = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			total += value.byteLength;
			if (total > maxBytes) {
				await reader.cancel().catch(() => {});
				throw tooLarge();
			}
			chunks.push(value);
		}
		const bytes = new Uint8Array(total);
		let offset = 0;
		for (const chunk of chunks) {
			bytes.set(chunk, offset);
			offset += chunk.byteLength;
		}
		return bytes;
	} catch (error) {
		if (error instanceof Unavailable) throw error;
		if (error instanceof ArtifactUrlRefused) throw new Unavailable(error.message);
		if (timedOut) throw new Unavailable(`no complete answer within ${Math.round(timeoutMs / 100) / 10} s`);
		throw new Unavailable("the URL could not be fetched");
	} finally {
		clearTimeout(timer);
	}
}

/** The format and pixel size of PNG or JPEG bytes, read from their headers; anything else is unavailable. */
export function inspectImage(
	bytes: Uint8Array,
	maxPngPixels = DEFAULTS.maxPngPixels,
): { format: ImageFormat; width: number; height: number } {
	const b = bytes;
	if (b.length >= 33 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d) {
		if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== "IHDR") throw new Unavailable("a damaged PNG image");
		const format = pixelFormat(b);
		if (!format || format.width < 1 || format.height < 1) throw new Unavailable("a damaged PNG image");
		const { width, height } = format;
		if (width * height > maxPngPixels) throw new Unavailable(`a PNG image larger than ${megapixels(maxPngPixels)}`);
		return { format: "png", width, height };
	}
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
		const format = pixelFormat(b);
		if (!format || format.width < 1 || format.height < 1) throw new Unavailable("a damaged JPEG image");
		return { format: "jpeg", width: format.width, height: format.height };
	}
	throw new Unavailable("not a PNG or JPEG image");
}

function megapixels(n: number): string {
	return `${Math.round(n / 100_000) / 10} megapixels`;
}
