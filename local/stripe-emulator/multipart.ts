import type { UploadedPart } from "./context";
import { invalidRequest } from "./errors";

export interface Multipart {
	fields: [string, string][];
	files: Map<string, UploadedPart>;
}

function headerParam(header: string, name: string): string | undefined {
	const match =
		new RegExp(`(?:^|;)\\s*${name}="([^"]*)"`, "i").exec(header) ??
		new RegExp(`(?:^|;)\\s*${name}=([^;\\s]*)`, "i").exec(header);
	return match?.[1];
}

/** Parses a `multipart/form-data` body (as stripe-node sends file uploads) into text fields and files. */
export function parseMultipart(body: Buffer, contentType: string): Multipart {
	const boundary = headerParam(contentType, "boundary");
	if (!boundary) throw invalidRequest("Invalid multipart/form-data body: missing boundary");
	const delimiter = Buffer.from(`--${boundary}`);
	const result: Multipart = { fields: [], files: new Map() };
	let start = body.indexOf(delimiter);
	if (start === -1) throw invalidRequest("Invalid multipart/form-data body: boundary not found");
	while (true) {
		start += delimiter.length;
		if (body.subarray(start, start + 2).toString() === "--") break;
		const next = body.indexOf(delimiter, start);
		if (next === -1) throw invalidRequest("Invalid multipart/form-data body: unterminated part");
		// A part is CRLF, headers, CRLF CRLF, content, CRLF.
		const part = body.subarray(start + 2, next - 2);
		const split = part.indexOf("\r\n\r\n");
		if (split === -1) throw invalidRequest("Invalid multipart/form-data body: part without headers");
		const headers = part.subarray(0, split).toString("utf8").split("\r\n");
		const content = part.subarray(split + 4);
		const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? "";
		const type = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, "");
		const name = headerParam(disposition, "name");
		const filename = headerParam(disposition, "filename");
		if (name === undefined) throw invalidRequest("Invalid multipart/form-data body: part without a name");
		if (filename !== undefined) {
			result.files.set(name, { filename, contentType: type ?? "application/octet-stream", data: Buffer.from(content) });
		} else {
			result.fields.push([name, content.toString("utf8")]);
		}
		start = next;
	}
	return result;
}
