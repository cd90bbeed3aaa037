import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArtifactBucket, loadArtifactImages } from "../../lib/evidence/artifact-images";
import { listArtifacts } from "../../lib/evidence/artifacts";
import { buildFacts } from "../../lib/evidence/facts";
import { loadSupportMessages } from "../../lib/evidence/support-messages";
import type { CaseParts } from "../../lib/evidence/types";
import { summariseUsage } from "../../lib/evidence/usage";
import { renderEvidencePdf } from "../../lib/pdf/render";
import { gradientPng } from "../../local/png";
import { makeEvidenceCase, makeNarrative } from "../support/case-fixtures";
import { openTestDatabase, type TestDatabase } from "../support/database";

/**
 * The evidence PDF through the real facts engine on a seeded database, at 1 thousand, 100 thousand and 1 million
 * activity events, each account with fifty artifacts of 1–2 MB: always complete, at most 10 pages and 2 MB, and
 * nearly the same size whatever the volume. Seeding a million rows takes 20–30 s on PGlite; times are logged only.
 */
const VOLUMES = [1_000, 100_000, 1_000_000] as const;
const KINDS = ["login", "generation", "download", "support_message", "export"];
const START_MS = Date.UTC(2024, 0, 1);
const SPAN_SECONDS = 800 * 86_400;
const CHARGE = new Date(START_MS + Math.floor(SPAN_SECONDS * 0.96) * 1000);
const NAME = "Zoë Łukasiewicz-Ωμέγα Дмитрий 王小明 🎨";

const FONT_DIR = fileURLToPath(new URL("../../node_modules/dejavu-fonts-ttf/ttf/", import.meta.url));
const fonts = {
	regular: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans.ttf"))),
	bold: new Uint8Array(readFileSync(join(FONT_DIR, "DejaVuSans-Bold.ttf"))),
};
const workDir = mkdtempSync(join(tmpdir(), "rebuttal-pdf-volume-"));
let t: TestDatabase;

/** A 700×680 gradient PNG (padded to 1.5 MB below: the bytes after its end keep it valid). */
function largePng(): Uint8Array {
	return new Uint8Array(gradientPng(700, 680, [30, 80, 160], [220, 140, 60]));
}

async function seed(account: string, n: number): Promise<void> {
	const step = Math.floor(SPAN_SECONDS / n);
	await t.exec(
		"insert into rebuttal.accounts (id, email, name, created_at, terms_accepted_at, terms_version) values ($1, $2, $3, $4, $4, 'v7')",
		[account, `${account}@example.com`, NAME, "2023-12-31T00:00:00Z"],
	);
	await t.exec(`insert into rebuttal.activity (account_id, occurred_at, kind, ip, device_id, detail)
		select '${account}',
			timestamptz '${new Date(START_MS).toISOString()}' + make_interval(secs => g * ${step}),
			(array['${KINDS.join("','")}'])[1 + g % ${KINDS.length}],
			'10.0.' || (g % 40) || '.' || (g % 7),
			'dev-' || (g % 13),
			case when g % ${KINDS.length} = 3 then jsonb_build_object('channel', 'email', 'message', 'Message ' || g || ': ¿puedo exportar en alta resolución? 🎨') end
		from generate_series(1, ${n}) as g`);
	await t.exec(`insert into rebuttal.artifacts (id, account_id, created_at, title, content_type, location)
		select '${account}_art_' || g, '${account}', timestamptz '2025-01-01T00:00:00Z' + make_interval(days => g),
			'Poster ' || g, 'image/png', 'r2:${account}/poster-' || g || '.png'
		from generate_series(1, 50) as g`);
}

beforeAll(async () => {
	t = await openTestDatabase();
	const started = performance.now();
	for (const n of VOLUMES) await seed(`acct_${n}`, n);
	await t.exec("analyze rebuttal.activity");
	console.log(`seeded ${VOLUMES.join(" + ")} activity rows in ${Math.round(performance.now() - started)} ms`);
}, 600_000);

afterAll(async () => {
	await t?.close();
	rmSync(workDir, { recursive: true, force: true });
});

describe("the evidence PDF at any activity volume", () => {
	it("stays complete, within 10 pages and 2 MB, at 1 thousand, 100 thousand and 1 million events with fifty large artifacts", async () => {
		const image = largePng();
		// Fifty 1.5 MB images per account.
		const big = new Uint8Array(1_500_000);
		big.set(image);
		const bucket: ArtifactBucket = {
			get: async () => ({ size: big.byteLength, arrayBuffer: async () => big.slice().buffer }),
		};
		const sizes: number[] = [];
		for (const n of VOLUMES) {
			const account = `acct_${n}`;
			const started = performance.now();
			const { usage } = await summariseUsage(t.db, account, CHARGE);
			const [artifacts, messages] = await Promise.all([
				listArtifacts(t.db, account),
				loadSupportMessages(t.db, account),
			]);
			const images = await loadArtifactImages(artifacts.artifacts, { bucket });
			const base = makeEvidenceCase();
			const parts: CaseParts = {
				...base,
				account: {
					...base.account!,
					id: account,
					name: NAME,
					termsAcceptedAt: "2023-12-31T00:00:00.000Z",
					termsVersion: "v7",
				},
				charge: { ...base.charge, createdAt: CHARGE.toISOString() },
				usage,
				artifacts: artifacts.artifacts,
				artifactCount: artifacts.count,
			};
			const c = { ...parts, facts: buildFacts(parts) };
			const pdf = await renderEvidencePdf(c, makeNarrative(), { fonts, images, messages });
			console.log(
				`${n} events: ${pdf.pages} pages, ${pdf.bytes.byteLength} bytes in ${Math.round(performance.now() - started)} ms`,
			);
			sizes.push(pdf.bytes.byteLength);

			expect(usage!.total).toBe(n);
			expect(artifacts.count).toBe(50);
			expect(images.images).toHaveLength(6);
			expect(messages).toHaveLength(5);
			expect(pdf.pages).toBeLessThanOrEqual(10);
			expect(pdf.bytes.byteLength).toBeLessThanOrEqual(2_000_000);

			const path = join(workDir, `${n}.pdf`);
			writeFileSync(path, pdf.bytes);
			expect(Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [path], { encoding: "utf8" }))?.[1])).toBe(pdf.pages);
			const text = execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
			for (const expected of [
				c.dispute.id,
				"Zoë Łukasiewicz-Ωμέγα Дмитрий □□□ □", // CJK and emoji replaced visibly, the rest intact
				n.toLocaleString("en-US"), // events recorded
				"Weekly activity",
				"Activity by kind",
				"Access history",
				"Things the customer made",
				"Poster 50",
				"Terms and policies",
				"version v7",
				"Messages from the customer",
				"¿puedo exportar en alta resolución? □",
			]) {
				expect(text, `${n}: ${expected}`).toContain(expected);
			}
			expect(
				execFileSync("pdfimages", ["-list", path], { encoding: "utf8" }).trim().split("\n").length - 2,
			).toBeGreaterThanOrEqual(1);
		}
		// Nearly flat: the largest document is not much larger than the smallest.
		expect(Math.max(...sizes) / Math.min(...sizes)).toBeLessThan(1.5);
	}, 600_000);
});
