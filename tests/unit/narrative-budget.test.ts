import { describe, expect, it } from "vitest";
import { BudgetExhaustedError, budgetMs, DEFAULT_BUDGET, TimeBudget } from "../../lib/narrative/budget";
import { DEFAULT_MODEL } from "../../lib/narrative/claude";
import { addCall, callCostUsd, PRICES } from "../../lib/narrative/pricing";

const NOW = new Date("2024-05-21T10:00:00.000Z");
const inMinutes = (m: number) => new Date(NOW.getTime() + m * 60_000);

describe("budgetMs", () => {
	it.each([
		["no deadline", null, 60_000],
		["due in two weeks", inMinutes(14 * 24 * 60), 60_000],
		["due in 2 hours", inMinutes(120), 60_000],
		["due in 60 minutes", inMinutes(60), 30_000],
		["due in 45 minutes", inMinutes(45), 15_000],
		["due in 35 minutes", inMinutes(35), 5_000],
		["due in 34 minutes", inMinutes(34), 0],
		["due in 10 minutes", inMinutes(10), 0],
		["already past due", inMinutes(-5), 0],
	])("%s", (_label, due, expected) => {
		expect(budgetMs(NOW, due, DEFAULT_BUDGET)).toBe(expected);
	});

	it("takes overrides", () => {
		expect(budgetMs(NOW, null, { maxMs: 2_000, minUsefulMs: 1_000 })).toBe(2_000);
		expect(budgetMs(NOW, null, { maxMs: 2_000, minUsefulMs: 3_000 })).toBe(0);
	});
});

describe("TimeBudget", () => {
	it("sizes each request to what is left", () => {
		const big = new TimeBudget(60_000);
		expect(big.requestSettings()).toEqual({ timeout: 45_000, maxRetries: 3 });
		big.dispose();
		const small = new TimeBudget(6_000);
		expect(small.requestSettings()).toEqual({ timeout: 6_000, maxRetries: 1 });
		small.dispose();
		const none = new TimeBudget(0);
		expect(none.exhausted).toBe(true);
		expect(none.signal.aborted).toBe(true);
		expect(none.requestSettings().maxRetries).toBe(0);
	});

	it("aborts its signal when the time is up", async () => {
		const budget = new TimeBudget(50);
		expect(budget.exhausted).toBe(false);
		await new Promise<void>((resolve) => budget.signal.addEventListener("abort", () => resolve()));
		expect(budget.signal.reason).toBeInstanceOf(BudgetExhaustedError);
		expect(budget.exhausted).toBe(true);
		expect(budget.remainingMs()).toBe(0);
	});
});

describe("pricing", () => {
	it("has a price for the default model", () => {
		expect(PRICES[DEFAULT_MODEL]).toBeDefined();
	});

	it.each([
		["claude-sonnet-5-5", { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, 2],
		["claude-sonnet-5-5", { inputTokens: 0, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 }, 10],
		["claude-sonnet-5-5", { inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000, cacheWriteTokens: 0 }, 0.1],
		["claude-sonnet-5-5", { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 1_000_000 }, 2.5],
		[
			"claude-opus-5-5",
			{ inputTokens: 3_000, outputTokens: 1_500, cacheReadTokens: 2_500, cacheWriteTokens: 0 },
			0.0425,
		],
		// A typical dispute on the default model: 3k fresh input, 2.5k cached instructions read, 2k output.
		[
			"claude-sonnet-5-5",
			{ inputTokens: 3_000, outputTokens: 2_000, cacheReadTokens: 2_500, cacheWriteTokens: 0 },
			0.02625,
		],
		["claude-haiku-5-5", { inputTokens: 10_000, outputTokens: 1_000, cacheReadTokens: 0, cacheWriteTokens: 0 }, 0.0015],
		// Over 100k prompt tokens, every token of the request is billed at Haiku 5.5's long-prompt rates.
		[
			"claude-haiku-5-5",
			{ inputTokens: 100_001, outputTokens: 1_000, cacheReadTokens: 0, cacheWriteTokens: 0 },
			0.0525,
		],
	])("%s %o costs $%d", (model, tokens, usd) => {
		expect(callCostUsd(model, tokens)).toBeCloseTo(usd, 5);
	});

	it("reports null, not a guess, for a model it has no price for", () => {
		expect(
			callCostUsd("claude-future-9", { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }),
		).toBeNull();
	});

	it("adds calls up", () => {
		const t = { inputTokens: 1_000, outputTokens: 500, cacheReadTokens: 200, cacheWriteTokens: 100 };
		const two = addCall(addCall(null, "claude-sonnet-5-5", t), "claude-sonnet-5-5", t);
		expect(two).toEqual({
			inputTokens: 2_000,
			outputTokens: 1_000,
			cacheReadTokens: 400,
			cacheWriteTokens: 200,
			costUsd: 2 * callCostUsd("claude-sonnet-5-5", t)!,
			model: "claude-sonnet-5-5",
			calls: 2,
		});
		expect(addCall(null, "claude-future-9", t).costUsd).toBeNull();
	});
});
