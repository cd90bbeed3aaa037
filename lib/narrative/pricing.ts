/**
 * What a Claude call costs, from the `usage` block of its response. Prices are US dollars per million tokens, from
 * Anthropic's published price list (standard tier, Claude API, no batch discount, no regional-inference surcharge);
 * prompt-cache writes are the 5-minute ones (the writer only uses `{type: "ephemeral"}`). Update this table when the
 * price list changes; a model missing from it still works, its cost is reported as null.
 *
 * | model               | input | output | cache write (5 min) | cache read |
 * |---------------------|------:|-------:|--------------------:|-----------:|
 * | claude-opus-5-5     |  4.00 |  20.00 |                5.00 |       0.20 |
 * | claude-sonnet-5-5   |  2.00 |  10.00 |                2.50 |       0.10 |
 * | claude-haiku-5-5    |  0.10 |   0.50 |               0.125 |       0.01 | (prompts ≤ 100k tokens; above: 0.50 / 2.50 / 0.625 / 0.05)
 * | claude-opus-5       |  5.00 |  25.00 |                6.25 |       0.50 |
 * | claude-sonnet-5     |  2.00 |  10.00 |                2.50 |       0.20 |
 * | claude-haiku-4-5    |  1.00 |   5.00 |                1.25 |       0.10 |
 *
 * Sonnet 5.5's cache reads were cut from 0.20 to 0.10 on 7 Oct 2026.
 */

export interface TokenRates {
	input: number;
	output: number;
	cacheWrite: number;
	cacheRead: number;
}

export interface ModelPrice extends TokenRates {
	/** Some models bill a whole request at higher rates once its prompt (input + cache reads + writes) passes a size. */
	longPrompt?: { thresholdTokens: number; rates: TokenRates };
}

export const PRICES: Readonly<Record<string, ModelPrice>> = {
	"claude-opus-5-5": { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 },
	"claude-sonnet-5-5": { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
	"claude-haiku-5-5": {
		input: 0.1,
		output: 0.5,
		cacheWrite: 0.125,
		cacheRead: 0.01,
		longPrompt: { thresholdTokens: 100_000, rates: { input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05 } },
	},
	"claude-opus-5": { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
	"claude-sonnet-5": { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
	"claude-haiku-4-5": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
	"claude-haiku-4-5-20251001": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
};

/** Token counts of one or more calls, and what they cost (null when the model's price is unknown). */
export interface NarrativeUsage {
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	costUsd: number | null;
	/** The model that was called, and how many responses were billed (a repair makes two). */
	model: string;
	calls: number;
}

export interface CallTokens {
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
}

/** Cost in US dollars of one call, rounded to a millionth of a dollar; null for a model not in {@link PRICES}. */
export function callCostUsd(model: string, t: CallTokens): number | null {
	const price = PRICES[model];
	if (!price) return null;
	const prompt = t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens;
	const r = price.longPrompt && prompt > price.longPrompt.thresholdTokens ? price.longPrompt.rates : price;
	const usd =
		(t.inputTokens * r.input +
			t.outputTokens * r.output +
			t.cacheWriteTokens * r.cacheWrite +
			t.cacheReadTokens * r.cacheRead) /
		1_000_000;
	return Math.round(usd * 1e6) / 1e6;
}

/** Adds one call to a running total (each call is priced on its own: the long-prompt tier is per request). */
export function addCall(total: NarrativeUsage | null, model: string, t: CallTokens): NarrativeUsage {
	const cost = callCostUsd(model, t);
	const base: NarrativeUsage = total ?? {
		inputTokens: 0,
		outputTokens: 0,
		cacheReadTokens: 0,
		cacheWriteTokens: 0,
		costUsd: 0,
		model,
		calls: 0,
	};
	return {
		inputTokens: base.inputTokens + t.inputTokens,
		outputTokens: base.outputTokens + t.outputTokens,
		cacheReadTokens: base.cacheReadTokens + t.cacheReadTokens,
		cacheWriteTokens: base.cacheWriteTokens + t.cacheWriteTokens,
		costUsd: base.costUsd === null || cost === null ? null : Math.round((base.costUsd + cost) * 1e6) / 1e6,
		model,
		calls: base.calls + 1,
	};
}
