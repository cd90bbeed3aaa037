/**
 * Operator sessions for the HTML dashboard: a signed, expiring cookie and a CSRF token bound to it.
 *
 * The cookie is `v1.<issued>.<expires>.<nonce>.<mac>`, the MAC an HMAC-SHA256 under a key derived from
 * DASHBOARD_TOKEN (so rotating the token logs every session out). The CSRF token is a second HMAC, of the
 * session's nonce, under the same key: a form can only carry it if the page that rendered it was served to this
 * session. The cookie alone proves nothing after logout: its nonce names a row of `rebuttal.sessions` that logout
 * revokes (see session-store.ts). Everything here is Web Crypto, for workerd and Node alike.
 */

export const SESSION_TTL_SECONDS = 8 * 60 * 60;
const VERSION = "v1";
const encoder = new TextEncoder();

export interface Session {
	issuedAt: number;
	expiresAt: number;
	nonce: string;
}

/** The cookie's name: `__Host-` (Secure, Path=/, no Domain) over https; browsers refuse that prefix on http. */
export function sessionCookieName(secure: boolean): string {
	return secure ? "__Host-rebuttal_session" : "rebuttal_session";
}

const keys = new Map<string, Promise<CryptoKey>>();

/** HMAC key derived from the operator token with a purpose label (cached per token, at most a few entries). */
function signingKey(token: string): Promise<CryptoKey> {
	let key = keys.get(token);
	if (!key) {
		key = (async () => {
			const base = await crypto.subtle.importKey(
				"raw",
				encoder.encode(token),
				{ name: "HMAC", hash: "SHA-256" },
				false,
				["sign"],
			);
			const derived = await crypto.subtle.sign("HMAC", base, encoder.encode("rebuttal dashboard session key v1"));
			return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
		})();
		if (keys.size >= 4) keys.clear();
		keys.set(token, key);
	}
	return key;
}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let text = "";
	for (const byte of view) text += String.fromCharCode(byte);
	return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	try {
		const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
		const bytes = new Uint8Array(binary.length);
		for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
		return bytes;
	} catch {
		return null;
	}
}

async function mac(token: string, data: string): Promise<string> {
	return base64url(await crypto.subtle.sign("HMAC", await signingKey(token), encoder.encode(data)));
}

/** `crypto.subtle.verify` compares in constant time. */
async function verifyMac(token: string, data: string, presented: string): Promise<boolean> {
	const signature = fromBase64url(presented);
	if (signature?.byteLength !== 32) return false;
	return crypto.subtle.verify("HMAC", await signingKey(token), signature, encoder.encode(data));
}

/** A new session's cookie value. */
export async function createSession(
	token: string,
	nowMs = Date.now(),
	ttlSeconds = SESSION_TTL_SECONDS,
): Promise<{ value: string; session: Session }> {
	const issuedAt = Math.floor(nowMs / 1000);
	const session = {
		issuedAt,
		expiresAt: issuedAt + ttlSeconds,
		nonce: base64url(crypto.getRandomValues(new Uint8Array(18))),
	};
	const payload = `${VERSION}.${session.issuedAt}.${session.expiresAt}.${session.nonce}`;
	return { value: `${payload}.${await mac(token, `session:${payload}`)}`, session };
}

/** The session a cookie value proves, or null when it is malformed, forged, tampered with or expired. */
export async function verifySession(
	token: string,
	value: string | undefined,
	nowMs = Date.now(),
): Promise<Session | null> {
	if (!value || value.length > 200) return null;
	const parts = value.split(".");
	if (parts.length !== 5) return null;
	const [version, issued, expires, nonce, signature] = parts as [string, string, string, string, string];
	if (version !== VERSION || !/^\d{1,12}$/.test(issued) || !/^\d{1,12}$/.test(expires)) return null;
	if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) return null;
	const payload = `${version}.${issued}.${expires}.${nonce}`;
	if (!(await verifyMac(token, `session:${payload}`, signature))) return null;
	const session = { issuedAt: Number(issued), expiresAt: Number(expires), nonce };
	const now = Math.floor(nowMs / 1000);
	if (
		session.expiresAt <= now ||
		session.issuedAt > now + 60 ||
		session.expiresAt - session.issuedAt > SESSION_TTL_SECONDS
	) {
		return null;
	}
	return session;
}

/** The CSRF token of a session: forms and `X-CSRF-Token` headers must carry it on every state-changing request. */
export function csrfToken(token: string, session: Session): Promise<string> {
	return mac(token, `csrf:${session.nonce}`);
}

export async function verifyCsrf(
	token: string,
	session: Session,
	presented: string | undefined | null,
): Promise<boolean> {
	if (!presented || presented.length > 100) return false;
	return verifyMac(token, `csrf:${session.nonce}`, presented);
}
