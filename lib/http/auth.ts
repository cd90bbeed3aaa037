/** Compares two secrets in time that does not depend on where they first differ. */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
	const encoder = new TextEncoder();
	// Hashing first gives equal-length inputs, so the length of the secret does not leak either.
	const [ha, hb] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(a)),
		crypto.subtle.digest("SHA-256", encoder.encode(b)),
	]);
	const x = new Uint8Array(ha);
	const y = new Uint8Array(hb);
	let diff = 0;
	for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
	return diff === 0;
}

export function bearerToken(header: string | undefined): string | null {
	const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
	return match?.[1] ?? null;
}
