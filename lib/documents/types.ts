import type { EvidenceFileField } from "../evidence/types";

/**
 * One evidence document besides the report, as the case carries it: the Stripe file field it goes in, its title
 * (for the cover letter's list of exhibits), its bytes and pages, and its value for this reason (higher is kept
 * first when the files of a dispute must fit Stripe's limits together).
 */
export interface EvidenceDocument {
	field: EvidenceFileField;
	title: string;
	bytes: Uint8Array;
	pages: number;
	sha256: string;
	value: number;
}

/** A document left out, and why (recorded with the evidence and shown to the operator). */
export interface DroppedDocument {
	field: EvidenceFileField;
	title: string;
	reason: string;
}
