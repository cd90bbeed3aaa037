/**
 * Where the evidence PDF of a dispute is archived in the EVIDENCE bucket: `evidence/<dispute>/<random>.pdf`,
 * with 128 random bits, so that nobody can derive the key of someone's evidence from what they know about it
 * (the dispute id, or the PDF's SHA-256, which appears in Stripe's idempotency keys and the operator API).
 *
 * The upload to Stripe stays deterministic: its idempotency key comes from the PDF's SHA-256, not from this key.
 * A pass that renders the same bytes as the evidence already stored reuses the stored key, so a redelivery writes
 * the same object again rather than a second copy. (A pass cut short between the archive write and the database
 * write leaves one unreferenced copy behind under another random key: unreachable, and harmless.)
 */

const ARCHIVE_KEY = /^evidence\/[\w-]{1,120}\/[0-9a-f]{32}\.pdf$/;

export function isArchiveKey(key: string | null | undefined, disputeId: string): boolean {
	return typeof key === "string" && ARCHIVE_KEY.test(key) && key.startsWith(`evidence/${disputeId}/`);
}

export function evidenceArchiveKey(
	disputeId: string,
	sha256: string,
	previous: { pdfKey: string | null; pdfSha256: string | null } | null | undefined,
): string {
	if (previous && previous.pdfSha256 === sha256 && isArchiveKey(previous.pdfKey, disputeId)) {
		return previous.pdfKey as string;
	}
	const random = crypto.getRandomValues(new Uint8Array(16));
	return `evidence/${disputeId}/${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}.pdf`;
}
