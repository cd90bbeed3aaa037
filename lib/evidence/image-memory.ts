/**
 * What the artifact images of one document cost in memory while the PDF renders, read from their headers before
 * anything is decoded. A Worker has 128 MB; pdf-lib decodes every PNG it embeds and keeps the pixels until the
 * document is saved, so six large PNGs within the per-image cap once held about 150 MB, and every retry failed the
 * same way. The renderer keeps the sum of `renderMemoryBytes` within a budget and leaves the rest out (it cannot
 * downscale: that would need a decoder and encoder the Worker does not have, and decoding is the cost itself).
 */

/** The image formats evidence documents embed. */
export type ImageFormat = "png" | "jpeg";

/** Memory the images of one document may take while it renders (see `renderMemoryBytes`). */
export const DEFAULT_MAX_IMAGE_MEMORY_BYTES = 48_000_000;

export interface PixelFormat {
	width: number;
	height: number;
	/** Samples per pixel: 1 grey or palette index, 2 grey and alpha, 3 RGB (JPEG YCbCr too), 4 RGBA or CMYK. */
	channels: number;
	/** Bits per sample (PNG 1–16, JPEG 8 or 12). */
	bitDepth: number;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The pixel format from the PNG IHDR or the JPEG start-of-frame header; null when neither can be read. */
export function pixelFormat(bytes: Uint8Array): PixelFormat | null {
	const b = bytes;
	if (b.length >= 33 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
		const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
		const channels = PNG_CHANNELS[b[25]!];
		if (!channels) return null;
		return { width: view.getUint32(16), height: view.getUint32(20), channels, bitDepth: b[24]! };
	}
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegFrame(b);
	return null;
}

/** Walks the JPEG markers to the first start-of-frame: precision, height, width, component count. */
function jpegFrame(b: Uint8Array): PixelFormat | null {
	let i = 2;
	while (i + 9 < b.length) {
		if (b[i] !== 0xff) return null;
		const marker = b[i + 1]!;
		if (marker === 0xff) {
			i++;
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			i += 2;
			continue;
		}
		const length = (b[i + 2]! << 8) | b[i + 3]!;
		if (length < 2) return null;
		const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrame) {
			return {
				bitDepth: b[i + 4]!,
				height: (b[i + 5]! << 8) | b[i + 6]!,
				width: (b[i + 7]! << 8) | b[i + 8]!,
				channels: b[i + 9]!,
			};
		}
		i += 2 + length;
	}
	return null;
}

/** width × height × channels × bit depth, in bytes: the image's pixels once decoded. */
export function decodedBytes(format: PixelFormat): number {
	return Math.ceil((format.width * format.height * format.channels * format.bitDepth) / 8);
}

/**
 * What embedding the image holds in the Worker, at most, while the document renders:
 * - PNG: the file, its decoded pixels, and pdf-lib's working copies (8-bit RGBA twice while converting, then the
 *   RGB and alpha planes it keeps until the PDF is saved): file + decoded + 12 bytes a pixel, whatever the depth;
 * - JPEG: embedded as it is, never decoded here: the file and pdf-lib's copy of it.
 * An image whose header cannot be read costs Infinity (it is never chosen).
 */
export function renderMemoryBytes(image: { format: ImageFormat; bytes: Uint8Array }): number {
	if (image.format === "jpeg") return 2 * image.bytes.byteLength;
	const format = pixelFormat(image.bytes);
	if (!format) return Number.POSITIVE_INFINITY;
	return image.bytes.byteLength + decodedBytes(format) + 12 * format.width * format.height;
}
