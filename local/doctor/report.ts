import type { CheckResult, CheckStatus } from "./types";

export type Summary = Record<CheckStatus, number>;

export function summarise(results: readonly CheckResult[]): Summary {
	const summary: Summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
	for (const r of results) summary[r.status] += 1;
	return summary;
}

/** 1 when anything failed (or, with `strict`, warned); 0 otherwise. */
export function exitCode(results: readonly CheckResult[], strict = false): number {
	return results.some((r) => r.status === "fail" || (strict && r.status === "warn")) ? 1 : 0;
}

/** One line per check, `STATUS  id  message`, then an indented `fix:` line for failures and warnings. */
export function formatText(results: readonly CheckResult[]): string {
	const width = Math.max(...results.map((r) => r.id.length), 0);
	const lines: string[] = [];
	for (const r of results) {
		lines.push(`${r.status.toUpperCase().padEnd(4)}  ${r.id.padEnd(width)}  ${r.message}`);
		if (r.fix && r.status !== "pass") lines.push(`${" ".repeat(width + 8)}fix: ${r.fix}`);
	}
	const s = summarise(results);
	lines.push("");
	lines.push(`${s.pass} passed, ${s.warn} warnings, ${s.fail} failed, ${s.skip} skipped`);
	return `${lines.join("\n")}\n`;
}

/** `{ ok, summary, checks }` for programs and coding agents. */
export function formatJson(results: readonly CheckResult[], strict = false): string {
	return `${JSON.stringify({ ok: exitCode(results, strict) === 0, summary: summarise(results), checks: results }, null, 2)}\n`;
}
