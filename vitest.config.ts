import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Three kinds of tests, one command (`vitest run`):
// - unit: logic in Node, against a real Postgres (DATABASE_URL) or embedded PGlite;
// - workers: the Worker's handlers inside real workerd, with the bindings of wrangler.toml;
// - e2e: the whole local emulation (Miniflare, queues, R2, Stripe emulator, Postgres) driven over HTTP.
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: "unit",
					include: ["tests/unit/**/*.test.ts"],
					environment: "node",
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: {
								STRIPE_SECRET_KEY: "sk_test_workers",
								STRIPE_WEBHOOK_SECRET: "whsec_workers_test_secret",
								DATABASE_URL: "postgres://nobody@127.0.0.1:9/none",
								DASHBOARD_TOKEN: "workers-test-dashboard-token",
							},
						},
					}),
				],
				test: {
					name: "workers",
					include: ["tests/workers/**/*.test.ts"],
				},
			},
			{
				test: {
					name: "e2e",
					include: ["tests/e2e/**/*.test.ts"],
					environment: "node",
					testTimeout: 120_000,
					hookTimeout: 180_000,
					fileParallelism: false,
				},
			},
			{
				// Fault proof and hostile input through the whole local stack; CHAOS_DISPUTES sets the size
				// (small here, larger in `npm run test:chaos`).
				test: {
					name: "chaos",
					include: ["tests/chaos/**/*.test.ts"],
					environment: "node",
					testTimeout: 1_200_000,
					hookTimeout: 300_000,
					fileParallelism: false,
				},
			},
			{
				// The dashboard in Debian's Chromium (playwright-core, no browser download) against the whole local stack.
				test: {
					name: "browser",
					include: ["tests/browser/**/*.test.ts"],
					environment: "node",
					testTimeout: 180_000,
					hookTimeout: 240_000,
					fileParallelism: false,
				},
			},
		],
	},
});
