import { buildFacts } from "../../lib/evidence/facts";
import type { CaseParts, EvidenceCase } from "../../lib/evidence/types";
import { casePartsFor } from "./case-fixtures";

/**
 * The ordinary case for a reason with the facts `buildFacts` computes (derived facts included), the purchase IP
 * seen before and the login window around the charge: what assembly hands the writers and the PDF.
 */
export function builtCaseFor(reason: string, overrides: Partial<CaseParts> = {}): EvidenceCase {
	const base = casePartsFor(reason);
	const parts: CaseParts = {
		...base,
		chargeWindow: {
			windowDays: 7,
			loginsBefore: 9,
			loginsAfter: 6,
			lastLoginBeforeAt: "2024-04-01T09:12:00.000Z",
			firstLoginAfterAt: "2024-04-02T15:40:00.000Z",
			eventsAroundCharge: 31,
			servicePeriodStart: base.charge.createdAt,
			servicePeriodSource: "charge",
			afterServiceStart: 593,
			devicesBeforeCharge: 2,
			purchaseDevice: "dev_macbook_7f3a91",
			purchaseDeviceSeenBefore: true,
		},
		...overrides,
	};
	const { purchaseIp: _ip, artifactCount: _n, chargeWindow: _w, ...rest } = parts;
	return { ...rest, facts: buildFacts(parts) };
}
