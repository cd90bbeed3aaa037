import { PDFDocument } from "pdf-lib";
import type pg from "pg";
import Stripe from "stripe";
import type { TestStack } from "./stack";

/** stripe-node against the local stack's Stripe emulator. */
export function stackStripe(stack: TestStack): Stripe {
	const url = new URL(stack.stripeApiBase);
	return new Stripe(stack.stripeSecretKey, {
		host: url.hostname,
		port: Number(url.port),
		protocol: "http",
		httpClient: Stripe.createFetchHttpClient(),
	});
}

/**
 * A dispute whose appeal waits for a person, as the pipeline leaves it when the filing fee is above
 * APPEAL_AUTO_MAX_FEE: Stripe reports `appeal_needs_response`, rebuttal holds it in `appealing` with the evidence
 * (and uploaded report) it submitted before. No message is queued, so it stays there until a person acts.
 */
export async function seedWaitingAppeal(stack: TestStack, sql: pg.Pool) {
	const pdf = await PDFDocument.create();
	pdf.addPage();
	const file = await stackStripe(stack).files.create({
		purpose: "dispute_evidence",
		file: { data: Buffer.from(await pdf.save()), name: "report.pdf", type: "application/pdf" },
	});
	const { charges } = await stack.emulator("/_emulator/seed", { charges: [{ amount: 4900 }] });
	const { disputes } = await stack.emulator("/_emulator/seed", {
		disputes: [{ charge: charges[0].id, amount: 4900, reason: "fraudulent", status: "appeal_needs_response" }],
	});
	const id = disputes[0].id as string;
	await sql.query(
		`insert into rebuttal.disputes (id, amount, currency, reason, status, stage, stage_reason, stage_reason_code)
		 values ($1, 4900, 'usd', 'fraudulent', 'appeal_needs_response', 'appealing',
		 'appeal offered; not filed automatically: the arbitration filing fee 50000 is above APPEAL_AUTO_MAX_FEE (unset): a person decides', 'appeal_waiting')`,
		[id],
	);
	await sql.query(
		`insert into rebuttal.evidence (dispute_id, fields, facts, narrative, writer, playbook, file_id, pdf_key, pdf_sha256, pdf_bytes, pdf_pages)
		 values ($1, '{}', $2::jsonb, 'n', 'template', 'fraudulent', $3, 'k', 's', 1, 1)`,
		[
			id,
			JSON.stringify([{ id: "usage.after_charge", label: "Use after the charge", display: "14 images generated" }]),
			file.id,
		],
	);
	return { id, fileId: file.id };
}
