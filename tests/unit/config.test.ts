import { describe, expect, it } from "vitest";
import {
	allConfigSchema,
	CONFIG_NAMES,
	dashboardConfigSchema,
	intakeConfigSchema,
	notifyConfigSchema,
	parseConfig,
	pipelineConfigSchema,
	SECRET_NAMES,
} from "../../lib/config";
import { ConfigError } from "../../lib/errors";
import { resolveLocalConfig, WORKER_CONFIG_NAMES, workerBindings } from "../../local/env";

// The configuration table (lib/config/variables.ts) is the one place a Worker variable is named; these tests hold
// the derived lists to it.

const LATE_ADDITIONS = {
	PDF_MAX_PAGES: "6",
	PDF_MAX_BYTES: "1500000",
	EFW_REFUND_MAX_AMOUNT: "2500",
	DISPUTE_ACCEPT_WEAK: "true",
};

/** Read by the pipeline (and the dashboard's actions) since fight-or-accept and appeals. */
const DECISION_VARIABLES = ["FIGHT_POLICY", "FIGHT_FEES", "APPEAL_FEES", "APPEAL_AUTO_MAX_FEE"];

describe("the configuration table", () => {
	it("is what the local runner passes through to the Worker", () => {
		expect([...WORKER_CONFIG_NAMES].sort()).toEqual(Object.keys(allConfigSchema.shape).sort());
		expect(WORKER_CONFIG_NAMES).toEqual(expect.arrayContaining(Object.keys(LATE_ADDITIONS)));
	});

	it("gives each function the schema of what it reads, as before the table", () => {
		expect(Object.keys(intakeConfigSchema.shape)).toEqual(["STRIPE_WEBHOOK_SECRET"]);
		expect(Object.keys(notifyConfigSchema.shape).sort()).toEqual(["NOTIFY_WEBHOOK_URL", "QUEUE_RETRY_BASE_SECONDS"]);
		const pipeline = Object.keys(pipelineConfigSchema.shape);
		expect(pipeline).not.toContain("DASHBOARD_TOKEN");
		expect(pipeline).not.toContain("STRIPE_WEBHOOK_SECRET");
		expect(pipeline).toEqual(
			expect.arrayContaining([
				"STRIPE_SECRET_KEY",
				"DATABASE_URL",
				...Object.keys(LATE_ADDITIONS),
				...DECISION_VARIABLES,
			]),
		);
		for (const name of DECISION_VARIABLES) {
			expect(Object.keys(intakeConfigSchema.shape)).not.toContain(name);
			expect(Object.keys(notifyConfigSchema.shape)).not.toContain(name);
		}
		expect(Object.keys(dashboardConfigSchema.shape).sort()).toEqual([...pipeline, "DASHBOARD_TOKEN"].sort());
		// The doctor's schema holds them all, in the table's order.
		expect(Object.keys(allConfigSchema.shape)).toEqual(CONFIG_NAMES);
	});

	it("marks the secrets", () => {
		expect([...SECRET_NAMES].sort()).toEqual([
			"ANTHROPIC_API_KEY",
			"DASHBOARD_TOKEN",
			"DATABASE_URL",
			"NOTIFY_WEBHOOK_URL",
			"STRIPE_SECRET_KEY",
			"STRIPE_WEBHOOK_SECRET",
		]);
	});
});

describe("local runner pass-through", () => {
	it("hands PDF_MAX_PAGES, PDF_MAX_BYTES, EFW_REFUND_MAX_AMOUNT and DISPUTE_ACCEPT_WEAK from the environment to the Worker", () => {
		const previous = Object.fromEntries(Object.keys(LATE_ADDITIONS).map((name) => [name, process.env[name]]));
		Object.assign(process.env, LATE_ADDITIONS, { PORT: "8899" });
		try {
			const { env, devVarNames } = resolveLocalConfig({ devVarsPath: false });
			const bindings = workerBindings(env, devVarNames);
			expect(bindings).toMatchObject(LATE_ADDITIONS);
			// The local runner's own PORT is not a Worker variable.
			expect(bindings.PORT).toBeUndefined();
			// What the Worker then parses: the values take effect.
			const config = parseConfig(pipelineConfigSchema, {
				...bindings,
				STRIPE_SECRET_KEY: "sk_test_x",
				DATABASE_URL: "postgres://localhost/db",
			});
			expect(config).toMatchObject({
				PDF_MAX_PAGES: 6,
				PDF_MAX_BYTES: 1_500_000,
				EFW_REFUND_MAX_AMOUNT: 2500,
				DISPUTE_ACCEPT_WEAK: true,
			});
		} finally {
			for (const [name, value] of Object.entries({ ...previous, PORT: undefined })) {
				if (value === undefined) delete process.env[name];
				else process.env[name] = value;
			}
		}
	});
});

describe("DATABASE_URL", () => {
	const base = { STRIPE_SECRET_KEY: "sk_test_x" };

	it.each([
		["a slash", "postgres://app:pa/ss9Secret@db.example.com:5432/shop"],
		["a hash", "postgres://app:pa#ss9Secret@db.example.com:5432/shop"],
		["a question mark", "postgres://app:pa?ss9Secret@db.example.com:5432/shop"],
	])("with %s in the password says to percent-encode it, without the password", (_, url) => {
		const attempt = () => parseConfig(pipelineConfigSchema, { ...base, DATABASE_URL: url });
		expect(attempt).toThrow(ConfigError);
		expect(attempt).toThrow(/DATABASE_URL is not a valid URL: percent-encode .*\/ as %2F, # as %23/);
		expect(attempt).not.toThrow(/ss9Secret/);
	});

	it("accepts the percent-encoded password", () => {
		const url = "postgres://app:pa%2Fss%239@db.example.com:5432/shop?sslmode=require";
		expect(parseConfig(pipelineConfigSchema, { ...base, DATABASE_URL: url }).DATABASE_URL).toBe(url);
	});

	it("still names the scheme first for something that is no connection string", () => {
		expect(() => parseConfig(pipelineConfigSchema, { ...base, DATABASE_URL: "mysql://x" })).toThrow(
			/^invalid configuration: DATABASE_URL must be a postgres:\/\/ connection string$/,
		);
	});
});
