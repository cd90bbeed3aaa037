import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildFacts } from "../../lib/evidence/facts";
import { buildEvidenceFields } from "../../lib/evidence/fields";
import { playbookFor } from "../../lib/evidence/playbooks";
import { gateRedFlags, lowerForRedFlags } from "../../lib/evidence/red-flags";
import type { CaseParts } from "../../lib/evidence/types";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { renderEvidencePdf } from "../../lib/pdf/render";
import { pdfPageTexts } from "../support/grade";
import { makeEvidenceCase } from "../support/stripe-fixtures";

// The red-flag gate: facts that argue for the cardholder never reach submitted text, lower the strength and are
// kept for the operator.

function gated(reason: string, overrides: Partial<CaseParts>) {
	const { facts: _facts, ...parts } = makeEvidenceCase(reason, "rich", overrides);
	const out = gateRedFlags(parts, buildFacts(parts));
	return { ...out, evidenceCase: { ...out.parts, facts: out.facts, redFlags: out.redFlags } };
}

const rich = makeEvidenceCase("fraudulent", "rich");

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};

describe("the red-flag gate", () => {
	it("raises nothing on a consistent case and leaves it as it is", () => {
		const { facts: _f, ...parts } = rich;
		const out = gateRedFlags(parts, buildFacts(parts));
		expect(out.redFlags).toEqual([]);
		expect(out.facts).toEqual(buildFacts(parts));
	});

	it("withholds a card and billing country unlike the account's, and a failed AVS check, from every submitted text", () => {
		const { evidenceCase, redFlags } = gated("fraudulent", {
			charge: {
				...rich.charge,
				billingCountry: "NG",
				cardCountry: "NG",
				checks: { addressLine1: "fail", addressPostalCode: "fail", cvc: "pass" },
			},
		});
		expect(redFlags.map((f) => f.code)).toEqual(["billing_country_mismatch", "card_country_mismatch", "avs_mismatch"]);
		const ids = evidenceCase.facts.map((f) => f.id);
		for (const id of [
			"account.country",
			"charge.card_country",
			"country.billing_matches_account",
			"charge.checks.address_line1",
		])
			expect(ids).not.toContain(id);
		expect(ids).toContain("charge.checks.cvc");
		expect(evidenceCase.account?.country).toBeNull();
		expect(evidenceCase.charge.cardCountry).toBeNull();
		expect(evidenceCase.charge.checks.addressLine1).toBeNull();
		const narrative = writeTemplateNarrative(evidenceCase);
		const text = JSON.stringify(buildEvidenceFields(evidenceCase, narrative, "file_report"));
		expect(text).not.toMatch(/registered in US|issued in NG|address check|AVS/);
		expect(text).toContain("the CVC check");
	});

	it("withholds device churn and lowers the strength by one grade, saying why", async () => {
		const { evidenceCase, redFlags } = gated("fraudulent", {
			usage: {
				...rich.usage!,
				distinctDevices: 14,
				topDevices: Array.from({ length: 10 }, (_, i) => ({
					value: `dev-${i}`,
					count: 10,
					firstAt: "2026-01-01T00:00:00.000Z",
					lastAt: "2026-03-01T00:00:00.000Z",
				})),
			},
		});
		expect(redFlags).toEqual([{ code: "device_churn", detail: "the account used 14 different devices" }]);
		expect(
			evidenceCase.facts.some((f) => f.id.startsWith("access.device.") || f.id === "access.distinct_devices"),
		).toBe(false);
		expect(JSON.stringify(writeTemplateNarrative(evidenceCase))).not.toMatch(/14 device/);
		// The report states neither the count nor the devices: no "Distinct devices" row, no device table.
		const pdf = await renderEvidencePdf(evidenceCase, writeTemplateNarrative(evidenceCase), { fonts });
		const report = pdfPageTexts(pdf.bytes).join("\n");
		expect(report).toContain("Distinct IP addresses");
		expect(report).not.toMatch(/Distinct devices|Most used devices|dev-\d/);
		const before = playbookFor("fraudulent").strength(evidenceCase);
		const after = lowerForRedFlags(before, redFlags);
		expect(before.strength).toBe("strong");
		expect(after).toMatchObject({ strength: "moderate", tooWeak: false });
		expect(after.reason).toMatch(/argue for the cardholder.*14 different devices/);
	});

	it("flags activity counts no person makes", () => {
		const { redFlags } = gated("product_not_received", {
			usage: { ...rich.usage!, total: 9_000_000, weekly: [{ weekStart: "2026-03-09", count: 9_000_000 }] },
		});
		expect(redFlags.map((f) => f.code)).toContain("implausible_activity");
	});
});

describe("logins and support messages are not use of the service", () => {
	it("a not-received case whose only activity after the charge is logins and support messages is not delivery", () => {
		const usage = rich.usage!;
		const c = makeEvidenceCase("product_not_received", "rich", {
			artifacts: [],
			artifactCount: 0,
			usage: {
				...usage,
				byKind: [
					{ kind: "login", count: 40, firstAt: usage.firstAt!, lastAt: usage.lastAt!, afterCharge: 12 },
					{ kind: "support_message", count: 3, firstAt: usage.firstAt!, lastAt: usage.lastAt!, afterCharge: 3 },
				],
			},
		});
		expect(c.facts.find((f) => f.id === "use.after_charge")?.value).toBe(0);
		const a = playbookFor("product_not_received").strength(c);
		expect(a.signals).not.toContain("use.after_charge");
		expect(a.signals).not.toContain("usage.after_charge");
		expect(a.strength).not.toBe("strong");
	});
});
