/**
 * The rebuttal in one sentence, for the top of the cover letter: the merchant's answer to the claim, built only
 * from the decisive points the case has, so it asserts nothing the points do not show.
 */
import type { EvidenceCase } from "../evidence/types";
import { plural } from "../format";
import { type LetterPoint, list, type PointKind, reasonFamily } from "./letter";

export function rebuttalSentence(c: EvidenceCase, points: readonly LetterPoint[]): string {
	const has = (k: PointKind) => points.some((p) => p.kind === k);
	const merchant = c.merchantName.trim() || "The merchant";
	const prior = c.facts.find((f) => f.id === "prior.count")?.value;
	const priorText = typeof prior === "number" && prior > 0 ? plural(prior, "undisputed earlier payment") : null;
	const refunded = c.facts.find((f) => f.id === "charge.amount_refunded")?.display;
	const pieces: string[] = [];
	switch (reasonFamily(c.dispute.reason, c.dispute.networkReasonCode)) {
		case "fraud":
		case "unrecognized":
			if (has("descriptor")) pieces.push("is identified on the card statement by the merchant's own descriptor");
			if (has("purchaseLink"))
				pieces.push("was made by the customer's own account, from an address or device it had used before");
			else if (has("account")) pieces.push("was made for the customer's own account");
			if (has("ce3")) pieces.push("meets Visa Compelling Evidence 3.0");
			else if (has("priorPayments") && priorText) pieces.push(`follows ${priorText} by the same customer`);
			if (has("useAfter")) pieces.push("was followed by continued use of the service");
			break;
		case "cancellation":
			if (has("noCancellation")) pieces.push("was charged while the subscription was active");
			if (has("terms")) pieces.push("was made under terms the customer had accepted");
			if (has("useAfter")) pieces.push("was followed by continued use of the service");
			break;
		case "delivery":
			if (has("servicePeriod")) pieces.push("opened access to the service at once");
			if (has("useAfter")) pieces.push("was followed by the customer's use of the service");
			if (has("thingsMade")) pieces.push("was followed by things the customer made with it");
			break;
		case "quality":
			if (has("useAfter")) pieces.push("bought a service the customer went on using");
			if (has("terms")) pieces.push("was made under terms the customer had accepted");
			break;
		case "credit":
			if (has("refund") && refunded) return `${merchant} has already refunded ${refunded} of this payment to the card.`;
			if (has("terms")) pieces.push("was made under terms the customer had accepted");
			if (has("useAfter")) pieces.push("bought a service the customer went on using, so no credit is owed");
			break;
		case "duplicate":
			if (has("distinct")) pieces.push("is a single charge, distinct from the customer's other payments");
			break;
	}
	if (pieces.length === 0)
		return `${merchant} contests this dispute: the payment record shows a completed, valid charge.`;
	return `${merchant} contests this dispute: the payment ${list(pieces)}.`;
}
