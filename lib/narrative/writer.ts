import type { PipelineConfig } from "../config";
import { caseReason } from "../evidence/dispute-reasons";
import type { EvidenceCase, Narrative } from "../evidence/types";
import { type BudgetOptions, budgetMs, TimeBudget } from "./budget";
import { type ClaudeDraft, ClaudeWriter, ClaudeWriterError, claudeFields } from "./claude";
import type { Ce3Summary } from "./letter";
import { addCall, type NarrativeUsage } from "./pricing";
import { argumentField } from "./prompt";
import { writeTemplateNarrative } from "./template";
import { verifyNarrative } from "./verifier";

/**
 * The writer of a dispute's narrative: Claude when `ANTHROPIC_API_KEY` is set, the deterministic template otherwise,
 * and the template whenever Claude cannot deliver a verified case in time. It never throws because of the model:
 * errors, rate limits, outages, slowness, answers that fail verification twice (one repair attempt with the
 * verifier's findings) all end with the template's narrative and a reason saying why.
 *
 * A Claude narrative keeps the deterministic fields of the template (customer name, email, purchase IP, service
 * date, billing address, access log): the model only writes the summary, the paragraphs, the product description and
 * the reason's argument field, and all of it passes the verifier before it is used.
 */

export type WriterName = "claude" | "template";

export interface WriteNarrativeDeps {
	config: Pick<PipelineConfig, "ANTHROPIC_API_KEY" | "ANTHROPIC_BASE_URL" | "ANTHROPIC_MODEL">;
	now(): Date;
	/** The dispute's `due_by`; null when it has no response window. */
	deadline: Date | null;
	fetch?: typeof fetch;
	/** Overrides of the time budget's parameters (tests, or a caller with other queue limits). */
	budget?: Partial<BudgetOptions>;
	/** Visa CE 3.0, when it qualified: the template's rebuttal names it. */
	ce3?: Ce3Summary | null;
}

export interface WriteNarrativeResult {
	narrative: Narrative;
	writer: WriterName;
	/**
	 * Why the template answered although a key is set, as `<code>: <detail>`; null when Claude's narrative is used
	 * or no key is configured. Codes: `budget`, `timeout`, `rate_limited`, `overloaded`, `api_error`, `auth`,
	 * `bad_request`, `connection`, `refusal`, `verification`, `writer_error`.
	 */
	fallbackReason: string | null;
	/** Tokens and cost of every billed call (also when the template answered after Claude was paid); null if none. */
	usage: NarrativeUsage | null;
	/** The model asked, when one was. */
	model: string | null;
	/** The verifier's findings on the last Claude answer (empty when it passed or none came back). */
	findings: string[];
	/** Milliseconds spent on the model. */
	elapsedMs: number;
}

/** Repair only when this much of the budget is left: a repair is a whole second call. */
export const MIN_REPAIR_MS = 5_000;

export async function writeNarrative(
	evidenceCase: EvidenceCase,
	deps: WriteNarrativeDeps,
): Promise<WriteNarrativeResult> {
	const template = writeTemplateNarrative(evidenceCase, deps.ce3);
	const apiKey = deps.config.ANTHROPIC_API_KEY;
	if (!apiKey) {
		return {
			narrative: template,
			writer: "template",
			fallbackReason: null,
			usage: null,
			model: null,
			findings: [],
			elapsedMs: 0,
		};
	}

	const writer = new ClaudeWriter({
		apiKey,
		baseURL: deps.config.ANTHROPIC_BASE_URL,
		model: deps.config.ANTHROPIC_MODEL,
		fetch: deps.fetch,
	});
	const budget = new TimeBudget(budgetMs(deps.now(), deps.deadline, deps.budget), deps.budget);
	let usage: NarrativeUsage | null = null;
	let findings: string[] = [];
	const fallback = (reason: string): WriteNarrativeResult => ({
		narrative: template,
		writer: "template",
		fallbackReason: reason,
		usage,
		model: writer.model,
		findings,
		elapsedMs: budget.elapsedMs(),
	});

	try {
		if (budget.totalMs === 0) {
			return fallback(
				deps.deadline
					? `budget: the deadline (${deps.deadline.toISOString()}) is too near to wait for the model`
					: "budget: no time budget",
			);
		}
		let draft: ClaudeDraft = await writer.write(evidenceCase, budget);
		usage = addCall(usage, writer.model, draft.tokens);
		let narrative = assemble(draft, template, evidenceCase);
		findings = [...draft.problems, ...(draft.problems.length ? [] : verifyNarrative(narrative, evidenceCase).findings)];
		if (findings.length === 0) return accepted(narrative);

		if (budget.remainingMs() < MIN_REPAIR_MS) {
			return fallback(
				`verification: the answer failed verification and no time is left to repair it (${summarise(findings)})`,
			);
		}
		draft = await writer.repair(evidenceCase, draft, findings, budget);
		usage = addCall(usage, writer.model, draft.tokens);
		narrative = assemble(draft, template, evidenceCase);
		findings = [...draft.problems, ...(draft.problems.length ? [] : verifyNarrative(narrative, evidenceCase).findings)];
		if (findings.length === 0) return accepted(narrative);
		return fallback(`verification: the answer failed verification twice (${summarise(findings)})`);
	} catch (error) {
		if (error instanceof ClaudeWriterError) return fallback(`${error.code}: ${error.message}`);
		// Not a model problem but a defect here or in the SDK: still never worth a failed dispute. The reason says so.
		const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
		return fallback(`writer_error: ${what.slice(0, 300)}`);
	} finally {
		budget.dispose();
	}

	function accepted(narrative: Narrative): WriteNarrativeResult {
		return {
			narrative,
			writer: "claude",
			fallbackReason: null,
			usage,
			model: writer.model,
			findings: [],
			elapsedMs: budget.elapsedMs(),
		};
	}
}

/**
 * The narrative to verify and use: the model's summary, paragraphs and own fields over the template's deterministic
 * fields. The argument field falls back to the model's paragraphs joined, as the template does with its own.
 */
function assemble(draft: ClaudeDraft, template: Narrative, evidenceCase: EvidenceCase): Narrative {
	const n = draft.narrative;
	const fields: Narrative["fields"] = { ...template.fields };
	const own = claudeFields(caseReason(evidenceCase.dispute));
	for (const name of own) delete fields[name];
	for (const name of own) {
		const text = n.fields[name];
		if (text) fields[name] = text;
	}
	const argument = argumentField(caseReason(evidenceCase.dispute));
	if (!fields[argument] && n.paragraphs.length > 0) fields[argument] = n.paragraphs.map((p) => p.text).join("\n\n");
	if (!fields.product_description && template.fields.product_description) {
		fields.product_description = template.fields.product_description;
	}
	return { writer: "claude", summary: n.summary, paragraphs: n.paragraphs, fields };
}

function summarise(findings: readonly string[]): string {
	const first = findings.slice(0, 3).join("; ");
	return findings.length > 3 ? `${first}; and ${findings.length - 3} more` : first;
}
