import { caseReason } from "../evidence/dispute-reasons";
import { factIndex } from "../evidence/facts";
import { PLAYBOOKS, type Playbook, playbookFor, type SectionName } from "../evidence/playbooks";
import { FIELD_LIMIT, fitText } from "../evidence/text";
import type { EvidenceCase, EvidenceTextField, Narrative, NarrativeParagraph } from "../evidence/types";
import { formatDate } from "../format";
import { buildAccessLog } from "./access-log";
import { cancelledBeforeCharge, closing, SECTIONS } from "./case-paragraphs";
import { letterPoints } from "./decisive-points";
import type { Ce3Summary } from "./letter";
import { rebuttalSentence } from "./rebuttal";
import { quote, type Sentence, Writer } from "./sentence-writer";

/**
 * The deterministic writer: reason-specific prose assembled from sentences that each need certain facts. A sentence
 * whose facts are absent is left out, so the text never claims what was not collected, and every number in it is
 * a fact's display. Each paragraph lists the fact ids its sentences used.
 */

/** The reason's argument; for a cancelled subscription it depends on whether a cancellation came first. */
function argumentOf(w: Writer, playbook: Playbook): string {
	if (w.value("refund.prior.covers_dispute") === true) {
		return "The amount disputed was refunded before the dispute was opened; the cardholder has already been credited.";
	}
	if (playbook.reason === "subscription_canceled") {
		return cancelledBeforeCharge(w)
			? "The customer went on using the service under the terms they accepted."
			: "The subscription was active when it was charged and the customer went on using it.";
	}
	return playbook.argument;
}

/** Stripe's evidence text field that carries the argument for each reason (besides the access log). */
export const REASON_FIELD: Record<string, EvidenceTextField> = Object.fromEntries(
	Object.values(PLAYBOOKS).map((p) => [p.reason, p.argumentField]),
);

export function writeTemplateNarrative(evidenceCase: EvidenceCase, ce3?: Ce3Summary | null): Narrative {
	const w = new Writer(factIndex(evidenceCase.facts), evidenceCase);
	const reason = caseReason(evidenceCase.dispute);
	const playbook = playbookFor(reason);
	// A refund before the dispute is the defence of every reason, so its paragraph comes right after the intro.
	const sections: SectionName[] =
		w.value("refund.prior.covers_dispute") === true && !playbook.sections.includes("refundState")
			? ["intro", "refundState", ...playbook.sections.filter((n) => n !== "intro")]
			: playbook.sections;
	const paragraphs = [...sections.map((name) => SECTIONS[name](w)), closing(w, argumentOf(w, playbook))].filter(
		(p): p is NarrativeParagraph => !!p,
	);

	const fields: Narrative["fields"] = {};
	const set = (field: EvidenceTextField, text: string | null | undefined) => {
		const fitted = text ? fitText(text.trim(), FIELD_LIMIT) : null;
		if (fitted) fields[field] = fitted;
	};

	set("product_description", productDescription(w));
	set("access_activity_log", buildAccessLog(evidenceCase));
	const chargeAt = evidenceCase.charge.createdAt;
	set("service_date", chargeAt ? formatDate(chargeAt) : null);
	set("customer_name", firstDisplay(w, ["account.name", "customer.name", "charge.billing_name"]));
	set(
		"customer_email_address",
		firstDisplay(w, ["account.email", "customer.email", "charge.billing_email", "charge.receipt_email"]),
	);
	set("customer_purchase_ip", firstDisplay(w, ["purchase.ip"]));
	const billing = [
		w.facts.get("charge.billing_postal_code")?.display,
		w.facts.get("charge.billing_country")?.display,
	].filter(Boolean);
	set("billing_address", billing.length > 0 ? billing.join(", ") : null);

	const argument = paragraphs.map((p) => p.text).join("\n\n");
	set(playbook.argumentField, argument);

	// The cover letter's rebuttal: one sentence from the decisive points the case has.
	const summary = rebuttalSentence(evidenceCase, letterPoints(evidenceCase, ce3));
	return { writer: "template", summary, paragraphs, fields };
}

function productDescription(w: Writer): string | null {
	const parts = [
		w.opt(
			["merchant.name"],
			["charge.description", "charge.amount", "charge.created_at"],
			([m], [desc, amt, at]) =>
				`${desc ? `${quote(desc)}, sold by ${m}` : `A purchase from ${m}`}${amt ? ` for ${amt}` : ""}${at ? ` on ${at}` : ""}.`,
		),
		w.s(
			["usage.total"],
			(n) =>
				`The customer uses it through an account in the merchant's online service, whose activity log records ${n} events.`,
		),
		(w.value("usage.after_charge") as number) > 0
			? w.s(["usage.after_charge"], (n) => `${n} of them happened after the payment.`)
			: null,
	];
	const text = parts
		.filter((p): p is Sentence => !!p)
		.map((p) => p.text)
		.join(" ");
	return text || null;
}

function firstDisplay(w: Writer, ids: string[]): string | null {
	for (const id of ids) {
		const f = w.facts.get(id);
		if (f) return f.display;
	}
	return null;
}
