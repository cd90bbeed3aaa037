/**
 * Keeps secrets out of everything the doctor prints. Values are shown at most as a masked prefix
 * (`sk_test_…`, `whsec_…`); URLs of any scheme lose their user, password and query values.
 */

/** `sk_test_…`, `rk_live_…`, `whsec_…`; any other value: `…`. */
export function maskedPrefix(value: string): string {
	const match = /^((?:sk|rk|pk)_(?:live|test)_|whsec_)/.exec(value);
	return match ? `${match[1]}…` : "…";
}

/** `postgres://host:5432/db` without credentials or query parameters; `(unparseable)` when it is not a URL. */
export function describeDatabaseUrl(value: string): string {
	try {
		const url = new URL(value);
		return `${url.hostname}:${url.port || "5432"}${url.pathname}`;
	} catch {
		return "(unparseable)";
	}
}

const KEY_LIKE = /\b((?:sk|rk|pk)_(?:live|test)_|whsec_)[A-Za-z0-9_*+/=]+/g;
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
// Up to the last `@`: a password with an unencoded `/`, `#` or `@` must not leave a piece of itself behind.
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/).*@/i;
const QUERY_VALUE = /([?&][^=&#\s]*=)[^&#\s]*/g;
const FRAGMENT = /#.+$/;

/**
 * A URL as given, without credentials, query values and fragment (`https://…@proxy.example/v1?key=…`): API keys travel in
 * either. Works on the text, so a URL that does not parse (an unencoded `#` in a password) is masked too.
 */
export function maskUrl(url: string): string {
	return url.replace(URL_CREDENTIALS, "$1…@").replace(QUERY_VALUE, "$1…").replace(FRAGMENT, "#…");
}

/**
 * Removes every given secret value (whole, case-sensitive) and anything shaped like a Stripe key, a webhook
 * secret, URL credentials or query values from a text that may quote them (error messages from Stripe or pg).
 */
export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length >= 4) out = out.split(secret).join("[redacted]");
	}
	return out.replace(KEY_LIKE, "$1…").replace(URL_LIKE, maskUrl);
}
