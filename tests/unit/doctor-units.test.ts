import { getTableConfig } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { accountIndexes, PROBE_ACCOUNT_ID, scansOf } from "../../local/doctor/checks/activity-index";
import { checkConfig } from "../../local/doctor/checks/config";
import { CONTRACT_COLUMNS, castHint, isCompatible } from "../../local/doctor/checks/merchant-schema";
import { POLICY_COLUMNS } from "../../local/doctor/checks/policies-schema";
import { checkStripeMode, checkWebhookSecret, isLocalBase } from "../../local/doctor/checks/stripe";
import { doctorEnv, parseArgs } from "../../local/doctor/cli";
import { describeDatabaseUrl, maskedPrefix, maskUrl, redact } from "../../local/doctor/redact";
import { exitCode, formatJson, formatText } from "../../local/doctor/report";
import { fail, pass, warn } from "../../local/doctor/types";
import { accounts, activity, artifacts, policies } from "../../schema";

const GOOD = {
	STRIPE_SECRET_KEY: "sk_test_UnitSecret123",
	STRIPE_WEBHOOK_SECRET: "whsec_UnitWebhookSecret0123456789abcd",
	DATABASE_URL: "postgres://app:UnitDbPassword@db.example.com:6543/shop?sslmode=require",
	DASHBOARD_TOKEN: "unit-dashboard-token-123456",
};

describe("doctor: redaction", () => {
	it("masks keys to their prefix and drops connection-string credentials", () => {
		expect(maskedPrefix("sk_live_abc")).toBe("sk_live_…");
		expect(maskedPrefix("rk_test_abc")).toBe("rk_test_…");
		expect(maskedPrefix("whsec_abc")).toBe("whsec_…");
		expect(maskedPrefix("something")).toBe("…");
		expect(describeDatabaseUrl(GOOD.DATABASE_URL)).toBe("db.example.com:6543/shop");
		const text = redact(
			`key ${GOOD.STRIPE_SECRET_KEY} or sk_live_Other*****1234, secret whsec_xyz, url postgres://u:p@h/d, token ${GOOD.DASHBOARD_TOKEN}`,
			[GOOD.DASHBOARD_TOKEN],
		);
		expect(text).toBe("key sk_test_… or sk_live_…, secret whsec_…, url postgres://…@h/d, token [redacted]");
	});

	it("masks the credentials, query values and fragment of a URL of any scheme", () => {
		expect(maskUrl("https://proxy.example.com/v1")).toBe("https://proxy.example.com/v1");
		expect(maskUrl("https://user:Pa55@proxy.example.com/v1?key=QK1&x-api-key=QK2#tok=QK3")).toBe(
			"https://…@proxy.example.com/v1?key=…&x-api-key=…#…",
		);
		// A password with an unencoded /, # or @ loses all of itself, not just the part before the character.
		expect(maskUrl("postgres://app:pa/ss@h:5432/d")).toBe("postgres://…@h:5432/d");
		expect(maskUrl("postgres://app:pa#ss@h:5432/d")).toBe("postgres://…@h:5432/d");
		expect(maskUrl("postgres://app:p@ss@h:5432/d?sslmode=require")).toBe("postgres://…@h:5432/d?sslmode=…");
		expect(redact("fetch http://u:Pw1@127.0.0.1:9/v1?api_key=QK4 failed (ECONNREFUSED)", [])).toBe(
			"fetch http://…@127.0.0.1:9/v1?api_key=… failed (ECONNREFUSED)",
		);
	});
});

describe("doctor: configuration with the Worker's validators", () => {
	it("passes a complete configuration and never puts a value in a message", () => {
		const { results, config } = checkConfig(GOOD);
		expect(results.filter((r) => r.status !== "pass")).toEqual([]);
		expect(config.databaseUrl).toBe(GOOD.DATABASE_URL);
		const text = JSON.stringify(results);
		for (const value of Object.values(GOOD)) expect(text).not.toContain(value);
		expect(text).not.toContain("UnitDbPassword");
	});

	it.each([
		["STRIPE_SECRET_KEY", undefined, /is not set/],
		["STRIPE_SECRET_KEY", "sk_test_has-dash", /must look like/],
		["STRIPE_SECRET_KEY", " sk_test_abc", /whitespace/],
		["STRIPE_WEBHOOK_SECRET", "wh_abc", /must look like whsec_/],
		["DATABASE_URL", "mysql://x", /postgres:\/\//],
		["DASHBOARD_TOKEN", "fifteen-chars-x", /at least 16/],
		["SUBMIT_MODE", "manual", /auto or review/],
		["STRIPE_API_BASE", "ftp://x", /http or https URL/],
		["QUEUE_RETRY_BASE_SECONDS", "-1", /QUEUE_RETRY_BASE_SECONDS/],
		["PDF_MAX_PAGES", "-7", /PDF_MAX_PAGES must be at least 4/],
		["PDF_MAX_BYTES", "5000000", /PDF_MAX_BYTES must be at most 4500000/],
		["EFW_REFUND_MAX_AMOUNT", "12.5", /EFW_REFUND_MAX_AMOUNT must be an integer/],
		["DISPUTE_ACCEPT_WEAK", "yes", /DISPUTE_ACCEPT_WEAK must be true or false/],
		["DATABASE_URL", "postgres://app:pa/ss7Secret@db.example.com:5432/shop", /percent-encode .*\/ as %2F/],
		["DATABASE_URL", "postgres://app:pa#ss7Secret@db.example.com:5432/shop", /percent-encode .*# as %23/],
	])("fails %s = %j with a fix", (name, value, pattern) => {
		const { results, config } = checkConfig({ ...GOOD, [name]: value });
		const failed = results.filter((r) => r.status === "fail");
		expect(failed.map((r) => r.id)).toEqual([`config.${name}`]);
		expect(failed[0]!.message).toMatch(pattern);
		expect(failed[0]!.fix).toBeTruthy();
		if (value) expect(JSON.stringify(results)).not.toContain(value.trim());
		if (name === "STRIPE_SECRET_KEY") expect(config.stripeSecretKey).toBeUndefined();
		if (name === "DATABASE_URL") {
			expect(config.databaseUrl).toBeUndefined();
			expect(JSON.stringify(results)).not.toContain("ss7Secret");
		}
	});

	it("validates every Worker variable read from the environment or the env file", () => {
		const bad = { PDF_MAX_PAGES: "3", PDF_MAX_BYTES: "1", EFW_REFUND_MAX_AMOUNT: "0", DISPUTE_ACCEPT_WEAK: "maybe" };
		const { results } = checkConfig(doctorEnv({ ...GOOD, ...bad }, false));
		const failed = results.filter((r) => r.status === "fail");
		expect(failed.map((r) => r.id).sort()).toEqual(
			Object.keys(bad)
				.map((name) => `config.${name}`)
				.sort(),
		);
		for (const result of failed) expect(result.fix).toMatch(/^Set \w+ as the README's configuration table says/);
		const good = { PDF_MAX_PAGES: "12", PDF_MAX_BYTES: "3000000", EFW_REFUND_MAX_AMOUNT: "2500" };
		const lines = checkConfig(doctorEnv({ ...GOOD, ...good }, false)).results;
		expect(lines.find((r) => r.id === "config.PDF_MAX_PAGES")).toMatchObject({
			status: "pass",
			message: "PDF_MAX_PAGES is 12",
		});
	});

	it("prints URLs without their credentials or query keys", () => {
		const urls = {
			ANTHROPIC_BASE_URL: "https://proxy-user:AnthPass1@llm-proxy.example.com/v1?key=AnthQueryKey1",
			DATABASE_WS_PROXY: "http://ws-user:WsPass2@127.0.0.1:4444/?token=WsQueryKey2",
			STRIPE_API_BASE: "https://stripe-user:StripePass3@stripe-proxy.example.com?api_key=StripeQueryKey3",
			NOTIFY_WEBHOOK_URL: "https://hooks.example.com/services/T0/B0/NotifySecretPath4",
		};
		const { results } = checkConfig({ ...GOOD, ...urls });
		expect(results.filter((r) => r.status !== "pass")).toEqual([]);
		const text = JSON.stringify(results);
		for (const secret of ["AnthPass1", "AnthQueryKey1", "WsPass2", "WsQueryKey2", "StripePass3", "StripeQueryKey3"])
			expect(text).not.toContain(secret);
		expect(text).not.toContain("NotifySecretPath4");
		const message = (name: string) => results.find((r) => r.id === `config.${name}`)?.message;
		expect(message("ANTHROPIC_BASE_URL")).toBe("ANTHROPIC_BASE_URL is https://…@llm-proxy.example.com/v1?key=…");
		expect(message("DATABASE_WS_PROXY")).toBe("DATABASE_WS_PROXY is http://…@127.0.0.1:4444/?token=…");
		expect(message("STRIPE_API_BASE")).toBe("STRIPE_API_BASE is https://…@stripe-proxy.example.com?api_key=…");
		expect(message("NOTIFY_WEBHOOK_URL")).toBe("NOTIFY_WEBHOOK_URL is set");
	});
});

describe("doctor: contract columns", () => {
	it("lists exactly the columns of the Drizzle schema's merchant tables", () => {
		for (const [name, table] of [
			["accounts", accounts],
			["activity", activity],
			["artifacts", artifacts],
		] as const) {
			const drizzleColumns = getTableConfig(table).columns.map((c) => c.name);
			expect(CONTRACT_COLUMNS[name].map(([c]) => c).sort()).toEqual(drizzleColumns.sort());
		}
		// The optional rebuttal.policies: the doctor checks exactly the columns the migration creates.
		expect(POLICY_COLUMNS.map(([c]) => c).sort()).toEqual(
			getTableConfig(policies)
				.columns.map((c) => c.name)
				.sort(),
		);
	});

	it.each([
		["text", "text", true],
		["text", "character varying(255)", true],
		["text", "citext", true],
		["text", "uuid", false],
		["text", "bigint", false],
		["text", "character(2)", false],
		["timestamptz", "timestamp with time zone", true],
		["timestamptz", "timestamp(3) with time zone", true],
		["timestamptz", "timestamp without time zone", false],
		["timestamptz", "date", false],
		["bigint", "integer", true],
		["bigint", "numeric", false],
		["jsonb", "jsonb", true],
		["jsonb", "json", false],
	] as const)("%s accepts %s: %s", (family, type, ok) => {
		expect(isCompatible(family, type)).toBe(ok);
	});

	it("suggests the cast that fixes a type", () => {
		expect(castHint("created_at", "timestamptz", "timestamp without time zone")).toBe(
			"your_column AT TIME ZONE 'UTC' AS created_at",
		);
		expect(castHint("created_at", "timestamptz", "bigint")).toBe("to_timestamp(your_column) AS created_at");
		expect(castHint("id", "text", "uuid")).toBe("your_column::text AS id");
		expect(castHint("detail", "jsonb", "json")).toBe("your_column::jsonb AS detail");
	});
});

describe("doctor: activity index from a plan", () => {
	it("counts an index only when its condition carries the account id", () => {
		const plan = {
			"Node Type": "Aggregate",
			Plans: [
				{
					"Node Type": "Index Scan",
					"Relation Name": "events",
					Schema: "app",
					"Index Name": "events_user_created_idx",
					"Index Cond": "(created_at >= (now() - '2 years'::interval))",
				},
			],
		};
		expect(accountIndexes(scansOf(plan))).toEqual([]);
		plan.Plans[0]!["Index Cond"] = `(((user_id)::text = '${PROBE_ACCOUNT_ID}'::text) AND (created_at >= now()))`;
		expect(accountIndexes(scansOf(plan))).toEqual(["events_user_created_idx"]);
		expect(scansOf({ "Node Type": "Seq Scan", "Relation Name": "events", Schema: "app" }).seqScans).toEqual([
			"app.events",
		]);
	});
});

describe("doctor: Stripe mode and webhook secret", () => {
	it("tells the emulator from Stripe", () => {
		expect(isLocalBase(undefined)).toBe(false);
		expect(isLocalBase("https://api.stripe.com")).toBe(false);
		expect(isLocalBase("http://127.0.0.1:12111")).toBe(true);
	});

	it("warns on a live key against a local base, fails a mode other than expected", () => {
		expect(checkStripeMode("sk_live_x", "http://127.0.0.1:1").status).toBe("warn");
		expect(checkStripeMode("sk_live_x", undefined).status).toBe("pass");
		expect(checkStripeMode("sk_test_x", "http://127.0.0.1:1").status).toBe("pass");
		expect(checkStripeMode("sk_test_local_rebuttal_emulator", undefined).status).toBe("warn");
		expect(checkStripeMode("sk_test_x", undefined, "live")).toMatchObject({ status: "fail", fix: /sk_live_/ });
	});

	it("fails the emulator's webhook secret against Stripe and warns on a truncated one", () => {
		expect(checkWebhookSecret("whsec_local_rebuttal_emulator", undefined).status).toBe("fail");
		expect(checkWebhookSecret("whsec_local_rebuttal_emulator", "http://127.0.0.1:1").status).toBe("pass");
		expect(checkWebhookSecret("whsec_short", undefined).status).toBe("warn");
		expect(checkWebhookSecret(GOOD.STRIPE_WEBHOOK_SECRET, undefined).status).toBe("pass");
	});
});

describe("doctor: report and arguments", () => {
	const results = [pass("a.one", "fine"), warn("b.two", "hmm", "do this"), fail("c.three", "broken", "do that")];

	it("prints one line per check, a fix under each problem and a summary line", () => {
		const text = formatText(results);
		expect(text.split("\n")).toEqual([
			"PASS  a.one    fine",
			"WARN  b.two    hmm",
			"               fix: do this",
			"FAIL  c.three  broken",
			"               fix: do that",
			"",
			"1 passed, 1 warnings, 1 failed, 0 skipped",
			"",
		]);
		expect(JSON.parse(formatJson(results))).toEqual({
			ok: false,
			summary: { pass: 1, warn: 1, fail: 1, skip: 0 },
			checks: results,
		});
	});

	it("exits 1 on a failure, and on a warning only when strict", () => {
		expect(exitCode(results)).toBe(1);
		expect(exitCode(results.slice(0, 2))).toBe(0);
		expect(exitCode(results.slice(0, 2), true)).toBe(1);
	});

	it("parses its flags", () => {
		expect(parseArgs(["--json", "--expect-mode=live", "--env-file", "x.vars"])).toMatchObject({
			json: true,
			expectMode: "live",
			envFile: "x.vars",
		});
		expect(parseArgs(["--no-env-file"])).toMatchObject({ envFile: false });
		expect(parseArgs(["--expect-mode", "prod"])).toMatch(/live or test/);
		expect(parseArgs(["--nope"])).toMatch(/unknown argument/);
	});
});
