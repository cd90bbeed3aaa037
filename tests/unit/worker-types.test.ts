import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../local/env";
import { compareWorkerTypes, WORKER_TYPES_FILE, workerTypesDrift } from "../../local/worker-types";

// The generated binding types (`npm run types`) cannot drift from wrangler.toml: this runs wrangler types as the
// script does and compares with the committed file.

const committed = readFileSync(join(PROJECT_ROOT, WORKER_TYPES_FILE), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "rebuttal-types-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("worker-configuration.d.ts", () => {
	it("is what npm run types writes for wrangler.toml", { timeout: 120_000 }, async () => {
		expect(await workerTypesDrift()).toBeNull();
	});

	it("is reported out of date when wrangler.toml changes", { timeout: 120_000 }, async () => {
		const config = readFileSync(join(PROJECT_ROOT, "wrangler.toml"), "utf8")
			.replace(/^main = .*$/m, `main = ${JSON.stringify(join(PROJECT_ROOT, "functions/index.ts"))}`)
			.replace('SUBMIT_MODE = "auto"', 'SUBMIT_MODE = "review"');
		const configPath = join(scratch, "wrangler.toml");
		writeFileSync(configPath, config);
		expect(await workerTypesDrift({ configPath })).toMatch(
			/^worker-configuration\.d\.ts is out of date \(line \d+: expected `SUBMIT_MODE: "review";`, found `SUBMIT_MODE: "auto";`\): run `npm run types`/,
		);
	});

	it("is reported out of date when edited by hand, header and output path aside", () => {
		expect(compareWorkerTypes(committed, committed)).toBeNull();
		const moved = committed
			.replace(/\(hash: \w+\)/, "(hash: 0000)")
			.replace('typeof import("./functions/index")', 'typeof import("../../elsewhere/functions/index")')
			.replace(
				'import("./functions/index").StripeRateLimiter',
				'import("../../elsewhere/functions/index").StripeRateLimiter',
			);
		expect(moved).toContain('import("../../elsewhere/functions/index").StripeRateLimiter');
		expect(compareWorkerTypes(committed, moved)).toBeNull();
		const renamed = committed.replace(").StripeRateLimiter>", ").OtherLimiter>");
		expect(compareWorkerTypes(committed, renamed)).toMatch(/out of date \(line \d+: expected `STRIPE_RATE_LIMITER: /);
		const edited = committed.replace("NOTIFY_QUEUE: Queue;", "NOTIFY_QUEUE: Queue<string>;");
		expect(edited).not.toBe(committed);
		expect(compareWorkerTypes(committed, edited)).toMatch(
			/out of date \(line \d+: expected `NOTIFY_QUEUE: Queue;`, found `NOTIFY_QUEUE: Queue<string>;`\)/,
		);
	});
});
