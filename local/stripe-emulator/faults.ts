import { invalidRequest } from "./errors";

export interface FaultRule {
	method?: string;
	/** A regular expression matched against the request path (without query). */
	path?: string;
	/** Answer with this status instead of handling the request. Omit for a latency-only rule. */
	status?: 500 | 429 | 502 | 503;
	/** How many requests the rule applies to; unlimited when absent. */
	count?: number;
	/** Chance (0..1) that a matching request is hit; 1 when absent. */
	probability?: number;
	/** Delay before answering (or before the status/drop). */
	latencyMs?: number;
	/** Destroy the socket without answering. */
	drop?: true;
	/**
	 * `before` (default): the fault replaces the request, which has no effect.
	 * `after`: the request takes effect (and is saved for idempotent replay), then the response is lost.
	 */
	phase?: "before" | "after";
}

interface ActiveRule extends FaultRule {
	pattern: RegExp | null;
	remaining: number;
}

export interface FaultHit {
	status?: number;
	latencyMs: number;
	drop: boolean;
	phase: "before" | "after";
	label: string;
}

export class Faults {
	private rules: ActiveRule[] = [];

	add(input: unknown): number {
		const list = Array.isArray(input) ? input : [input];
		for (const raw of list) {
			const rule = raw as FaultRule;
			if (typeof rule !== "object" || rule === null) throw invalidRequest("A fault rule must be an object");
			if (rule.status !== undefined && ![500, 429, 502, 503].includes(rule.status)) {
				throw invalidRequest("Fault status must be one of 500, 429, 502, 503", "status");
			}
			if (rule.status === undefined && !rule.drop && !rule.latencyMs) {
				throw invalidRequest("A fault rule needs a status, drop or latencyMs");
			}
			this.rules.push({
				...rule,
				pattern: rule.path ? new RegExp(rule.path) : null,
				remaining: rule.count ?? Number.POSITIVE_INFINITY,
			});
		}
		return this.rules.length;
	}

	clear(): void {
		this.rules = [];
	}

	/** The first rule matching this request, consuming one of its `count`. */
	match(method: string, path: string): FaultHit | null {
		for (const rule of this.rules) {
			if (rule.remaining <= 0) continue;
			if (rule.method && rule.method.toUpperCase() !== method) continue;
			if (rule.pattern && !rule.pattern.test(path)) continue;
			if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
			rule.remaining -= 1;
			const label = rule.drop ? "drop" : rule.status ? String(rule.status) : `latency ${rule.latencyMs}ms`;
			return {
				status: rule.status,
				latencyMs: rule.latencyMs ?? 0,
				drop: rule.drop === true,
				phase: rule.phase ?? "before",
				label,
			};
		}
		return null;
	}
}

export class RateLimiter {
	private all: number[] = [];
	private files: number[] = [];

	constructor(private readonly limits: { perSecond: number; filesPerSecond: number }) {}

	/** Sliding one-second windows; true when the request is admitted (and counted). */
	admit(isFileUpload: boolean): boolean {
		const t = performance.now();
		this.all = this.all.filter((x) => t - x < 1000);
		this.files = this.files.filter((x) => t - x < 1000);
		if (this.all.length >= this.limits.perSecond) return false;
		if (isFileUpload && this.files.length >= this.limits.filesPerSecond) return false;
		this.all.push(t);
		if (isFileUpload) this.files.push(t);
		return true;
	}

	reset(): void {
		this.all = [];
		this.files = [];
	}
}
