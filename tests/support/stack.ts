import { type DemoCustomer, seedDemo } from "../../local/seed";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack";
import { deliverEvent } from "../../local/webhook";
import { createDatabase } from "./database";

export interface TestStack extends LocalStack {
	/** Signs `event` with the webhook secret and posts it to `/webhooks/stripe`. */
	sendEvent(event: unknown): Promise<Response>;
	/** JSON call to the Stripe emulator: a test control (`/_emulator/…`) or the API (`/v1/…`, authenticated). */
	// biome-ignore lint/suspicious/noExplicitAny: emulator replies are open-ended Stripe JSON.
	emulator<T = any>(path: string, body?: unknown): Promise<T>;
	/** Request to the Worker with the operator's bearer token, e.g. `api("/api/disputes")`. */
	api(path: string, init?: RequestInit): Promise<Response>;
	/** Seeds the demo merchant (database rows, artifact images, emulator customers and charges). */
	seedDemo(): Promise<DemoCustomer[]>;
	/** An R2 bucket of the Worker (e.g. "EVIDENCE"), typed for Node (Miniflare's own type needs the Workers types). */
	bucket(binding: string): Promise<TestBucket>;
}

export interface TestBucket {
	get(
		key: string,
	): Promise<{ key: string; size: number; arrayBuffer(): Promise<ArrayBuffer>; text(): Promise<string> } | null>;
	head(key: string): Promise<{ key: string; size: number } | null>;
	put(key: string, value: string | Uint8Array | ArrayBuffer, options?: object): Promise<unknown>;
	list(options?: { prefix?: string }): Promise<{ objects: { key: string; size: number }[] }>;
}

export interface TestStackOptions
	extends Pick<LocalStackOptions, "configPath" | "stripeRateLimit" | "verbose" | "consumerReplicas"> {
	/** Extra Worker configuration (e.g. SUBMIT_MODE, ANTHROPIC_BASE_URL). */
	env?: Record<string, string | undefined>;
	/** "auto" (default): a fresh database on DATABASE_URL's server when set, else PGlite; "pglite": always PGlite. */
	database?: "auto" | "pglite";
}

/**
 * The whole local emulation for one e2e test file, on random ports and hermetic: a fresh database (a new one on
 * the Postgres at DATABASE_URL when set, else in-memory PGlite), the Stripe emulator, the Worker in Miniflare with
 * in-memory R2 and queues, fast queue retries. Neither `.dev.vars` nor the shell's configuration leaks in.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
	const serverUrl = options.database === "pglite" ? undefined : process.env.DATABASE_URL;
	const database = serverUrl ? await createDatabase(serverUrl) : undefined;
	let stack: LocalStack;
	try {
		stack = await startLocalStack({
			configPath: options.configPath,
			port: 0,
			persist: false,
			devVarsPath: false,
			inheritProcessEnv: false,
			stripeRateLimit: options.stripeRateLimit,
			consumerReplicas: options.consumerReplicas,
			verbose: options.verbose,
			env: { QUEUE_RETRY_BASE_SECONDS: "1", DATABASE_URL: database?.url, ...options.env },
		});
	} catch (error) {
		await database?.drop();
		throw error;
	}
	const stop = async () => {
		await stack.stop();
		await database?.drop();
	};

	return {
		...stack,
		stop,
		sendEvent: (event) => deliverEvent(stack.workerUrl, stack.webhookSecret, event),
		emulator: async (path, body) => {
			const response = await fetch(`${stack.stripeApiBase}${path}`, {
				method: body === undefined ? "GET" : "POST",
				headers: {
					authorization: `Bearer ${stack.stripeSecretKey}`,
					...(body !== undefined && { "content-type": "application/json" }),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${text}`);
			return text ? JSON.parse(text) : undefined;
		},
		api: (path, init = {}) => {
			const headers = new Headers(init.headers);
			headers.set("authorization", `Bearer ${stack.dashboardToken}`);
			return fetch(`${stack.workerUrl}${path}`, { ...init, headers });
		},
		bucket: async (binding) => (await stack.miniflare.getR2Bucket(binding)) as unknown as TestBucket,
		seedDemo: async () => {
			const artifacts = await stack.miniflare.getR2Bucket("ARTIFACTS").catch(() => undefined);
			const { customers } = await seedDemo({
				databaseUrl: stack.databaseUrl,
				emulatorUrl: stack.usesEmulator ? stack.stripeApiBase : undefined,
				artifacts: artifacts as Parameters<typeof seedDemo>[0]["artifacts"],
			});
			return customers;
		},
	};
}

/**
 * Polls `predicate` until it returns something truthy and returns that; on timeout throws with the last value or
 * error, so a failing test says what it was waiting on.
 */
export async function waitFor<T>(
	predicate: () => T | Promise<T>,
	timeoutMs = 30_000,
	intervalMs = 250,
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await predicate();
			if (value) return value as NonNullable<T>;
			last = value;
		} catch (error) {
			last = error;
		}
		if (Date.now() >= deadline) {
			const detail = last instanceof Error ? last.message : JSON.stringify(last);
			throw new Error(`waitFor timed out after ${timeoutMs} ms; last: ${detail}`);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
