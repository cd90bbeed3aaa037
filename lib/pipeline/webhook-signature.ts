/**
 * Stripe's webhook signature, checked as Stripe documents it (`Stripe-Signature: t=<unix seconds>,v1=<hex>,…`,
 * HMAC-SHA256 of `<t>.<raw body>` with the endpoint secret), on the hot path of intake without the SDK's detours:
 * the HMAC key is imported once per secret and isolate, the raw body's bytes are signed as received (no decode and
 * re-encode), the HMAC is computed once and compared with each v1 signature in constant time as bytes, without
 * hex-encoding it. Several v1 entries (a secret being rolled) are each tried; v0 and other schemes are ignored.
 */

export interface SignatureHeader {
	/** The `t=` value, unix seconds. */
	timestamp: number;
	/** The decoded `v1=` signatures (32 bytes each). */
	signatures: Uint8Array[];
}

/** Why a signature was refused; `message` is safe to answer with (it never contains the secret). */
export class SignatureRejected extends Error {}

const HEX = /^[0-9a-f]{64}$/i;

/** The header's timestamp and v1 signatures; throws {@link SignatureRejected} when it has neither. */
export function parseSignatureHeader(header: string): SignatureHeader {
	let timestamp = Number.NaN;
	const signatures: Uint8Array[] = [];
	for (const part of header.split(",")) {
		const eq = part.indexOf("=");
		if (eq < 0) continue;
		const key = part.slice(0, eq).trim();
		const value = part.slice(eq + 1).trim();
		if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
		else if (key === "v1" && HEX.test(value)) signatures.push(hexBytes(value));
	}
	if (!Number.isFinite(timestamp)) throw new SignatureRejected("no timestamp in the Stripe-Signature header");
	if (signatures.length === 0) throw new SignatureRejected("no v1 signature in the Stripe-Signature header");
	return { timestamp, signatures };
}

/**
 * The timestamp check, before the HMAC so a refused timestamp costs no hashing: a signature older than
 * `toleranceSeconds` is refused (a replayed delivery), and so is one more than `toleranceSeconds` in the future,
 * or a signed delivery captured once could be replayed for as long as its timestamp lies ahead.
 */
export function checkTimestamp(timestamp: number, nowSeconds: number, toleranceSeconds: number): void {
	if (nowSeconds - timestamp > toleranceSeconds) {
		throw new SignatureRejected(`timestamp outside the ${toleranceSeconds} s tolerance`);
	}
	if (timestamp - nowSeconds > toleranceSeconds) {
		throw new SignatureRejected("timestamp is in the future beyond the tolerance");
	}
}

const encoder = new TextEncoder();
/** Imported HMAC keys by secret, for this isolate's lifetime (a handful of secrets at most). */
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret);
	if (!key) {
		key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
		// A failed import is not kept: the next request tries again.
		key.catch(() => keys.delete(secret));
		keys.set(secret, key);
	}
	return key;
}

/** True when one of `header`'s v1 signatures is the HMAC of `<timestamp>.<rawBody>` under `secret`. */
export async function signatureMatches(header: SignatureHeader, rawBody: Uint8Array, secret: string): Promise<boolean> {
	const prefix = encoder.encode(`${header.timestamp}.`);
	const signed = new Uint8Array(prefix.length + rawBody.length);
	signed.set(prefix, 0);
	signed.set(rawBody, prefix.length);
	const expected = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), signed));
	let matched = false;
	for (const signature of header.signatures) matched = equalInConstantTime(expected, signature) || matched;
	return matched;
}

/** Compares every byte whatever the first difference, so the time taken says nothing about where it is. */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let difference = 0;
	for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
	return difference === 0;
}

function hexBytes(hex: string): Uint8Array {
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return out;
}
