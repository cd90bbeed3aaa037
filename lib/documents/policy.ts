import type { PolicyKind, PolicyVersion } from "../evidence/policies";
import type { EvidenceFileField, EvidenceTextField } from "../evidence/types";
import { formatDate, formatDateTime } from "../format";
import type { PdfFonts } from "../pdf/fonts/fallback";
import { type Block, renderDocument } from "./pdf";
import type { EvidenceDocument } from "./types";

/**
 * The policy in force at the disputed charge, rendered as its own PDF, and the disclosure text that says where and
 * how it was shown. Subscription reasons send the cancellation policy, refund and product reasons the refund policy.
 */

interface PolicyUse {
	kind: PolicyKind;
	field: EvidenceFileField;
	disclosureField: EvidenceTextField;
	name: string;
}

const CANCELLATION: PolicyUse = {
	kind: "cancellation",
	field: "cancellation_policy",
	disclosureField: "cancellation_policy_disclosure",
	name: "cancellation policy",
};
const REFUND: PolicyUse = {
	kind: "refund",
	field: "refund_policy",
	disclosureField: "refund_policy_disclosure",
	name: "refund policy",
};

const USE_BY_REASON: Record<string, PolicyUse> = {
	subscription_canceled: CANCELLATION,
	credit_not_processed: REFUND,
	product_unacceptable: REFUND,
	product_not_received: REFUND,
};

/** Which policy a reason submits, or null. */
export function policyUseFor(reason: string): PolicyUse | null {
	return USE_BY_REASON[reason] ?? null;
}

/** The policy kinds that would have helped a reason, for the dashboard when none is on record. */
export function policyWouldHelp(reason: string): string | null {
	const use = policyUseFor(reason);
	return use
		? `a published ${use.name} in rebuttal.policies (the version in force at the charge is submitted in ${use.field}, with ${use.disclosureField})`
		: null;
}

/**
 * Where and how the policy was shown, from the facts: the merchant's own words for the disclosure, the version,
 * its date and address, and when this customer accepted the terms. Nothing is said that the records do not hold.
 */
export function disclosureText(
	use: PolicyUse,
	policy: PolicyVersion,
	account: { termsAcceptedAt: string | null; termsVersion: string | null } | null,
	chargeAt: string,
): string {
	const where = policy.url ? `, published at ${policy.url}` : "";
	const sentences = [
		`The ${use.name} in force at the payment on ${formatDate(chargeAt)} is “${policy.title}”, version ${policy.version}, effective ${formatDate(policy.effectiveAt)}${where}; its full text is attached.`,
	];
	if (policy.disclosure)
		sentences.push(`How it is shown to customers before they pay: ${policy.disclosure.trim().replace(/\.?$/, ".")}`);
	if (account?.termsAcceptedAt && account.termsAcceptedAt <= chargeAt) {
		sentences.push(
			`This customer accepted the terms of service${account.termsVersion ? ` (version ${account.termsVersion})` : ""} on ${formatDateTime(account.termsAcceptedAt)}, before the payment.`,
		);
	}
	return sentences.join(" ");
}

export async function renderPolicyDocument(
	use: PolicyUse,
	policy: PolicyVersion,
	context: { merchantName: string; disputeId: string; chargeAt: string; value: number },
	fonts: PdfFonts,
): Promise<EvidenceDocument> {
	const title = `${context.merchantName}: ${policy.title}`;
	const blocks: Block[] = [
		{
			kind: "rows",
			rows: [
				["Policy", policy.title],
				["Version", policy.version],
				["In force since", formatDate(policy.effectiveAt)],
				...(policy.url ? ([["Published at", policy.url]] as const) : []),
				...(policy.disclosure ? ([["Shown before payment", policy.disclosure]] as const) : []),
				["In force at the payment of", formatDateTime(context.chargeAt)],
			],
		},
		{ kind: "heading", text: "Text as published" },
		...policy.body
			.split(/\n{2,}/)
			.map((p) => p.trim())
			.filter(Boolean)
			.map((text): Block => ({ kind: "paragraph", text: text.replace(/^#+\s*/, "") })),
	];
	const rendered = await renderDocument(
		{
			title,
			subtitle: `The ${use.name} as published, version ${policy.version}, for dispute ${context.disputeId}`,
			footer: `${context.merchantName} · ${use.name}, version ${policy.version}`,
			date: new Date(policy.effectiveAt),
			blocks,
		},
		fonts,
	);
	return {
		field: use.field,
		title: `${capitalise(use.name)}, version ${policy.version}`,
		value: context.value,
		...rendered,
	};
}

function capitalise(s: string): string {
	return s ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s;
}
