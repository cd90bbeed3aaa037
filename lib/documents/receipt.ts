import type { CollectedCase } from "../evidence/types";
import { formatAmount, formatDate, formatDateTime, humanise } from "../format";
import type { PdfFonts } from "../pdf/fonts/fallback";
import { type Block, renderDocument } from "./pdf";
import type { EvidenceDocument } from "./types";

/** How the merchant is named and reached on its documents (from Stripe's account, else configuration). */
export interface MerchantIdentity {
	name: string;
	supportEmail: string | null;
	supportUrl: string | null;
	supportPhone: string | null;
	country: string | null;
}

/**
 * A receipt for the disputed charge, rendered from Stripe's data only: who was paid and how to reach them, the
 * amount and date, what was bought (the invoice's lines and periods when the charge paid one), the payment
 * method and the billing details. Refunds are listed as Stripe records them.
 */
export async function renderReceipt(
	c: CollectedCase,
	merchant: MerchantIdentity,
	value: number,
	fonts: PdfFonts,
): Promise<EvidenceDocument> {
	const ch = c.charge;
	const b = c.billing ?? null;
	const contact = [merchant.supportEmail, merchant.supportUrl, merchant.supportPhone].filter(Boolean).join(" · ");
	const rows: [string, string][] = [["Paid to", merchant.name]];
	if (contact) rows.push(["Contact", contact]);
	if (merchant.country) rows.push(["Merchant country", merchant.country]);
	rows.push(["Date", formatDateTime(ch.createdAt)], ["Amount", formatAmount(ch.amount, ch.currency)]);
	if (ch.description) rows.push(["Description", ch.description]);
	if (b?.number) rows.push(["Invoice number", b.number]);
	if (b?.billingReason) rows.push(["Billed as", humanise(b.billingReason)]);
	if (b?.periodStart && b.periodEnd)
		rows.push(["Service period", `${formatDate(b.periodStart)} to ${formatDate(b.periodEnd)}`]);
	if (ch.statementDescriptor) rows.push(["On the card statement as", ch.statementDescriptor]);
	const card = ch.cardLast4 ? `${ch.cardBrand ? humanise(ch.cardBrand) : "Card"} ending ${ch.cardLast4}` : null;
	if (card) rows.push(["Payment method", ch.wallet ? `${card} (${humanise(ch.wallet)})` : card]);
	rows.push(["Payment reference", ch.id]);
	const billing: [string, string][] = [];
	if (ch.billingName) billing.push(["Name", ch.billingName]);
	if (ch.billingEmail ?? ch.receiptEmail) billing.push(["Email", (ch.billingEmail ?? ch.receiptEmail)!]);
	const place = [ch.billingPostalCode, ch.billingCountry].filter(Boolean).join(", ");
	if (place) billing.push(["Postal code, country", place]);
	if (ch.receiptEmail) billing.push(["Receipt sent to", ch.receiptEmail]);

	const blocks: Block[] = [{ kind: "rows", rows }];
	if (b && b.lines.length > 0) {
		blocks.push({ kind: "heading", text: "Invoice lines" });
		blocks.push({
			kind: "rows",
			rows: b.lines
				.slice(0, 30)
				.map((l) => [
					formatAmount(l.amount, ch.currency),
					[
						l.description,
						l.periodStart && l.periodEnd ? `${formatDate(l.periodStart)} to ${formatDate(l.periodEnd)}` : null,
					]
						.filter(Boolean)
						.join(", ") || "Invoice line",
				]),
		});
	}
	if (billing.length > 0) blocks.push({ kind: "heading", text: "Billing details" }, { kind: "rows", rows: billing });
	const refunds = c.refunds ?? [];
	if (refunds.length > 0) {
		blocks.push({ kind: "heading", text: "Refunds" });
		blocks.push({
			kind: "rows",
			rows: refunds.map((r) => [formatDate(r.createdAt), `${formatAmount(r.amount, ch.currency)} (${r.id})`]),
		});
	}
	blocks.push({ kind: "paragraph", muted: true, text: "Rendered from the payment's record at Stripe." });
	const rendered = await renderDocument(
		{
			title: `Receipt: ${merchant.name}`,
			subtitle: `Payment of ${formatAmount(ch.amount, ch.currency)} on ${formatDate(ch.createdAt)}, for dispute ${c.dispute.id}`,
			footer: `${merchant.name} · receipt for ${ch.id}`,
			date: new Date(ch.createdAt),
			blocks,
		},
		fonts,
	);
	return { field: "receipt", title: "Receipt for the payment", value, ...rendered };
}
