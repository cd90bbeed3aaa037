import type { FontSource } from "./registry";

/** The key prefix of the range files in the font bucket (`npm run fonts:upload` puts them there). */
export const FONT_KEY_PREFIX = "fonts/";

/** The part of an R2 bucket the font source uses. */
export interface FontBucket {
	get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

/**
 * Range files from an R2 bucket, read on demand: the Chinese, Japanese and Korean fonts are far too large for a
 * Worker's bundle. Files already read stay cached for the isolate's life (a few hundred kilobytes each at most).
 */
export function bucketFontSource(bucket: FontBucket): FontSource {
	const cache = new Map<string, Promise<Uint8Array | null>>();
	return {
		load({ file }) {
			let hit = cache.get(file);
			if (!hit) {
				hit = bucket.get(FONT_KEY_PREFIX + file).then(async (o) => (o ? new Uint8Array(await o.arrayBuffer()) : null));
				// A failed read is not remembered: the next document tries again.
				hit.catch(() => cache.delete(file));
				cache.set(file, hit);
			}
			return hit;
		},
	};
}
