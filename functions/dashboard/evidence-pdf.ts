import type { Context } from "hono";
import { getEvidence } from "../../lib/dispute/store";
import { NotFoundError, PermanentError } from "../../lib/errors";
import type { AppEnv } from "../../lib/http/app";

const DISPUTE_ID = /^(du|dp)_\w{1,100}$/;

/**
 * `GET /api/disputes/:id/evidence.pdf`: the archived evidence PDF of a dispute, streamed from the EVIDENCE
 * bucket (mounted behind the operator's authentication). 404 when the dispute has no evidence yet or its PDF is
 * no longer in the archive.
 */
export async function evidencePdf(c: Context<AppEnv>): Promise<Response> {
	const id = c.req.param("id") ?? "";
	if (!DISPUTE_ID.test(id)) throw new PermanentError("bad_request", "not a dispute id", { status: 400 });
	const evidence = await getEvidence(c.var.db, id);
	if (!evidence?.pdfKey) throw new NotFoundError(`no evidence PDF for dispute ${id}`);
	const object = await c.env.EVIDENCE.get(evidence.pdfKey);
	if (!object) throw new NotFoundError(`the evidence PDF of dispute ${id} is not in the archive`);
	return new Response(object.body, {
		headers: {
			"content-type": "application/pdf",
			"content-length": String(object.size),
			"content-disposition": `attachment; filename="evidence-${id}.pdf"`,
			"cache-control": "private, no-store",
			"x-content-type-options": "nosniff",
			...(evidence.pdfSha256 && { etag: `"${evidence.pdfSha256}"` }),
		},
	});
}
