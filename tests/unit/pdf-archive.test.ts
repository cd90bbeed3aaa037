import { describe, expect, it } from "vitest";
import { parseConfig, pipelineConfigSchema } from "../../lib/config";
import { ConfigError } from "../../lib/errors";
import { evidenceArchiveKey, isArchiveKey } from "../../lib/pdf/archive";

const SHA = "a".repeat(64);
const OTHER_SHA = "b".repeat(64);

describe("evidenceArchiveKey", () => {
	it("is unguessable: 128 random bits, neither the dispute's hash nor a repeat", () => {
		const keys = new Set(Array.from({ length: 200 }, () => evidenceArchiveKey("dp_123", SHA, null)));
		expect(keys.size).toBe(200);
		for (const key of keys) {
			expect(key).toMatch(/^evidence\/dp_123\/[0-9a-f]{32}\.pdf$/);
			expect(key).not.toContain(SHA.slice(0, 8));
			expect(isArchiveKey(key, "dp_123")).toBe(true);
			expect(isArchiveKey(key, "dp_999")).toBe(false);
		}
	});

	it("reuses the stored key when a redelivery renders the same bytes, and only then", () => {
		const stored = evidenceArchiveKey("dp_123", SHA, null);
		expect(evidenceArchiveKey("dp_123", SHA, { pdfKey: stored, pdfSha256: SHA })).toBe(stored);
		const changed = evidenceArchiveKey("dp_123", OTHER_SHA, { pdfKey: stored, pdfSha256: SHA });
		expect(changed).not.toBe(stored);
		expect(isArchiveKey(changed, "dp_123")).toBe(true);
		// A key of the old, derivable form (evidence/<dispute>/<sha256>.pdf) is replaced by a random one.
		const legacy = `evidence/dp_123/${SHA}.pdf`;
		expect(evidenceArchiveKey("dp_123", SHA, { pdfKey: legacy, pdfSha256: SHA })).not.toBe(legacy);
	});
});

describe("PDF_MAX_PAGES and PDF_MAX_BYTES", () => {
	const base = {
		STRIPE_SECRET_KEY: "sk_test_abc",
		DATABASE_URL: "postgres://u@h/db",
	};

	it("are optional, and parsed as numbers when set", () => {
		const unset = parseConfig(pipelineConfigSchema, base);
		expect(unset.PDF_MAX_PAGES).toBeUndefined();
		expect(unset.PDF_MAX_BYTES).toBeUndefined();
		const set = parseConfig(pipelineConfigSchema, { ...base, PDF_MAX_PAGES: "6", PDF_MAX_BYTES: "1500000" });
		expect(set.PDF_MAX_PAGES).toBe(6);
		expect(set.PDF_MAX_BYTES).toBe(1_500_000);
	});

	it("keep within Stripe's limits: fewer than 50 pages, all of a dispute's files within 4.5 MB", () => {
		expect(() => parseConfig(pipelineConfigSchema, { ...base, PDF_MAX_PAGES: "50" })).toThrow(ConfigError);
		// Below what the leanest document of a very large case needs, a dispute could fail for lack of pages.
		expect(() => parseConfig(pipelineConfigSchema, { ...base, PDF_MAX_PAGES: "3" })).toThrow(
			/PDF_MAX_PAGES must be at least 4/,
		);
		expect(() => parseConfig(pipelineConfigSchema, { ...base, PDF_MAX_BYTES: "5000000" })).toThrow(/PDF_MAX_BYTES/);
		expect(() => parseConfig(pipelineConfigSchema, { ...base, PDF_MAX_PAGES: "ten" })).toThrow(/PDF_MAX_PAGES/);
	});
});
