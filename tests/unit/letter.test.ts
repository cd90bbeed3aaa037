import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { EvidenceCase, Narrative } from "../../lib/evidence/types";
import { letterPoints } from "../../lib/narrative/decisive-points";
import { type Ce3Summary, reasonFamily } from "../../lib/narrative/letter";
import { writeTemplateNarrative } from "../../lib/narrative/template";
import { verifyNarrative } from "../../lib/narrative/verifier";
import { exhibitList } from "../../lib/pdf/exhibits";
import { type RenderOptions, renderEvidencePdf } from "../../lib/pdf/render";
import { FIXTURE } from "../support/case-fixtures";
import { builtCaseFor } from "../support/letter-fixtures";

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};
const workDir = mkdtempSync(join(tmpdir(), "rebuttal-letter-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let fileCount = 0;

const LABELS: EvidenceCase["activityKinds"] = [
	{ kind: "api_request", labelOne: "API request", labelMany: "API requests", countsAsUse: true },
	{ kind: "report_viewed", labelOne: "report viewed", labelMany: "reports viewed", countsAsUse: true },
	{ kind: "report_exported", labelOne: "report exported", labelMany: "reports exported", countsAsUse: true },
];
const CE3: Ce3Summary = {
	priorCharges: ["ch_1PriorAAAA", "ch_1PriorBBBB"],
	matched: ["customer_purchase_ip", "device"],
};

async function letterFor(c: EvidenceCase, options: Partial<RenderOptions> = {}, n?: Narrative) {
	const narrative = n ?? writeTemplateNarrative(c, options.ce3);
	const pdf = await renderEvidencePdf(c, narrative, { fonts, reportField: "service_documentation", ...options });
	const path = join(workDir, `letter-${++fileCount}.pdf`);
	writeFileSync(path, pdf.bytes);
	const pages = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" })
		.split("\f")
		.slice(0, -1)
		.map((p) => p.replace(/\s+/g, " "));
	return { pdf, narrative, page1: pages[0]!, rest: pages.slice(1).join(" "), pages };
}

/** What every cover letter states, whatever the reason. */
function expectHeader(page1: string): void {
	expect(page1).toContain(FIXTURE.merchantName);
	expect(page1).toContain(FIXTURE.disputeId);
	expect(page1).toContain("$149.00 USD");
	expect(page1).toContain("2 Apr 2024 14:03 UTC"); // the charge date
	expect(page1).toContain("Visa •••• 4242");
	expect(page1).toContain("Visa reason code");
	expect(page1).toContain("Our response");
	expect(page1).toMatch(/The facts that decide it 1 .+ 2 .+ 3 /);
	expect(page1).toContain("Exhibit 1 The case in full");
	expect(page1).toContain(`Submitted by ${FIXTURE.merchantName}`);
}

const ARTEFACTS = [/\(s\)/, /□/, /undefined/, /\bNaN\b/, /Facts cited/, /[a-z]+\.[a-z_]+\.[a-z_]+/];

describe("the cover letter, per reason", () => {
	const cases: [reason: string, code: string, claim: string, decisive: string[]][] = [
		[
			"fraudulent",
			"10.4",
			"The cardholder states the payment was not authorised",
			[
				"from IP address 203.0.113.42, the address the account was created from on 14 Nov 2023",
				"2 earlier payments by the same customer from 14 Nov 2023 to 2 Jan 2024, $298.00 in all, were never disputed",
				"388 API requests and 131 reports viewed, the latest on 18 May 2024, 40 hours before the dispute was opened",
			],
		],
		[
			"unrecognized",
			"10.4",
			"The cardholder states they do not recognise the payment",
			[
				"appears on the card statement as “NORTHWIND* TEAM PLAN”, and a receipt was emailed to maria.kowalski@example.com",
			],
		],
		[
			"subscription_canceled",
			"13.2",
			"The cardholder states the subscription was cancelled before this payment",
			[
				"The customer accepted the terms of service (version 2023-09) before the payment",
				"records no cancellation before this payment",
				"The customer had paid for the service for 4 months before this charge",
			],
		],
		[
			"product_not_received",
			"13.1",
			"The cardholder states the service paid for was not received",
			["The service period began at the payment", "logged in 6 times in the following days", "kept using the service"],
		],
		[
			"product_unacceptable",
			"13.3",
			"The cardholder states the service was not as described",
			["kept using the service", "accepted the terms of service"],
		],
		["duplicate", "12.6", "The cardholder states they were charged more than once", ["is a single payment"]],
	];

	it.each(cases)(
		"%s (%s): page 1 states who answers which dispute, the claim in words and the decisive facts",
		async (reason, code, claim, decisive) => {
			const base = builtCaseFor(reason, { activityKinds: LABELS });
			const c = { ...base, dispute: { ...base.dispute, networkReasonCode: code } };
			const { page1, pdf, narrative } = await letterFor(c);
			expectHeader(page1);
			expect(page1).toContain(claim);
			expect(page1).toContain(`reason code ${code}`);
			for (const fact of decisive) expect(page1, fact).toContain(fact);
			// Stripe's enumeration is never quoted to the issuer.
			expect(page1).not.toContain(`“${reason}”`);
			expect(page1).not.toContain(reason);
			// The rebuttal is one sentence.
			expect(narrative.summary.replace(FIXTURE.merchantName, "M")).toMatch(/^[^.!?]+\.$/);
			expect(page1).toContain(narrative.summary.slice(0, 60));
			expect(pdf.pages).toBeLessThanOrEqual(6); // a typical case
		},
	);

	it("routes a general dispute by its network reason code (a 13.2 is a cancellation case)", () => {
		expect(reasonFamily("general", "13.2")).toBe("cancellation");
		expect(reasonFamily("general", "10.4")).toBe("fraud");
		expect(reasonFamily("general", null)).toBe("fraud");
		expect(reasonFamily("subscription_canceled", "10.4")).toBe("cancellation");
	});

	it("names Visa CE 3.0 with the two earlier payments and what matched, only when it qualified", async () => {
		const c = builtCaseFor("fraudulent", { activityKinds: LABELS });
		const qualified = await letterFor(c, { ce3: CE3 });
		expect(qualified.page1).toContain(
			"Visa Compelling Evidence 3.0 applies: the earlier undisputed payments ch_1PriorAAAA and ch_1PriorBBBB were made with the same IP address and device as the disputed payment",
		);
		expect(qualified.narrative.summary).toContain("meets Visa Compelling Evidence 3.0");
		const not = await letterFor(c);
		expect(not.page1).not.toContain("Compelling Evidence");
	});

	it("writes plurals from the count: one earlier payment, one hour", async () => {
		const ordinary = builtCaseFor("fraudulent");
		const c = builtCaseFor("fraudulent", {
			priorPayments: { ...ordinary.priorPayments, count: 1, total: 14_900, lastAt: "2023-11-14T18:23:40.000Z" },
			dispute: { ...ordinary.dispute, createdAt: "2024-05-18T17:50:00.000Z" },
		});
		const text = letterPoints(c)
			.map((p) => p.text)
			.join(" ");
		expect(text).toContain("1 earlier payment by the same customer on 14 Nov 2023, $149.00 in all, was never disputed");
		expect(text).toContain("1 hour before the dispute was opened");
		expect(text).not.toMatch(/\(s\)|1 payments|1 hours/);
	});

	it("asserts nothing its facts do not show: every number of every point is in the facts it cites", () => {
		for (const reason of ["fraudulent", "unrecognized", "subscription_canceled", "product_not_received", "duplicate"]) {
			const c = builtCaseFor(reason, { activityKinds: LABELS });
			const points = letterPoints(c).filter((p) => p.factIds.length > 0);
			expect(points.length, reason).toBeGreaterThanOrEqual(reason === "unrecognized" || reason === "duplicate" ? 1 : 3);
			const narrative: Narrative = {
				writer: "template",
				summary: c.merchantName,
				paragraphs: points.map((p) => ({ text: p.text, factIds: p.factIds })),
				fields: {},
			};
			expect(verifyNarrative(narrative, c).findings, reason).toEqual([]);
		}
	});

	it("never volunteers a fact that argues for the cardholder", async () => {
		const base = builtCaseFor("fraudulent", {
			purchaseIp: {
				ip: "192.0.2.99",
				source: "charge_metadata",
				observedAt: null,
				priorCount: 0,
				firstSeenAt: null,
			},
		});
		const { page1, rest } = await letterFor(base);
		expect(page1).not.toContain("192.0.2.99");
		expect(`${page1} ${rest}`).not.toMatch(/No earlier account activity|Not among the|Purchase IP is the signup IP No/);
	});

	it("has no machine artefacts, no repeated sentence and no table row repeating the letter's figures", async () => {
		const c = builtCaseFor("fraudulent", { activityKinds: LABELS });
		const { page1, rest, narrative } = await letterFor(c, { ce3: CE3 });
		const all = `${page1} ${rest}`;
		for (const artefact of ARTEFACTS) expect(all).not.toMatch(artefact);
		for (const [name, text] of Object.entries(narrative.fields)) {
			for (const artefact of ARTEFACTS) expect(text ?? "", name).not.toMatch(artefact);
			expect(text ?? "", name).not.toContain("“fraudulent”");
		}
		const sentences = all.split(/(?<=[.!?]) /).filter((s) => s.length > 50);
		const seen = new Set<string>();
		for (const s of sentences) {
			expect(seen.has(s), s).toBe(false);
			seen.add(s);
		}
		// The amount, date and card are on page 1; the payment exhibit does not repeat them.
		expect(rest).not.toContain("Amount $149.00 USD");
		expect(rest).not.toContain("Card Visa •••• 4242");
		expect(rest).not.toContain("Payments before the disputed charge");
		expect(rest).not.toContain("After charge"); // the letter gave the use after the charge
	});

	it("lists other documents as exhibits after the report's own sections, with their file fields", async () => {
		const c = builtCaseFor("fraudulent");
		const { page1, pdf } = await letterFor(c, {
			documents: [
				{ title: "Receipt for the disputed payment", field: "receipt" },
				{ title: "Messages with the customer", field: "customer_communication" },
			],
		});
		const exhibits = pdf.letter.exhibits;
		const last = exhibits.at(-1)!;
		expect(last).toEqual({
			number: exhibits.length,
			title: "Messages with the customer",
			field: "customer_communication",
			key: null,
		});
		expect(exhibits.at(-2)).toMatchObject({ title: "Receipt for the disputed payment", field: "receipt", key: null });
		expect(exhibits.slice(0, -2).every((e) => e.field === "service_documentation" && e.key !== null)).toBe(true);
		expect(page1).toContain(
			`Exhibit ${last.number} Messages with the customer (a separate file: customer communication)`,
		);
		expect(page1).toContain(`Exhibits 1 to ${last.number - 2} follow in this document.`);
		expect(
			exhibitList([{ key: "case", title: "The case in full" }], "uncategorized_file", [
				{ title: " ", field: "receipt" },
			]),
		).toHaveLength(1);
	});
});
