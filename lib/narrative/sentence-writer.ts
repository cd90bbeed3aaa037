import { ActivityKinds } from "../evidence/kinds";
import type { EvidenceCase, Fact, NarrativeParagraph } from "../evidence/types";
import { kindSlug } from "../evidence/usage-facts";

/** The template writer's sentence machinery: a sentence exists only when the facts it needs do. */

export type Facts = Map<string, Fact>;

/** One sentence and the facts it rests on; null when a fact it needs is missing. */
export interface Sentence {
	text: string;
	ids: string[];
}

export class Writer {
	readonly kinds: ActivityKinds;
	readonly reason: string;
	readonly networkReasonCode: string | null;
	constructor(
		readonly facts: Facts,
		evidenceCase: EvidenceCase,
	) {
		this.kinds = new ActivityKinds(evidenceCase.activityKinds);
		this.reason = evidenceCase.dispute.reason;
		this.networkReasonCode = evidenceCase.dispute.networkReasonCode;
		for (const k of evidenceCase.usage?.byKind ?? []) this.slugs.set(kindSlug(k.kind), k.kind);
	}

	private readonly slugs = new Map<string, string>();

	/** The activity kind a fact id's slug stands for. */
	kindOf(slug: string): string {
		return this.slugs.get(slug) ?? slug;
	}

	/** A fact's display with its noun, singular or plural by the fact's value: `1 device`, `3 devices`. */
	counted(id: string, display: string, one: string, many = `${one}s`): string {
		const v = this.value(id);
		return `${display} ${v === 1 ? one : many}`;
	}

	/** A kind's count with the merchant's label: `1,282 images generated`. */
	kindPhrase(kind: string, n: number, display: string): string {
		const label = this.kinds.label(kind);
		if (label) return `${display} ${n === 1 ? label.labelOne : label.labelMany}`;
		return `${display} ${n === 1 ? "event" : "events"} of kind ${kind.replace(/[_\s]+/g, " ").trim()}`;
	}

	has(id: string): boolean {
		return this.facts.has(id);
	}

	value(id: string): Fact["value"] | undefined {
		return this.facts.get(id)?.value;
	}

	/** A sentence using the displays of `ids`; null unless all of them exist. */
	s(ids: string[], render: (...displays: string[]) => string): Sentence | null {
		const found = ids.map((id) => this.facts.get(id));
		if (found.some((f) => !f)) return null;
		return { text: render(...found.map((f) => f!.display)), ids };
	}

	/** A sentence that needs `required` and mentions `optional` facts only when present. */
	opt(
		required: string[],
		optional: string[],
		render: (req: string[], opt: (string | undefined)[]) => string,
	): Sentence | null {
		const req = required.map((id) => this.facts.get(id));
		if (req.some((f) => !f)) return null;
		const opt = optional.map((id) => this.facts.get(id)?.display);
		return {
			text: render(
				req.map((f) => f!.display),
				opt,
			),
			ids: [...required, ...optional.filter((id) => this.facts.has(id))],
		};
	}
}

export function paragraph(sentences: (Sentence | null | undefined)[]): NarrativeParagraph | null {
	const kept = sentences.filter((s): s is Sentence => !!s);
	if (kept.length === 0) return null;
	const ids = [...new Set(kept.flatMap((s) => s.ids))];
	return { text: kept.map((s) => s.text).join(" "), factIds: ids };
}

export function quote(value: string | undefined): string {
	return `“${value ?? ""}”`;
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: string[]): string {
	if (items.length <= 1) return items.join("");
	return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export const PASSED = "pass";

export function kindsByCount(
	w: Writer,
	metric: "count" | "after_charge",
	limit: number,
): { slug: string; kind: string; id: string; n: number }[] {
	const out: { slug: string; kind: string; id: string; n: number }[] = [];
	for (const [id, fact] of w.facts) {
		const m = /^usage\.kind\.(.+)\.(count|after_charge)$/.exec(id);
		if (!m || m[2] !== metric || typeof fact.value !== "number" || fact.value <= 0) continue;
		const kind = w.kindOf(m[1]!);
		out.push({ slug: m[1]!, kind, id, n: fact.value });
	}
	return out.sort((a, b) => b.n - a.n || a.slug.localeCompare(b.slug)).slice(0, limit);
}
