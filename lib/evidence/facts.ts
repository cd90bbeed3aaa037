import { billingFacts, cancellationStateFacts, priorRefundFacts } from "./billing-facts";
import { factSink } from "./fact-sink";
import { ActivityKinds } from "./kinds";
import {
	chargeFacts,
	countryFacts,
	customerAndAccountFacts,
	disputeFacts,
	priorPaymentFacts,
	purchaseIpFacts,
	refundStatusFact,
} from "./payment-facts";
import type { CaseParts, Fact } from "./types";
import { artifactFacts, cancellationFacts, chargeWindowFacts, usageFacts } from "./usage-facts";

/**
 * Every fact of the case, with stable ids. Absent data yields no fact (never a fact saying "unknown"), so a writer
 * citing only existing facts cannot claim what was not collected.
 */
export function buildFacts(parts: CaseParts): Fact[] {
	const facts: Fact[] = [];
	const sink = factSink(facts);
	const { add } = sink;
	const kinds = new ActivityKinds(parts.activityKinds);

	disputeFacts(parts, sink);
	chargeFacts(parts, sink);
	customerAndAccountFacts(parts, sink);
	usageFacts(parts, kinds, sink);
	purchaseIpFacts(parts, sink);
	priorPaymentFacts(parts, sink);
	chargeWindowFacts(parts, sink);
	countryFacts(parts, sink);
	// Refunds and cancellations: the latest cancellation before the charge, undone by a later reactivation.
	cancellationStateFacts(parts, add);
	cancellationFacts(parts, sink);
	priorRefundFacts(parts, add);
	billingFacts(parts, add);
	refundStatusFact(parts, sink);
	artifactFacts(parts, sink);

	return facts;
}

/** Facts by id, for writers. */
export function factIndex(facts: readonly Fact[]): Map<string, Fact> {
	return new Map(facts.map((f) => [f.id, f]));
}
