/** The fallback range files straight from node_modules: the font source of Node tests and local scripts. */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FALLBACK_PACKAGES } from "../lib/pdf/fonts/packages";
import { RANGE_FILES } from "../lib/pdf/fonts/ranges.generated";
import type { FontSource } from "../lib/pdf/fonts/registry";
import { FONT_KEY_PREFIX } from "../lib/pdf/fonts/sources";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function packageFilePath(pkg: string, file: string): string {
	return join(root, "node_modules", pkg, "files", file);
}

/** Reads range files from the installed packages; a missing file is `null`, like a missing bucket object. */
export function nodeFontSource(): FontSource {
	return {
		async load({ pkg, file }) {
			if (!(FALLBACK_PACKAGES as readonly string[]).includes(pkg)) return null;
			try {
				return new Uint8Array(await readFile(packageFilePath(pkg, file)));
			} catch {
				return null;
			}
		},
	};
}

/** Every range file as a bucket key and its path, for seeding the local font bucket or uploading to R2. */
export function rangeFileObjects(): { key: string; path: string }[] {
	return RANGE_FILES.map(([pkg, file]) => ({ key: FONT_KEY_PREFIX + file, path: packageFilePath(pkg, file) }));
}

/** The part of Miniflare's R2 bucket the seeding uses. */
export interface SeedBucket {
	head(key: string): Promise<unknown>;
	put(key: string, value: Uint8Array): Promise<unknown>;
}

/** Marks a bucket filled with this index's files, so a persisted bucket is not checked file by file again. */
const SEEDED_MARKER = `${FONT_KEY_PREFIX}.seeded-${RANGE_FILES.length}-${RANGE_FILES[RANGE_FILES.length - 1]?.[1] ?? ""}`;

/** Fills the local FONTS bucket with every range file it lacks (a persisted bucket keeps them between runs). */
export async function seedFontBucket(bucket: SeedBucket): Promise<void> {
	if (await bucket.head(SEEDED_MARKER)) return;
	const objects = rangeFileObjects();
	const lanes = 8;
	await Promise.all(
		Array.from({ length: lanes }, async (_, lane) => {
			for (let i = lane; i < objects.length; i += lanes) {
				const { key, path } = objects[i]!;
				if (await bucket.head(key)) continue;
				await bucket.put(key, new Uint8Array(await readFile(path)));
			}
		}),
	);
	await bucket.put(SEEDED_MARKER, new Uint8Array(0));
}
