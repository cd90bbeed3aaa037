import { caseReason } from "../evidence/dispute-reasons";
import type { PolicyKind, PolicyVersion } from "../evidence/policies";
import type { SupportMessage } from "../evidence/support-messages";
import type { CollectedCase, EvidenceTextField } from "../evidence/types";
import type { PdfFonts } from "../pdf/fonts/fallback";
import { renderCommunication, type Translate } from "./communication";
import { disclosureText, policyUseFor, policyWouldHelp, renderPolicyDocument } from "./policy";
import { type MerchantIdentity, renderReceipt } from "./receipt";
import type { EvidenceDocument } from "./types";

/**
 * What each document is worth for a reason, highest first: what the card networks weigh most for it (for a
 * cancelled subscription the policy, then the receipt; for fraud the receipt and the customer's own messages).
 * The budget keeps documents from the highest value down.
 */
const VALUES: Record<string, Partial<Record<"policy" | "receipt" | "communication", number>>> = {
	subscription_canceled: { policy: 90, receipt: 70, communication: 60 },
	credit_not_processed: { policy: 90, communication: 75, receipt: 60 },
	product_unacceptable: { policy: 85, communication: 80, receipt: 60 },
	product_not_received: { receipt: 75, policy: 60, communication: 55 },
	fraudulent: { receipt: 80, communication: 70 },
	unrecognized: { receipt: 85, communication: 70 },
	duplicate: { receipt: 85, communication: 50 },
};
const DEFAULT_VALUES: Partial<Record<"policy" | "receipt" | "communication", number>> = {
	receipt: 70,
	communication: 50,
};

export interface CaseDocuments {
	documents: EvidenceDocument[];
	/** Texts written from the facts for the documents (the policy disclosure). */
	texts: Partial<Record<EvidenceTextField, string>>;
	/** Evidence that was missing and would have helped, for the dashboard. */
	wouldHelp: string[];
}

export async function buildCaseDocuments(
	c: CollectedCase,
	sources: {
		merchant: MerchantIdentity;
		policies: Partial<Record<PolicyKind, PolicyVersion>>;
		messages: readonly SupportMessage[];
		fonts: PdfFonts;
		/** Machine translation of messages not in English (Claude); absent: messages are quoted only. */
		translate?: Translate;
	},
): Promise<CaseDocuments> {
	const reason = caseReason(c.dispute);
	const values = VALUES[reason] ?? DEFAULT_VALUES;
	const documents: EvidenceDocument[] = [];
	const texts: CaseDocuments["texts"] = {};
	const wouldHelp: string[] = [];

	if (values.receipt) documents.push(await renderReceipt(c, sources.merchant, values.receipt, sources.fonts));

	const use = policyUseFor(reason);
	const policy = use ? sources.policies[use.kind] : undefined;
	if (use && policy && values.policy) {
		documents.push(
			await renderPolicyDocument(
				use,
				policy,
				{
					merchantName: sources.merchant.name,
					disputeId: c.dispute.id,
					chargeAt: c.charge.createdAt,
					value: values.policy,
				},
				sources.fonts,
			),
		);
		texts[use.disclosureField] = disclosureText(use, policy, c.account, c.charge.createdAt);
	} else if (use) {
		const help = policyWouldHelp(reason);
		if (help) wouldHelp.push(help);
	}

	if (values.communication) {
		const communication = await renderCommunication(
			sources.messages,
			{
				merchantName: sources.merchant.name,
				disputeId: c.dispute.id,
				customerName: c.account?.name ?? c.customer?.name ?? null,
				value: values.communication,
			},
			sources.fonts,
			sources.translate,
		);
		if (communication) documents.push(communication);
	}
	return { documents, texts, wouldHelp };
}
