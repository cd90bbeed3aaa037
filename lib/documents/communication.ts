import type { SupportMessage } from "../evidence/support-messages";
import { formatDateTime, humanise } from "../format";
import { type Translation, translationLabel } from "../narrative/translate";
import type { PdfFonts } from "../pdf/fonts/fallback";
import { type Block, renderDocument } from "./pdf";
import type { EvidenceDocument } from "./types";

/** Messages quoted at most in the communication document. */
export const COMMUNICATION_MESSAGES = 20;

/** Translates the given texts into English, a result per text (null: quote only); with no Claude key, all null. */
export type Translate = (texts: readonly string[]) => Promise<readonly (Translation | null)[]>;

/**
 * The customer's messages to support (and the merchant's replies where recorded), oldest first, quoted verbatim
 * with their dates and channels. Only what is on record: with no messages there is no document, and nothing is
 * ever said about messages that are not there. A message not in English gets, when `translate` can give one, a
 * translation marked as such right after the original, which stays the authoritative text.
 */
export async function renderCommunication(
	messages: readonly SupportMessage[],
	context: { merchantName: string; disputeId: string; customerName: string | null; value: number },
	fonts: PdfFonts,
	translate?: Translate,
): Promise<EvidenceDocument | null> {
	const quoted = messages.filter((m) => m.text?.trim()).slice(0, COMMUNICATION_MESSAGES);
	if (quoted.length === 0) return null;
	const ordered = [...quoted].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
	const who = context.customerName ?? "the customer";
	const translations = translate ? await translate(ordered.map((m) => m.text!.trim())) : [];
	const blocks: Block[] = [
		{
			kind: "paragraph",
			text: `${ordered.length === 1 ? "The message" : `The ${ordered.length} messages`} below ${ordered.length === 1 ? "is" : "are"} quoted exactly as recorded by ${context.merchantName}'s support, oldest first.`,
		},
		...ordered.flatMap((m, i): Block[] => [
			{
				kind: "quote",
				header: [
					formatDateTime(m.occurredAt),
					m.channel ? humanise(m.channel) : null,
					m.from === "merchant" ? `reply from ${context.merchantName}` : `from ${who}`,
				]
					.filter(Boolean)
					.join(" · "),
				text: `“${m.text!.trim()}”`,
			},
			...translated(translations[i]),
		]),
	];
	const rendered = await renderDocument(
		{
			title: `Customer communication: ${context.merchantName}`,
			subtitle: `Support messages of the account, for dispute ${context.disputeId}`,
			footer: `${context.merchantName} · customer communication`,
			date: new Date(ordered.at(-1)!.occurredAt),
			blocks,
		},
		fonts,
	);
	return { field: "customer_communication", title: "Customer communication", value: context.value, ...rendered };
}

function translated(translation: Translation | null | undefined): Block[] {
	return translation ? [{ kind: "quote", header: translationLabel(translation), text: translation.text }] : [];
}
