import { deflateSync, type ZlibOptions } from "node:zlib";

/** A small RGB PNG with a diagonal two-colour gradient: stand-in artwork for the demo accounts' artifacts. */
export function gradientPng(
	width: number,
	height: number,
	from: [number, number, number],
	to: [number, number, number],
) {
	const rows = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (width * 3 + 1);
		rows[row] = 0; // filter: none
		for (let x = 0; x < width; x++) {
			const t = (x + y) / (width + height - 2 || 1);
			for (let c = 0; c < 3; c++) rows[row + 1 + x * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * t);
		}
	}
	return rgbPng(width, height, rows);
}

/**
 * An 8-bit RGB PNG from its raw scanlines (`height` rows of a filter byte and `width` × 3 colour bytes), compressed
 * with `deflate` options (the default level unless given).
 */
export function rgbPng(width: number, height: number, rows: Buffer, deflate?: ZlibOptions): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk("IHDR", header),
		chunk("IDAT", deflateSync(rows, deflate)),
		chunk("IEND", Buffer.alloc(0)),
	]);
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

let table: Uint32Array | undefined;
function crc32(data: Buffer): number {
	if (!table) {
		table = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			table[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}
