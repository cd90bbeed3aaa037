import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	type EmulatorHarness,
	makePdf,
	pngOfSize,
	seedDispute,
	startEmulatorHarness,
} from "../support/stripe-emulator";

let h: EmulatorHarness;
let stripe: Stripe;

beforeAll(async () => {
	h = await startEmulatorHarness();
	stripe = h.stripe();
});
afterAll(() => h.close());
beforeEach(() => h.controls.reset());

const FIVE_MB = 5 * 1024 * 1024;
const upload = (
	data: Buffer,
	name: string,
	type: string,
	purpose: Stripe.FileCreateParams.Purpose = "dispute_evidence",
) => stripe.files.create({ purpose, file: { data, name, type } });

describe("file uploads", () => {
	it("accepts a PDF as dispute evidence and keeps its bytes", async () => {
		const pdf = await makePdf(3);
		const file = await upload(pdf, "evidence.pdf", "application/pdf");
		expect(file).toMatchObject({
			object: "file",
			purpose: "dispute_evidence",
			type: "pdf",
			size: pdf.length,
			filename: "evidence.pdf",
			links: { object: "list", data: [] },
		});
		expect(file.id).toMatch(/^file_/);
		expect(file.url).toBe(`${h.emulator.url}/v1/files/${file.id}/contents`);
		expect((await stripe.files.retrieve(file.id)).size).toBe(pdf.length);
		expect((await h.controls.fileContents(file.id)).equals(pdf)).toBe(true);
		const viaUrl = await fetch(file.url!, { headers: { Authorization: "Bearer sk_test_x" } });
		expect(viaUrl.headers.get("content-type")).toBe("application/pdf");
		expect(Buffer.from(await viaUrl.arrayBuffer()).equals(pdf)).toBe(true);
		expect((await fetch(file.url!)).status).toBe(401);
	});

	it("sniffs PNG and JPEG from their bytes", async () => {
		expect((await upload(pngOfSize(100), "a.png", "image/png")).type).toBe("png");
		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60)]);
		expect((await upload(jpeg, "photo.bin", "application/octet-stream")).type).toBe("jpg");
	});

	describe.each([
		{
			name: "a .txt file",
			data: () => Buffer.from("just some notes"),
			file: "notes.txt",
			type: "text/plain",
			message: /PDF, JPEG or PNG/,
		},
		{
			name: "text declared as a PDF",
			data: () => Buffer.from("not a pdf at all"),
			file: "fake.pdf",
			type: "application/pdf",
			message: /PDF, JPEG or PNG/,
		},
		{
			name: "a PNG over 5 MB",
			data: () => pngOfSize(FIVE_MB + 1),
			file: "big.png",
			type: "image/png",
			message: /5 MB/,
		},
		{
			name: "a PDF of 50 pages",
			data: () => makePdf(50),
			file: "long.pdf",
			type: "application/pdf",
			message: /50 pages/,
		},
		{
			name: "a corrupt PDF",
			data: () => Buffer.from("%PDF-1.7\nbroken"),
			file: "bad.pdf",
			type: "application/pdf",
			message: /could not be read/,
		},
	])("rejects $name", ({ data, file, type, message }) => {
		it("with a 400 on the file parameter", async () => {
			const err = await upload(await data(), file, type).catch((e) => e);
			expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
			expect(err.statusCode).toBe(400);
			expect(err.param).toBe("file");
			expect(err.message).toMatch(message);
			expect(await h.controls.requests()).toMatchObject([{ method: "POST", path: "/v1/files", status: 400 }]);
		});
	});

	it("accepts the limits themselves: exactly 5 MB, and 49 pages", async () => {
		expect((await upload(pngOfSize(FIVE_MB), "edge.png", "image/png")).size).toBe(FIVE_MB);
		expect((await upload(await makePdf(49), "49.pdf", "application/pdf")).type).toBe("pdf");
	});

	it("requires purpose and file", async () => {
		const res = await h.api("/v1/files", { method: "POST", body: "purpose=dispute_evidence" });
		expect(res.status).toBe(400);
		expect((await res.json()).error).toMatchObject({ code: "parameter_missing", param: "file" });
	});

	it("replays an idempotent upload instead of storing a second file", async () => {
		const pdf = await makePdf(1);
		const params = {
			purpose: "dispute_evidence" as const,
			file: { data: pdf, name: "e.pdf", type: "application/pdf" },
		};
		const a = await stripe.files.create(params, { idempotencyKey: "upload-1" });
		const b = await stripe.files.create(params, { idempotencyKey: "upload-1" });
		expect(b.id).toBe(a.id);
		const other = await stripe.files
			.create({ ...params, file: { ...params.file, data: await makePdf(2) } }, { idempotencyKey: "upload-1" })
			.catch((e) => e);
		expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
	});
});

describe("evidence file fields", () => {
	it("accept a dispute_evidence file and reject other purposes and other accounts' files", async () => {
		const { dispute } = await seedDispute(h.controls);
		const evidence = await upload(await makePdf(1), "e.pdf", "application/pdf");
		const identity = await upload(pngOfSize(64), "id.png", "image/png", "identity_document");
		const foreign = await h.stripe({ stripeAccount: "acct_X9" }).files.create({
			purpose: "dispute_evidence",
			file: { data: await makePdf(1), name: "f.pdf", type: "application/pdf" },
		});

		const wrongPurpose = await stripe.disputes
			.update(dispute.id, { evidence: { receipt: identity.id }, submit: false })
			.catch((e) => e);
		expect(wrongPurpose.statusCode).toBe(400);
		expect(wrongPurpose.param).toBe("evidence[receipt]");
		expect(wrongPurpose.message).toMatch(/identity_document.*dispute_evidence/);

		const otherAccount = await stripe.disputes
			.update(dispute.id, { evidence: { uncategorized_file: foreign.id }, submit: false })
			.catch((e) => e);
		expect(otherAccount.param).toBe("evidence[uncategorized_file]");
		expect(otherAccount.code).toBe("resource_missing");

		const ok = await stripe.disputes.update(dispute.id, {
			evidence: { uncategorized_file: evidence.id, service_documentation: evidence.id },
			submit: false,
		});
		expect(ok.evidence.uncategorized_file).toBe(evidence.id);
		expect(ok.evidence.service_documentation).toBe(evidence.id);
	});
});
