import type { Context } from "hono";
import { getEvidence } from "../../lib/dispute/store";
import { NotFoundError } from "../../lib/errors";
import type { AppEnv } from "../../lib/http/app";
import { disputeId, parseInput } from "../../lib/http/params";

/**
 * `GET /api/disputes/:id/evidence.pdf`: the archived evidence PDF of a dispute, streamed from the EVIDENCE
 * bucket (mounted behind the operator's authentication). Served as an attachment (the download), and with
 * `?preview=1` inline, for the dashboard's preview frame: an attachment in a frame is downloaded on every visit
 * instead of shown. 404 when the dispute has no evidence yet or its PDF is no longer in the archive.
 */
export async function evidencePdf(c: Context<AppEnv>): Promise<Response> {
	const id = parseInput(disputeId, c.req.param("id"));
	const evidence = await getEvidence(c.var.db, id);
	if (!evidence?.pdfKey) throw new NotFoundError(`no evidence PDF for dispute ${id}`);
	const object = await c.env.EVIDENCE.get(evidence.pdfKey);
	if (!object) throw new NotFoundError(`the evidence PDF of dispute ${id} is not in the archive`);
	const disposition = c.req.query("preview") === "1" ? "inline" : "attachment";
	return new Response(object.body, {
		headers: {
			"content-type": "application/pdf",
			"content-length": String(object.size),
			"content-disposition": `${disposition}; filename="evidence-${id}.pdf"`,
			"cache-control": "private, no-store",
			"x-content-type-options": "nosniff",
			// The preview's sandbox: set here, since Chromium refuses to show a PDF in an iframe with a `sandbox`
			// attribute but honours the same sandbox from the document's own policy. Only the dashboard may frame it.
			"content-security-policy": "sandbox; default-src 'none'; frame-ancestors 'self'",
			...(evidence.pdfSha256 && { etag: `"${evidence.pdfSha256}"` }),
		},
	});
}
