/**
 * Which `https://` artifact URLs the Worker may fetch, and a fetch that follows redirects by hand so every hop is
 * checked. An artifact row is data (the merchant's, filled in from what customers made): without these checks a
 * URL, or a redirect from it, could point the Worker at loopback, the private network or a cloud metadata service,
 * and the image it got back would be embedded in a PDF that leaves for Stripe.
 *
 * Rules, for the first URL and every redirect: https only, on the standard port, no user name or password; a host
 * name, never an IP address literal (IPv4 in any spelling, IPv6, bracketed or mapped: WHATWG URL parsing turns
 * `2130706433`, `0x7f.1` or `0177.0.0.1` into `127.0.0.1`, which is then refused); no single-label names and no
 * names reserved for local use (`localhost`, `*.localhost`, `*.internal`, `*.local`, `*.home.arpa`); and, when
 * ARTIFACT_HOSTS is set, only the host names it lists.
 *
 * What this cannot check: a public name whose DNS record points at a private address. A Worker cannot resolve a
 * name before fetching it (the platform has no DNS API, and a lookup followed by a fetch could be answered
 * differently twice anyway). Cloudflare fetches from its own edge, not from the merchant's network; where a host
 * must be trusted, ARTIFACT_HOSTS is the defence.
 */

/** Redirects followed at most per artifact; each one is checked like the first URL. */
export const MAX_ARTIFACT_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const LOCAL_SUFFIXES = ["localhost", "internal", "local", "home.arpa"];

/** A URL the loader refuses to fetch, or a redirect it refuses to follow; the message is for logs, not the PDF. */
export class ArtifactUrlRefused extends Error {}

/** ARTIFACT_HOSTS as the loader uses it: lower case, without a trailing dot, empty entries dropped. */
export function normaliseHosts(hosts: readonly string[] | null | undefined): string[] {
	return (hosts ?? []).map((h) => h.trim().toLowerCase().replace(/\.$/, "")).filter(Boolean);
}

/** Why `url` may not be fetched, or null when it may. `allowHosts` empty or absent: any public host name. */
export function artifactUrlProblem(url: string | URL, allowHosts?: readonly string[] | null): string | null {
	let parsed: URL;
	try {
		parsed = typeof url === "string" ? new URL(url) : url;
	} catch {
		return "not a valid URL";
	}
	if (parsed.protocol !== "https:") return "not an https:// URL";
	if (parsed.username !== "" || parsed.password !== "") return "a URL with a user name or password";
	if (parsed.port !== "") return "not on the standard https port";
	const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
	if (isIpLiteral(host)) return "an IP address, not a host name";
	if (LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
		return "a host name reserved for local use";
	}
	if (!host.includes(".")) return "not a public host name";
	const allowed = normaliseHosts(allowHosts);
	if (allowed.length > 0 && !allowed.includes(host)) return "a host not listed in ARTIFACT_HOSTS";
	return null;
}

/**
 * True for any IP address literal. After WHATWG parsing IPv4 is dotted decimal and IPv6 is bracketed; the last
 * label is checked too in case a runtime left a numeric form (`2130706433`, `0x7f`) unconverted.
 */
function isIpLiteral(host: string): boolean {
	if (host.startsWith("[") || host.includes(":")) return true;
	const last = host.slice(host.lastIndexOf(".") + 1);
	return /^(\d+|0x[0-9a-f]*)$/i.test(last);
}

/**
 * Fetches `url`, following at most MAX_ARTIFACT_REDIRECTS redirects by hand, each target checked before it is
 * fetched. Returns the first response that is not a redirect; throws ArtifactUrlRefused for a refused URL or
 * redirect, and whatever `fetchFn` throws.
 */
export async function fetchCheckingRedirects(
	fetchFn: (input: string, init: { signal?: AbortSignal; redirect: "manual" }) => Promise<Response>,
	url: string,
	options: { signal?: AbortSignal; allowHosts?: readonly string[] | null },
): Promise<Response> {
	let current = url;
	for (let redirects = 0; ; redirects++) {
		const problem = artifactUrlProblem(current, options.allowHosts);
		if (problem) throw new ArtifactUrlRefused(redirects === 0 ? problem : `redirect refused: ${problem}`);
		const response = await fetchFn(current, { signal: options.signal, redirect: "manual" });
		if (!REDIRECT_STATUSES.has(response.status)) return response;
		await response.body?.cancel().catch(() => {});
		if (redirects >= MAX_ARTIFACT_REDIRECTS)
			throw new ArtifactUrlRefused(`more than ${MAX_ARTIFACT_REDIRECTS} redirects`);
		const location = response.headers.get("location");
		if (!location) throw new ArtifactUrlRefused("a redirect without a location");
		try {
			current = new URL(location, current).href;
		} catch {
			throw new ArtifactUrlRefused("redirect refused: not a valid URL");
		}
	}
}
