import { PermanentError } from "../errors";
import { caseReason } from "./dispute-reasons";
import { PLAYBOOKS } from "./playbooks";
import { FIELD_LIMIT, fitText, TOTAL_LIMIT } from "./text";
import {
	EVIDENCE_TEXT_FIELDS,
	type EvidenceCase,
	type EvidenceFileField,
	type EvidenceTextField,
	type Narrative,
	type PurchaseIpSource,
	RECORDED_PURCHASE_IP_SOURCES,
} from "./types";

/** The file field the report goes in, by dispute reason (from the reason playbooks). */
export const REPORT_FILE_FIELD: Record<string, EvidenceFileField> = Object.fromEntries(
	Object.values(PLAYBOOKS).map((p) => [p.reason, p.fileField]),
);

export function reportFileField(reason: string): EvidenceFileField {
	return REPORT_FILE_FIELD[reason] ?? "uncategorized_file";
}

/** Stripe accepts files up to 5 MB; rebuttal keeps all files of one dispute within 4.5 MB together. */
export const FILES_TOTAL_LIMIT = 4.5 * 1024 * 1024;

/**
 * Throws a {@link PermanentError} when the evidence files of one dispute exceed {@link FILES_TOTAL_LIMIT}
 * together. Called before any upload, so nothing reaches Stripe.
 */
export function assertFileBudget(files: readonly { name: string; bytes: number }[]): void {
	const total = files.reduce((n, f) => n + f.bytes, 0);
	if (total > FILES_TOTAL_LIMIT) {
		throw new PermanentError(
			"evidence_files_too_large",
			`evidence files are ${total} bytes together (${files.map((f) => `${f.name}: ${f.bytes}`).join(", ")}), over the ${FILES_TOTAL_LIMIT}-byte limit per dispute`,
		);
	}
}

/** Fields that identify rather than argue: short by nature, never summarised (an oversized one is an error). */
const IDENTIFYING: ReadonlySet<EvidenceTextField> = new Set([
	"customer_name",
	"customer_email_address",
	"customer_purchase_ip",
	"service_date",
	"billing_address",
]);

/**
 * The evidence payload for `disputes.update`: the narrative's text fields, each within Stripe's 20,000 characters and
 * all within 150,000, plus the report file in the field the reason calls for and each other document in its own
 * field (`documents`), and the texts rebuttal writes from the records (`ownTexts`: the policy disclosures; the
 * Billing service period and description; never a purchase IP that was not recorded). Long fields are summarised by keeping
 * whole sentences; a field that cannot be (one sentence over the limit, an identifying field over it) throws a
 * {@link PermanentError}: retrying would give the same answer.
 */
export function buildEvidenceFields(
	evidenceCase: EvidenceCase,
	narrative: Narrative,
	fileId: string,
	documents: readonly { field: string; fileId: string }[] = [],
	ownTexts: Partial<Record<EvidenceTextField, string>> = {},
): Record<string, string> {
	if (!fileId) throw new PermanentError("evidence_file_missing", "no evidence file id to attach");
	const texts = new Map<EvidenceTextField, string>();
	// Texts rebuttal writes from the records themselves (policy disclosures) win over a writer's.
	const written = withBilling(evidenceCase, { ...dropEmpty(narrative.fields), ...ownTexts });
	for (const name of EVIDENCE_TEXT_FIELDS) {
		const value = written[name]?.trim();
		if (!value) continue;
		if (name === "customer_purchase_ip" && !purchaseIpRecorded(evidenceCase)) continue;
		texts.set(name, fitOrThrow(name, value, FIELD_LIMIT));
	}

	// Over the total: shrink the longest summarisable fields to a common cap until everything fits.
	let total = sum(texts);
	if (total > TOTAL_LIMIT) {
		const fixed = [...texts].filter(([k]) => IDENTIFYING.has(k)).reduce((n, [, v]) => n + v.length, 0);
		const flexible = [...texts].filter(([k]) => !IDENTIFYING.has(k)).sort((a, b) => a[1].length - b[1].length);
		let budget = TOTAL_LIMIT - fixed;
		flexible.forEach(([name, value], i) => {
			const cap = Math.floor(budget / (flexible.length - i));
			const fitted = value.length <= cap ? value : fitOrThrow(name, value, cap);
			texts.set(name, fitted);
			budget -= fitted.length;
		});
		total = sum(texts);
		if (total > TOTAL_LIMIT) {
			throw new PermanentError(
				"evidence_too_long",
				`evidence text is ${total} characters, over Stripe's ${TOTAL_LIMIT}`,
			);
		}
	}

	const out: Record<string, string> = {};
	for (const [name, value] of texts) out[name] = value;
	const reportField = reportFileField(caseReason(evidenceCase.dispute));
	for (const d of documents) if (d.field !== reportField && d.fileId) out[d.field] = d.fileId;
	out[reportField] = fileId;
	return out;
}

/**
 * What Stripe Billing says better than a writer can: `service_date` is the invoice's service period, and the
 * product description adds the plan, that a renewal is the subscription's recurring charge, and the invoice.
 */
function withBilling(
	c: EvidenceCase,
	fields: Narrative["fields"],
): Partial<Record<EvidenceTextField, string | undefined>> {
	const fact = (id: string) => c.facts.find((f) => f.id === id);
	const period = fact("service.period");
	const renewal = fact("billing.renewal")?.value === true;
	const plan = fact("subscription.plan")?.display;
	const every = fact("subscription.interval")?.display;
	const started = fact("subscription.started_at")?.display;
	const invoice = fact("billing.invoice_number")?.display;
	const sentences = [
		renewal
			? `This charge is the ${every ? `${every} ` : ""}recurring payment of the customer's ${plan ? `${plan} ` : ""}subscription${started ? `, which the customer started on ${started}` : ""}, charged to the payment method on file for it.`
			: null,
		renewal ? firstPaymentSentence(c) : null,
		invoice || period
			? `${invoice ? `Invoice ${invoice}` : "The invoice"}${period ? ` covers the service period ${period.display}` : ""}.`
			: null,
	].filter((x): x is string => !!x);
	if (!period && sentences.length === 0) return fields;
	const description = [fields.product_description?.trim(), ...sentences].filter(Boolean).join(" ");
	return { ...fields, ...(period && { service_date: period.display }), product_description: description };
}

/** The payment where the cardholder saved the card a renewal is charged to, with the checks it passed. */
function firstPaymentSentence(c: EvidenceCase): string | null {
	const fact = (id: string) => c.facts.find((f) => f.id === id);
	const at = fact("renewal.first_payment_at")?.display;
	if (!at) return null;
	const passed = [
		fact("renewal.first_payment_three_d_secure") ? "3-D Secure authentication" : null,
		fact("renewal.first_payment_cvc") ? "the CVC check" : null,
		fact("renewal.first_payment_avs") ? "the address check" : null,
	].filter((x): x is string => !!x);
	const list = passed.length > 1 ? `${passed.slice(0, -1).join(", ")} and ${passed.at(-1)}` : passed[0];
	return `The cardholder first paid with this card on ${at}${list ? `, a payment that passed ${list}` : ""}.`;
}

/**
 * Whether `customer_purchase_ip` may be sent: only an IP recorded at the purchase (charge or payment-intent
 * metadata, the merchant's checkout event), never one inferred from nearby activity, and for a renewal the
 * merchant initiated only what Stripe itself recorded.
 */
export function purchaseIpRecorded(evidenceCase: EvidenceCase): boolean {
	const source = evidenceCase.facts.find((f) => f.id === "purchase.ip_source")?.value;
	if (typeof source !== "string" || !RECORDED_PURCHASE_IP_SOURCES.has(source as PurchaseIpSource)) return false;
	const renewal = evidenceCase.facts.find((f) => f.id === "billing.renewal")?.value === true;
	return !renewal || source !== "checkout_event";
}

function dropEmpty(fields: Narrative["fields"]): Narrative["fields"] {
	return Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === "string" && v.trim() !== ""));
}

function fitOrThrow(name: EvidenceTextField, value: string, max: number): string {
	if (value.length <= max) return value;
	const fitted = IDENTIFYING.has(name) ? null : fitText(value, max);
	if (fitted === null) {
		throw new PermanentError(
			"evidence_field_too_long",
			`evidence field ${name} is ${value.length} characters and cannot be summarised to ${max} without cutting a sentence`,
		);
	}
	return fitted;
}

function sum(texts: Map<EvidenceTextField, string>): number {
	let n = 0;
	for (const v of texts.values()) n += v.length;
	return n;
}
