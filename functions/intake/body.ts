/**
 * The request body's bytes, or null when it is longer than `maxBytes`. A declared Content-Length over the limit is
 * refused before reading; without one (chunked), the stream is read only up to the limit.
 */
export async function readBodyUpTo(request: Request, maxBytes: number): Promise<Uint8Array | null> {
	const declared = request.headers.get("content-length");
	if (declared !== null) {
		if (Number(declared) > maxBytes) return null;
		const body = new Uint8Array(await request.arrayBuffer());
		return body.byteLength > maxBytes ? null : body;
	}
	if (!request.body) return new Uint8Array(0);
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = request.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	if (chunks.length === 1) return chunks[0]!;
	const body = new Uint8Array(size);
	let at = 0;
	for (const chunk of chunks) {
		body.set(chunk, at);
		at += chunk.byteLength;
	}
	return body;
}
