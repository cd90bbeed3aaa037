import { PDFDocument } from "pdf-lib";
import { type ApiRequest, RawBody } from "./context";
import { invalidRequest, missingParameter, noSuch } from "./errors";
import { asString, checkKeys } from "./forms";
import { newId, now, type StripeObject } from "./store";

export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
export const MAX_EVIDENCE_PAGES = 50;

const PURPOSES = [
	"account_requirement",
	"additional_verification",
	"business_icon",
	"business_logo",
	"customer_signature",
	"dispute_evidence",
	"identity_document",
	"issuing_regulatory_reporting",
	"pci_document",
	"platform_terms_of_service",
	"tax_document_user_upload",
	"terminal_reader_splashscreen",
];

/** The file type from its magic bytes, whatever the declared Content-Type says. */
export function sniffType(data: Buffer): "pdf" | "png" | "jpg" | "gif" | null {
	if (data.subarray(0, 5).toString("latin1") === "%PDF-") return "pdf";
	if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
	if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpg";
	if (data.subarray(0, 4).toString("latin1") === "GIF8") return "gif";
	return null;
}

async function pageCount(data: Buffer): Promise<number> {
	try {
		const doc = await PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false });
		return doc.getPageCount();
	} catch {
		throw invalidRequest("The PDF file could not be read. Please upload a valid, unencrypted PDF.", "file");
	}
}

/** `POST /v1/files`: evidence must be a PDF, JPEG or PNG of at most 5 MB, and a PDF must have fewer than 50 pages. */
export async function createFile(req: ApiRequest): Promise<StripeObject> {
	checkKeys(req.body, ["purpose", "expand", "file_link_data"]);
	const purpose = asString(req.body.purpose, "purpose");
	if (!purpose) throw missingParameter("purpose");
	if (!PURPOSES.includes(purpose)) throw invalidRequest(`Invalid purpose: ${purpose}`, "purpose");
	const upload = req.uploads.get("file");
	if (!upload) throw missingParameter("file");
	const data = upload.data;
	if (data.length === 0) throw invalidRequest("The file you uploaded is empty.", "file");
	const type = sniffType(data);
	if (purpose === "dispute_evidence") {
		if (type !== "pdf" && type !== "png" && type !== "jpg") {
			throw invalidRequest(
				`Invalid file: files uploaded with purpose \`dispute_evidence\` must be PDF, JPEG or PNG (got ${upload.contentType}, ${upload.filename}).`,
				"file",
			);
		}
		if (data.length > MAX_EVIDENCE_BYTES) {
			throw invalidRequest(
				`The file is ${data.length} bytes; files with purpose \`dispute_evidence\` must be at most 5 MB (${MAX_EVIDENCE_BYTES} bytes).`,
				"file",
			);
		}
		if (type === "pdf") {
			const pages = await pageCount(data);
			if (pages >= MAX_EVIDENCE_PAGES) {
				throw invalidRequest(
					`The PDF has ${pages} pages; dispute evidence PDFs must have fewer than 50 pages.`,
					"file",
				);
			}
		}
	}
	const id = newId("file");
	const created = now();
	const file: StripeObject = {
		id,
		object: "file",
		created,
		expires_at: created + 365 * 86400,
		filename: upload.filename,
		links: { object: "list", data: [], has_more: false, url: `/v1/file_links?file=${id}` },
		purpose,
		size: data.length,
		title: null,
		type: type ?? (upload.filename.split(".").pop()?.toLowerCase() || null),
		url: `${req.baseUrl}/v1/files/${id}/contents`,
	};
	req.store.put("files", file, req.account);
	req.store.fileContents.set(id, data);
	return file;
}

export function retrieveFile(req: ApiRequest): StripeObject {
	checkKeys(req.query, ["expand"]);
	const id = req.params.id!;
	const file = req.store.get("files", id, req.account);
	if (!file) throw noSuch("file", id);
	return file;
}

const CONTENT_TYPES: Record<string, string> = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg" };

/** `GET /v1/files/:id/contents` (Stripe serves it from files.stripe.com, with the same key). */
export function fileContents(req: ApiRequest): RawBody {
	const file = retrieveFile(req);
	const data = req.store.fileContents.get(file.id)!;
	return new RawBody(CONTENT_TYPES[file.type] ?? "application/octet-stream", data);
}
