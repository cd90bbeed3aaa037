import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_NAMES } from "../../lib/config";
import { main } from "../../local/doctor/cli";
import { formatText } from "../../local/doctor/report";
import type { CheckResult } from "../../local/doctor/types";
import { startEmbeddedPostgres } from "../../local/embedded-postgres";
import { applyMigrations } from "../../local/migrations";
import { type StripeEmulator, startStripeEmulator } from "../../local/stripe-emulator";

// Doctor end to end: a real Postgres (DATABASE_URL's server when set, else embedded PGlite behind its socket),
// the Stripe emulator, and the same entry point as `npm run doctor --json`.

const SECRETS = {
	STRIPE_SECRET_KEY: "sk_test_DoctorSecretValue4f2a9c",
	STRIPE_WEBHOOK_SECRET: "whsec_DoctorWebhookSecret0123456789abcdef",
	DASHBOARD_TOKEN: "doctor-dashboard-token-7b1e0c55",
	DB_PASSWORD: "DoctorDbPassw0rd9",
};

interface Database {
	url: string;
	exec(sql: string): Promise<void>;
	close(): Promise<void>;
}

/** A blank database (no migrations) of its own, with a password in its URL that doctor must never print. */
async function blankDatabase(): Promise<Database> {
	const server = process.env.DATABASE_URL;
	let url: string;
	let dispose: () => Promise<void>;
	if (server) {
		const name = `rebuttal_doctor_${randomBytes(6).toString("hex")}`;
		const admin = new pg.Client({ connectionString: server });
		await admin.connect();
		await admin.query(`create database ${name}`);
		await admin.end();
		const u = new URL(server);
		u.pathname = `/${name}`;
		url = u.toString();
		dispose = async () => {
			const cleanup = new pg.Client({ connectionString: server });
			await cleanup.connect();
			await cleanup.query(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		};
	} else {
		const embedded = await startEmbeddedPostgres();
		url = embedded.url;
		dispose = () => embedded.close();
	}
	const withPassword = new URL(url);
	withPassword.password = SECRETS.DB_PASSWORD;
	const pool = new pg.Pool({ connectionString: url, max: 1 });
	return {
		url: withPassword.toString(),
		exec: async (sql) => {
			await pool.query(sql);
		},
		close: async () => {
			await pool.end();
			await dispose();
		},
	};
}

// rebuttal's own tables, seeded: three accounts matched by customer id, customer email and metadata.account_id.
const SEED_TABLES = `
	insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at) values
		('u1', 'ada@example.com', 'Ada', 'cus_ada', now() - interval '90 days'),
		('u2', 'Bob@Example.com', 'Bob', null, now() - interval '60 days'),
		('u3', 'cy@example.com', 'Cy', null, now() - interval '30 days');
	insert into rebuttal.activity (account_id, occurred_at, kind, ip, detail)
		select 'u' || (g % 3 + 1), now() - make_interval(hours => g), 'login', '203.0.113.7', '{"page":"/"}'::jsonb
		from generate_series(1, 300) g;
	insert into rebuttal.artifacts (id, account_id, created_at, title, content_type, location) values
		('a1', 'u1', now(), 'Poster', 'image/png', 'r2:artifacts/a1.png'),
		('a2', 'u2', now(), null, 'image/jpeg', 'https://cdn.example.com/a2.jpg');`;

// The merchant's own tables (a users table with a Stripe column, an events table with jsonb, uploads in R2).
const MERCHANT_TABLES = `
	create schema app;
	create table app.users (
		id bigint primary key, email text not null, full_name text, stripe_customer_id text unique,
		created_at timestamptz not null, signup_ip inet, country char(2), email_confirmed_at timestamptz,
		tos_accepted_at timestamptz, tos_version text);
	create table app.events (
		id bigint generated always as identity primary key, user_id bigint not null references app.users,
		type text not null, created_at timestamptz not null, payload jsonb);
	create table app.uploads (
		id uuid primary key, user_id bigint references app.users, created_at timestamptz, filename text,
		mime_type text, storage_key text);
	insert into app.users (id, email, full_name, stripe_customer_id, created_at, signup_ip, country) values
		(1, 'ada@example.com', 'Ada', 'cus_ada', now() - interval '90 days', '198.51.100.4', 'GB'),
		(2, 'Bob@Example.com', 'Bob', null, now() - interval '60 days', null, 'US'),
		(3, 'cy@example.com', 'Cy', null, now() - interval '30 days', null, null);
	insert into app.events (user_id, type, created_at, payload)
		select g % 3 + 1, 'login', now() - make_interval(hours => g), '{"ip":"203.0.113.7","device_id":"d1"}'::jsonb
		from generate_series(1, 300) g;
	insert into app.uploads values
		('00000000-0000-4000-8000-000000000001', 1, now(), 'Poster', 'image/png', 'artifacts/1.png');`;

const EXPRESSION_INDEX = "create index events_user_text_created_idx on app.events ((user_id::text), created_at);";

const accountsView = (overrides: { createdAt?: string; withCountry?: boolean } = {}) => `
	create view rebuttal.accounts as select
		id::text as id, email, full_name as name, stripe_customer_id,
		${overrides.createdAt ?? "created_at"} as created_at, host(signup_ip) as signup_ip,
		null::text as signup_user_agent,${overrides.withCountry === false ? "" : " country::text as country,"}
		email_confirmed_at as email_verified_at, tos_accepted_at as terms_accepted_at, tos_version as terms_version
	from app.users;`;
const OTHER_VIEWS = `
	create view rebuttal.activity as select
		id, user_id::text as account_id, created_at as occurred_at, type as kind, payload->>'ip' as ip,
		payload->>'user_agent' as user_agent, payload->>'device_id' as device_id, payload as detail
	from app.events;
	create view rebuttal.artifacts as select
		id::text as id, user_id::text as account_id, created_at, filename as title, mime_type as content_type,
		'r2:' || storage_key as location
	from app.uploads;`;
const DROP_MERCHANT_TABLES = "drop table rebuttal.artifacts, rebuttal.activity, rebuttal.accounts;";

/** Stripe data whose three disputes match accounts `ids` by customer id, customer email and metadata.account_id. */
function stripeSeed(ids: [string, string, string], emails = ["ada@example.com", "BOB@example.com"]) {
	return {
		customers: [
			{ id: "cus_ada", email: emails[0] },
			{ id: "cus_bob", email: emails[1] },
		],
		charges: [
			{ id: "ch_ada", customer: "cus_ada" },
			{ id: "ch_bob", customer: "cus_bob" },
			{ id: "ch_cy", metadata: { account_id: ids[2] } },
		],
		disputes: [
			{ id: "dp_ada", charge: "ch_ada", reason: "fraudulent" },
			{ id: "dp_bob", charge: "ch_bob", reason: "product_not_received" },
			{ id: "dp_cy", charge: "ch_cy", reason: "subscription_canceled" },
		],
	};
}

interface Scenario {
	name: string;
	/** SQL run on a blank database; `migrate` runs the migrations first. */
	migrate?: boolean;
	sql: string;
	stripe?: ReturnType<typeof stripeSeed>;
	/** Replaces variables of the correct configuration; undefined removes one. */
	env?: (ctx: { emulator: string; db: string; badStripe: string }) => Record<string, string | undefined>;
	args?: string[];
	exit: number;
	/** Exactly the checks expected to fail. */
	fails: string[];
	warns?: string[];
	/** A check whose fix must match. */
	fix?: [id: string, pattern: RegExp];
}

const MIGRATED_AND_SEEDED = { migrate: true, sql: SEED_TABLES, stripe: stripeSeed(["u1", "u2", "u3"]) };
const VIEWS = (accounts = accountsView(), index = EXPRESSION_INDEX) => ({
	migrate: true,
	sql: `${MERCHANT_TABLES}${index}${DROP_MERCHANT_TABLES}${accounts}${OTHER_VIEWS}`,
	stripe: stripeSeed(["1", "2", "3"]),
});

const scenarios: Scenario[] = [
	{ name: "a correct setup with rebuttal's own tables", ...MIGRATED_AND_SEEDED, exit: 0, fails: [] },
	{
		name: "the merchant's data exposed as views over their own tables",
		...VIEWS(),
		exit: 0,
		fails: [],
	},
	{
		name: "a missing variable",
		...MIGRATED_AND_SEEDED,
		env: () => ({ STRIPE_WEBHOOK_SECRET: undefined }),
		exit: 1,
		fails: ["config.STRIPE_WEBHOOK_SECRET"],
		fix: ["config.STRIPE_WEBHOOK_SECRET", /wrangler secret put STRIPE_WEBHOOK_SECRET/],
	},
	{
		name: "a dashboard token that is too short",
		...MIGRATED_AND_SEEDED,
		env: () => ({ DASHBOARD_TOKEN: "short" }),
		exit: 1,
		fails: ["config.DASHBOARD_TOKEN"],
		fix: ["config.DASHBOARD_TOKEN", /openssl rand -hex 24/],
	},
	{
		name: "a malformed Stripe key",
		...MIGRATED_AND_SEEDED,
		env: () => ({ STRIPE_SECRET_KEY: "pk_test_PublishableNotSecret123" }),
		exit: 1,
		fails: ["config.STRIPE_SECRET_KEY"],
		fix: ["config.STRIPE_SECRET_KEY", /Developers → API keys/],
	},
	{
		name: "a malformed SUBMIT_MODE",
		...MIGRATED_AND_SEEDED,
		env: () => ({ SUBMIT_MODE: "sometimes" }),
		exit: 1,
		fails: ["config.SUBMIT_MODE"],
		fix: ["config.SUBMIT_MODE", /auto or review/],
	},
	{
		name: "a missing table",
		migrate: true,
		sql: `${SEED_TABLES} drop table rebuttal.artifacts;`,
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 1,
		fails: ["schema.artifacts"],
		fix: ["schema.artifacts", /CREATE VIEW rebuttal\.artifacts/],
	},
	{
		name: "a missing view",
		migrate: true,
		sql: `${MERCHANT_TABLES}${EXPRESSION_INDEX}${DROP_MERCHANT_TABLES}${accountsView()}${OTHER_VIEWS} drop view rebuttal.activity;`,
		stripe: stripeSeed(["1", "2", "3"]),
		exit: 1,
		fails: ["schema.activity"],
		fix: ["schema.activity", /CREATE VIEW rebuttal\.activity/],
	},
	{
		name: "a column of the wrong type (timestamp without time zone)",
		...VIEWS(accountsView({ createdAt: "created_at::timestamp" })),
		exit: 1,
		fails: ["schema.accounts"],
		fix: ["schema.accounts", /AT TIME ZONE 'UTC' AS created_at/],
	},
	{
		name: "a missing column",
		...VIEWS(accountsView({ withCountry: false })),
		exit: 1,
		fails: ["schema.accounts"],
		fix: ["schema.accounts", /NULL::text AS country/],
	},
	{
		name: "a view whose activity index cannot serve the facts queries",
		...VIEWS(accountsView(), "create index events_user_created_idx on app.events (user_id, created_at);"),
		exit: 1,
		fails: ["db.activity_index"],
		fix: ["db.activity_index", /\(\(user_id::text\), created_at\)/],
	},
	{
		name: "rebuttal's activity table without its index",
		migrate: true,
		sql: `${SEED_TABLES} drop index rebuttal.activity_account_occurred_idx;`,
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 1,
		fails: ["db.activity_index"],
		fix: ["db.activity_index", /CREATE INDEX CONCURRENTLY activity_account_occurred_idx/],
	},
	{
		name: "rebuttal's activity table with the older (account_id, occurred_at) index (warning, not failure)",
		migrate: true,
		sql: `${SEED_TABLES} drop index rebuttal.activity_account_occurred_idx;
			create index activity_account_time_idx on rebuttal.activity (account_id, occurred_at);`,
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 0,
		fails: [],
		warns: ["db.activity_index"],
		fix: ["db.activity_index", /\(account_id, occurred_at, kind, ip, device_id\).*drop activity_account_time_idx/],
	},
	{
		name: "the activity summary's insert trigger disabled (warning: facts read the rows)",
		migrate: true,
		sql: `${SEED_TABLES} alter table rebuttal.activity disable trigger activity_daily_insert;`,
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 0,
		fails: [],
		warns: ["db.activity_summary"],
		fix: ["db.activity_summary", /ENABLE ALWAYS TRIGGER activity_daily_insert;.*activity_daily_rebuild\(\)/],
	},
	{
		name: "an activity summary that missed writes",
		migrate: true,
		sql: `${SEED_TABLES} alter table rebuttal.activity disable trigger activity_daily_insert;
			insert into rebuttal.activity (account_id, occurred_at, kind) select account_id, now(), 'login' from rebuttal.activity limit 1;
			alter table rebuttal.activity enable always trigger activity_daily_insert;`,
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 1,
		fails: ["db.activity_summary"],
		fix: ["db.activity_summary", /SELECT rebuttal\.activity_daily_rebuild\(\);/],
	},
	{
		name: "empty tables",
		migrate: true,
		sql: "",
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 1,
		fails: ["data.accounts", "data.activity", "stripe.dispute_matching", "data.customer_ids"],
		warns: ["data.artifacts"],
		fix: ["data.activity", /events\/log table/],
	},
	{
		name: "no customer mapping",
		migrate: true,
		sql: `${SEED_TABLES} update rebuttal.accounts set stripe_customer_id = null;`,
		stripe: stripeSeed(["u9", "u9", "u9"], ["someone@else.example", "nobody@else.example"]),
		exit: 1,
		fails: ["stripe.dispute_matching", "data.customer_ids"],
		fix: ["data.customer_ids", /stripe_customer_id/],
	},
	{
		name: "a Stripe key that Stripe rejects (401)",
		...MIGRATED_AND_SEEDED,
		env: ({ badStripe }) => ({ STRIPE_API_BASE: badStripe }),
		exit: 1,
		fails: ["stripe.key"],
		fix: ["stripe.key", /Developers → API keys/],
	},
	{
		name: "an unreachable database",
		...MIGRATED_AND_SEEDED,
		env: () => ({ DATABASE_URL: `postgres://postgres:${SECRETS.DB_PASSWORD}@127.0.0.1:9/nowhere` }),
		exit: 1,
		fails: ["db.reachable"],
		fix: ["db.reachable", /psql/],
	},
	{
		name: "views created before the migrations ran",
		migrate: false,
		sql: `create schema rebuttal; ${MERCHANT_TABLES}${EXPRESSION_INDEX}${accountsView()}${OTHER_VIEWS}`,
		stripe: stripeSeed(["1", "2", "3"]),
		exit: 1,
		fails: ["db.migrations"],
		fix: [
			"db.migrations",
			/DROP VIEW rebuttal\.artifacts, rebuttal\.activity, rebuttal\.accounts;.*npm run db:migrate.*DROP TABLE/,
		],
	},
	{
		name: "a pending migration",
		migrate: true,
		sql: `${SEED_TABLES} delete from drizzle.__drizzle_migrations;`,
		stripe: stripeSeed(["u1", "u2", "u3"]),
		exit: 1,
		fails: ["db.migrations"],
		fix: ["db.migrations", /npm run db:migrate/],
	},
	{
		name: "a live key sent to the local emulator (warning; --strict fails it)",
		...MIGRATED_AND_SEEDED,
		env: () => ({ STRIPE_SECRET_KEY: "sk_live_DoctorLiveKey0a1b2c" }),
		args: ["--strict"],
		exit: 1,
		fails: [],
		warns: ["stripe.mode"],
		fix: ["stripe.mode", /sk_test_/],
	},
	{
		name: "a test key when live mode is expected",
		...MIGRATED_AND_SEEDED,
		args: ["--expect-mode", "live"],
		exit: 1,
		fails: ["stripe.mode"],
		fix: ["stripe.mode", /sk_live_/],
	},
	{
		name: "an email-only mapping (warning, not failure)",
		migrate: true,
		sql: `${SEED_TABLES} update rebuttal.accounts set stripe_customer_id = null;`,
		stripe: stripeSeed(["u3", "u3", "u3"]),
		exit: 0,
		fails: [],
		warns: ["data.customer_ids"],
	},
];

/** A stand-in for Stripe answering every request as it does for a wrong or revoked key (the emulator accepts any well-formed key). */
let badStripe: Server;
let badStripeUrl: string;

beforeAll(async () => {
	badStripe = createServer((req, res) => {
		res.writeHead(401, { "Content-Type": "application/json" });
		// Echoes the key back, as a careless proxy might: doctor must still not print it.
		res.end(
			JSON.stringify({
				error: { type: "invalid_request_error", message: `Invalid API Key provided: ${req.headers.authorization}` },
			}),
		);
	});
	await new Promise<void>((resolve) => badStripe.listen(0, "127.0.0.1", resolve));
	badStripeUrl = `http://127.0.0.1:${(badStripe.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => badStripe.close(() => resolve()));
});

async function runScenario(s: Scenario) {
	const db = await blankDatabase();
	let emulator: StripeEmulator | undefined;
	try {
		if (s.migrate) await applyMigrations(db.url);
		if (s.sql) await db.exec(s.sql);
		emulator = await startStripeEmulator();
		if (s.stripe) {
			const res = await fetch(`${emulator.url}/_emulator/seed`, {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify(s.stripe),
			});
			expect(res.status).toBe(200);
		}
		const env: Record<string, string | undefined> = {
			STRIPE_SECRET_KEY: SECRETS.STRIPE_SECRET_KEY,
			STRIPE_WEBHOOK_SECRET: SECRETS.STRIPE_WEBHOOK_SECRET,
			DASHBOARD_TOKEN: SECRETS.DASHBOARD_TOKEN,
			DATABASE_URL: db.url,
			STRIPE_API_BASE: emulator.url,
			...s.env?.({ emulator: emulator.url, db: db.url, badStripe: badStripeUrl }),
		};
		let out = "";
		const exit = await main(["--json", "--no-env-file", ...(s.args ?? [])], env, (text) => {
			out += text;
		});
		const report = JSON.parse(out) as { ok: boolean; checks: CheckResult[] };
		return { exit, out, report, text: formatText(report.checks) };
	} finally {
		await emulator?.close();
		await db.close();
	}
}

describe.each(scenarios)("doctor: $name", (scenario) => {
	it("exits as expected, fails exactly the broken checks and names the fix, without printing a secret", async () => {
		const { exit, out, report, text } = await runScenario(scenario);
		const fails = report.checks.filter((c) => c.status === "fail").map((c) => c.id);
		const context = `\n${text}`;
		expect(fails.sort(), context).toEqual([...scenario.fails].sort());
		expect(exit, context).toBe(scenario.exit);
		expect(report.ok).toBe(scenario.exit === 0);
		if (scenario.warns) {
			const warns = report.checks.filter((c) => c.status === "warn").map((c) => c.id);
			expect(warns.sort(), context).toEqual([...scenario.warns].sort());
		}
		if (scenario.fix) {
			const [id, pattern] = scenario.fix;
			const check = report.checks.find((c) => c.id === id);
			expect(check?.fix, context).toMatch(pattern);
		}
		for (const check of report.checks) if (check.status === "fail") expect(check.fix, check.id).toBeTruthy();
		for (const secret of [...Object.values(SECRETS), "sk_live_DoctorLiveKey0a1b2c", "pk_test_PublishableNotSecret123"])
			for (const shown of [out, text]) expect(shown).not.toContain(secret);
	});
});

describe("doctor: what a correct setup reports", () => {
	it("reports every check once, with the match counts and the masked key", async () => {
		const { report } = await runScenario(scenarios[0]!);
		const byId = new Map(report.checks.map((c) => [c.id, c]));
		expect(report.checks.length).toBe(byId.size);
		for (const id of [
			"config.STRIPE_SECRET_KEY",
			"config.DATABASE_URL",
			"db.reachable",
			"db.migrations",
			"schema.accounts",
			"schema.activity",
			"schema.artifacts",
			"db.activity_index",
			"db.activity_summary",
			"data.accounts",
			"data.activity",
			"data.artifacts",
			"stripe.mode",
			"stripe.webhook_secret",
			"stripe.key",
			"stripe.dispute_matching",
			"data.customer_ids",
		])
			expect(byId.get(id)?.status, id).toBe("pass");
		expect(byId.get("config.STRIPE_SECRET_KEY")?.message).toContain("sk_test_…");
		expect(byId.get("stripe.dispute_matching")?.message).toMatch(
			/all 3 .*1 by stripe_customer_id.*1 by customer_email.*1 by metadata_account_id|all 3 /,
		);
		expect(byId.get("stripe.dispute_matching")?.message).toContain("1 by customer_email");
		expect(byId.get("data.customer_ids")?.message).toBe("1 of 3 accounts carry a Stripe customer id");
	});
});

/** Runs `npm run doctor --env-file` on a dotenv file of these lines, with no Worker variable in the environment. */
function runDoctorProcess(lines: string[]) {
	const dir = mkdtempSync(join(tmpdir(), "doctor-"));
	const envFile = join(dir, ".dev.vars");
	writeFileSync(envFile, lines.join("\n"));
	const env = { ...process.env };
	for (const name of CONFIG_NAMES) delete env[name];
	return spawnSync(process.execPath, ["--import", "tsx", "local/doctor/main.ts", "--env-file", envFile], {
		env,
		encoding: "utf8",
		timeout: 60_000,
	});
}

describe("npm run doctor (the real process)", () => {
	it("reads .dev.vars, prints one line per check and exits 1 when the database is unreachable", () => {
		const run = runDoctorProcess([
			`STRIPE_SECRET_KEY=${SECRETS.STRIPE_SECRET_KEY}`,
			`STRIPE_WEBHOOK_SECRET="${SECRETS.STRIPE_WEBHOOK_SECRET}"`,
			`DASHBOARD_TOKEN=${SECRETS.DASHBOARD_TOKEN}`,
			`DATABASE_URL=postgres://postgres:${SECRETS.DB_PASSWORD}@127.0.0.1:9/nowhere`,
			"STRIPE_API_BASE=http://127.0.0.1:9",
		]);
		expect(run.status, run.stderr).toBe(1);
		expect(run.stdout).toMatch(/^PASS {2}config\.STRIPE_SECRET_KEY +STRIPE_SECRET_KEY is set \(sk_test_…\)$/m);
		expect(run.stdout).toMatch(/^FAIL {2}db\.reachable +cannot connect to 127\.0\.0\.1:9\/nowhere/m);
		expect(run.stdout).toMatch(/^ +fix: /m);
		expect(run.stdout).toMatch(/\d+ passed, \d+ warnings, \d+ failed, \d+ skipped\n$/);
		for (const secret of Object.values(SECRETS)) expect(run.stdout + run.stderr).not.toContain(secret);
	});

	it("explains a password with / or # instead of a stack trace, and prints no URL credential or query key", () => {
		const run = runDoctorProcess([
			`STRIPE_SECRET_KEY=${SECRETS.STRIPE_SECRET_KEY}`,
			`STRIPE_WEBHOOK_SECRET=${SECRETS.STRIPE_WEBHOOK_SECRET}`,
			`DASHBOARD_TOKEN=${SECRETS.DASHBOARD_TOKEN}`,
			`DATABASE_URL="postgres://postgres:Pa/ss#${SECRETS.DB_PASSWORD}@127.0.0.1:9/nowhere"`,
			"STRIPE_API_BASE=http://stripe-user:StripeUrlPass5@127.0.0.1:9/?api_key=StripeQueryKey5",
			"ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1?key=AnthropicQueryKey5",
			"PDF_MAX_PAGES=3",
		]);
		expect(run.status, run.stderr).toBe(1);
		expect(run.stderr).toBe("");
		expect(run.stdout).toMatch(/^FAIL {2}config\.DATABASE_URL +DATABASE_URL is not a valid URL: percent-encode /m);
		expect(run.stdout).toMatch(/^ +fix: .*a password p\/ss#1 is written p%2Fss%231/m);
		expect(run.stdout).toMatch(/^SKIP {2}db\.reachable /m);
		expect(run.stdout).toMatch(/^FAIL {2}config\.PDF_MAX_PAGES +PDF_MAX_PAGES must be at least 4/m);
		expect(run.stdout).toMatch(
			/^PASS {2}config\.STRIPE_API_BASE +STRIPE_API_BASE is http:\/\/…@127\.0\.0\.1:9\/\?api_key=…$/m,
		);
		for (const secret of [
			...Object.values(SECRETS),
			"StripeUrlPass5",
			"StripeQueryKey5",
			"AnthropicQueryKey5",
			"Pa/ss",
		])
			expect(run.stdout + run.stderr).not.toContain(secret);
	});
});
