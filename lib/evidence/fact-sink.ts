import { formatCount, formatDateTime } from "../format";
import type { Fact, FactSource } from "./types";

export type AddFact = (
	id: string,
	label: string,
	value: Fact["value"] | undefined,
	display: string,
	source: FactSource,
) => void;

/**
 * Where the case's facts are written. Absent data yields no fact (never a fact saying "unknown"), and the first fact
 * written under an id wins, so the order the builders run in decides which one a writer sees.
 */
export interface FactSink {
	add: AddFact;
	time(id: string, label: string, iso: string | null | undefined, source: FactSource): void;
	count(id: string, label: string, n: number | null | undefined, source: FactSource): void;
	text(id: string, label: string, value: string | null | undefined, source: FactSource): void;
}

/** A sink writing into `facts`. */
export function factSink(facts: Fact[]): FactSink {
	const ids = new Set<string>();
	const add = (id: string, label: string, value: Fact["value"] | undefined, display: string, source: FactSource) => {
		if (value === null || value === undefined || value === "" || ids.has(id)) return;
		ids.add(id);
		facts.push({ id, label, value, display, source });
	};
	const time = (id: string, label: string, iso: string | null | undefined, source: FactSource) => {
		if (iso) add(id, label, iso, formatDateTime(iso), source);
	};
	const count = (id: string, label: string, n: number | null | undefined, source: FactSource) => {
		if (typeof n === "number") add(id, label, n, formatCount(n), source);
	};
	const text = (id: string, label: string, value: string | null | undefined, source: FactSource) => {
		if (value) add(id, label, value, value, source);
	};
	return { add, time, count, text };
}
