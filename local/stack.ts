import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { VARIABLES } from "../lib/config";
import { consumerReplicas } from "./consumer-replicas";
import { scheduleCrons } from "./cron";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { LOCAL_STRIPE_SECRET_KEY, LOCAL_WEBHOOK_SECRET, PROJECT_ROOT, resolveLocalConfig, workerBindings } from "./env";
import { type SeedBucket, seedFontBucket } from "./fonts";
import { applyMigrations } from "./migrations";
import { startPgBridge } from "./pg-bridge";
import { bundleWorker, OFFLINE_WRANGLER_ENV } from "./worker-build";

export interface LocalStackOptions {
	/** Project root (default: this repository). */
	root?: string;
	/** Wrangler config of the Worker to run (default: `<root>/wrangler.toml`). */
	configPath?: string;
	/** Highest-priority configuration; then the process environment, then `.dev.vars`. */
	env?: Record<string, string | undefined>;
	/** `.dev.vars` to read (default `<root>/.dev.vars`); false to read none. */
	devVarsPath?: string | false;
	/** Read configuration from the process environment (default true). */
	inheritProcessEnv?: boolean;
	/** Worker port (default PORT, else 8787; 0 picks a free one). */
	port?: number;
	/** Keep PGlite data, R2 objects and the dashboard token under `dataDir` (dev); otherwise all in memory. */
	persist?: boolean;
	/** Default `<root>/.data`. */
	dataDir?: string;
	/**
	 * Fill the FONTS bucket with the Noto range files, so Chinese, Japanese, Korean, Devanagari and Thai draw
	 * (default: when persisting, where it happens once; a test that renders those scripts passes true, at a cost
	 * of several seconds; without it they print as □).
	 */
	seedFonts?: boolean;
	/** Fire the cron triggers of wrangler.toml on schedule (dev); `dispatchScheduled()` works either way. */
	runCrons?: boolean;
	/** Stop everything on SIGINT/SIGTERM, then exit. */
	handleSignals?: boolean;
	/** Apply pending migrations (default true). */
	migrate?: boolean;
	/** Passed to the built-in Stripe emulator. */
	stripeRateLimit?: { perSecond: number; filesPerSecond: number } | false;
	/**
	 * Extra copies of the Worker consuming their own queues in isolates of their own, sharing R2 and the Stripe
	 * rate limiter (local/consumer-replicas.ts): concurrent consumers, as `max_concurrency` gives in production.
	 */
	consumerReplicas?: number;
	/** Show the Worker's info-level logs (its console output is shown either way). */
	verbose?: boolean;
	log?: (line: string) => void;
}

export type DatabaseKind = "pglite" | "postgres" | "neon";

export interface LocalStack {
	workerUrl: string;
	/** The webhook URL of each consumer replica (`consumerReplicas`), in order. */
	replicaUrls: string[];
	stripeApiBase: string;
	/** True when the built-in Stripe emulator was started (STRIPE_API_BASE unset). */
	usesEmulator: boolean;
	databaseUrl: string;
	databaseKind: DatabaseKind;
	/** The address of the WebSocket bridge the Worker reaches Postgres through (without its token); undefined for Neon. */
	bridgeUrl: string | undefined;
	dashboardToken: string;
	/** True when no DASHBOARD_TOKEN was configured and a local one was generated (safe to print). */
	dashboardTokenGenerated: boolean;
	stripeSecretKey: string;
	webhookSecret: string;
	/** Every string binding the Worker got (contains secrets: never print it). */
	bindings: Record<string, string>;
	crons: string[];
	miniflare: Miniflare;
	dispatchScheduled(cron?: string): Promise<{ outcome: string; noRetry: boolean }>;
	stop(): Promise<void>;
}

export function isNeonHost(host: string): boolean {
	return /(^|\.)neon\.tech$/i.test(host);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
	const root = resolve(options.root ?? PROJECT_ROOT);
	const configPath = resolve(options.configPath ?? join(root, "wrangler.toml"));
	const dataDir = resolve(options.dataDir ?? join(root, ".data"));
	const persist = options.persist ?? false;
	const log = options.log ?? (() => {});
	for (const [key, value] of Object.entries(OFFLINE_WRANGLER_ENV)) process.env[key] ??= value;

	const { env, devVarNames } = resolveLocalConfig({ ...options, root });
	const cleanups: (() => Promise<unknown> | unknown)[] = [];
	const abort = new AbortController();
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		abort.abort();
		process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				log(`while stopping: ${(error as Error).message}`);
			}
		}
	};
	const onSignal = (signal: NodeJS.Signals) => {
		log(`\n${signal}: stopping…`);
		void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
	};
	if (options.handleSignals) process.once("SIGINT", onSignal).once("SIGTERM", onSignal);

	try {
		const port = options.port ?? (env.PORT ? Number(env.PORT) : 8787);
		if (!Number.isInteger(port) || port < 0 || port > 65535)
			throw new Error(`PORT must be a port number, not "${env.PORT}"`);
		if (port !== 0 && !(await portIsFree(port))) {
			throw new Error(`port ${port} is already in use: stop what runs there or choose another with PORT=…`);
		}

		// Stripe: the configured API, or the built-in emulator with local test credentials.
		const usesEmulator = !env.STRIPE_API_BASE;
		if (usesEmulator) {
			const { startStripeEmulator } = await import("./stripe-emulator");
			const started = await startStripeEmulator({ host: "127.0.0.1", port: 0, rateLimit: options.stripeRateLimit });
			cleanups.push(() => started.close());
			env.STRIPE_API_BASE = started.url.replace(/\/+$/, "");
			env.STRIPE_SECRET_KEY ??= LOCAL_STRIPE_SECRET_KEY;
			env.STRIPE_WEBHOOK_SECRET ??= LOCAL_WEBHOOK_SECRET;
			log(`Stripe emulator on ${env.STRIPE_API_BASE}`);
		}
		const stripeApiBase: string = env.STRIPE_API_BASE ?? "";

		// Postgres: the configured server, or embedded PGlite.
		let databaseKind: DatabaseKind;
		if (env.DATABASE_URL) {
			const checked = VARIABLES.DATABASE_URL.schema.safeParse(env.DATABASE_URL);
			if (!checked.success) throw new Error(`DATABASE_URL ${checked.error.issues.map((i) => i.message).join("; ")}`);
			databaseKind = isNeonHost(new URL(env.DATABASE_URL).hostname) ? "neon" : "postgres";
		} else {
			const pglite = await startEmbeddedPostgres(persist ? { dataDir: join(dataDir, "pglite") } : {});
			cleanups.push(() => pglite.close());
			env.DATABASE_URL = pglite.url;
			databaseKind = "pglite";
		}
		const databaseUrl = env.DATABASE_URL;
		if (options.migrate !== false) {
			try {
				await applyMigrations(databaseUrl);
			} catch (error) {
				const where = new URL(databaseUrl);
				throw new Error(
					`cannot migrate the database at ${where.hostname}:${where.port || 5432}: ${(error as Error).message}`,
				);
			}
		}
		let bridgeUrl: string | undefined;
		if (databaseKind !== "neon" && !env.DATABASE_WS_PROXY) {
			const bridge = await startPgBridge({ allowHosts: [new URL(databaseUrl).hostname] });
			cleanups.push(() => bridge.close());
			// The Worker alone gets the URL with the bridge's token; logs show the address without it.
			env.DATABASE_WS_PROXY = bridge.url;
			bridgeUrl = bridge.origin;
		}

		const dashboardTokenGenerated = !env.DASHBOARD_TOKEN;
		env.DASHBOARD_TOKEN ??= dashboardToken(persist ? dataDir : undefined);

		// The Worker, bundled like a deploy and run in Miniflare with everything wrangler.toml declares.
		const wrangler = await import("wrangler");
		const config = wrangler.unstable_readConfig({ config: configPath }, { hideWarnings: true });
		const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(config);
		const bundle = await bundleWorker(configPath, abort.signal);
		cleanups.push(() => bundle.remove());

		const bindings = workerBindings(env, devVarNames);
		const mainWorker = {
			...workerOptions,
			name: config.name ?? "worker",
			modules: true as const,
			scriptPath: bundle.scriptPath,
			modulesRoot: bundle.dir,
			// wrangler.toml's vars, then the resolved configuration. Wrangler's own bindings would add whatever
			// .dev.vars holds even when this run was asked not to read it (tests).
			bindings: { ...(config.vars as Record<string, unknown>), ...bindings },
		};
		const replicas = consumerReplicas(mainWorker, options.consumerReplicas ?? 0);
		const miniflare = new Miniflare({
			host: "127.0.0.1",
			port,
			log: new Log(options.verbose ? LogLevel.INFO : LogLevel.WARN),
			r2Persist: persist ? join(dataDir, "r2") : false,
			unsafeTriggerHandlers: true,
			workers: [mainWorker, ...replicas],
		});
		cleanups.push(() => miniflare.dispose());
		const workerUrl = (await miniflare.ready).origin;
		const replicaUrls = await Promise.all(
			replicas.map(async (r) => (await miniflare.unsafeGetDirectURL(r.name)).origin),
		);
		if (options.seedFonts ?? persist) {
			await seedFontBucket((await miniflare.getR2Bucket("FONTS")) as unknown as SeedBucket);
		}

		const crons = config.triggers?.crons ?? [];
		const dispatchScheduled = async (cron = crons[0] ?? "* * * * *") => {
			// Miniflare's Fetcher type needs the Workers types; this is the one method used here.
			const worker = (await miniflare.getWorker()) as unknown as {
				scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string; noRetry: boolean }>;
			};
			return worker.scheduled({ cron, scheduledTime: new Date() });
		};
		if (options.runCrons && crons.length > 0) {
			const stopCrons = scheduleCrons(crons, (cron) => {
				dispatchScheduled(cron).catch((error) => log(`cron ${cron} failed: ${(error as Error).message}`));
			});
			cleanups.push(stopCrons);
		}

		return {
			workerUrl,
			replicaUrls,
			stripeApiBase,
			usesEmulator,
			databaseUrl,
			databaseKind,
			bridgeUrl,
			dashboardToken: env.DASHBOARD_TOKEN,
			dashboardTokenGenerated,
			stripeSecretKey: env.STRIPE_SECRET_KEY ?? "",
			webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? "",
			bindings,
			crons,
			miniflare,
			dispatchScheduled,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = createServer();
		probe.once("error", () => resolve(false));
		probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
	});
}

/** A local operator token: kept in `.data/` across dev runs, fresh for in-memory runs. */
function dashboardToken(dataDir: string | undefined): string {
	const fresh = () => `local_${randomBytes(18).toString("base64url")}`;
	if (!dataDir) return fresh();
	const path = join(dataDir, "dashboard-token");
	if (existsSync(path)) {
		const saved = readFileSync(path, "utf8").trim();
		if (saved.length >= 16) return saved;
	}
	const token = fresh();
	mkdirSync(dataDir, { recursive: true });
	writeFileSync(path, `${token}\n`, { mode: 0o600 });
	return token;
}
