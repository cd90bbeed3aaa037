import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Environment that keeps Wrangler offline and quiet (no metrics, no error reports, no `Request.cf` fetch). */
export const OFFLINE_WRANGLER_ENV = {
	WRANGLER_SEND_METRICS: "false",
	WRANGLER_SEND_ERROR_REPORTS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_HIDE_BANNER: "true",
} as const;

export interface WorkerBundle {
	dir: string;
	/** The entry module inside `dir`; data modules (fonts) sit beside it. */
	scriptPath: string;
	remove(): Promise<void>;
}

/**
 * Bundles the Worker exactly as a deploy would (`wrangler deploy --dry-run --outdir`), so the local run executes
 * the same code, module rules (the .ttf Data rule) and nodejs_compat polyfills as production. Wrangler runs in its
 * own process group and is killed with it if `signal` aborts.
 */
export async function bundleWorker(configPath: string, signal?: AbortSignal): Promise<WorkerBundle> {
	const dir = await mkdtemp(join(tmpdir(), "rebuttal-worker-"));
	const wranglerBin = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin/wrangler.js");
	const args = [wranglerBin, "deploy", "--dry-run", "--outdir", dir, "--config", configPath];
	const child = spawn(process.execPath, args, {
		cwd: dirname(configPath),
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: { ...process.env, ...OFFLINE_WRANGLER_ENV, FORCE_COLOR: "0" },
	});
	const onAbort = () => killGroup(child.pid);
	signal?.addEventListener("abort", onAbort);
	let output = "";
	child.stdout.on("data", (chunk) => (output += chunk));
	child.stderr.on("data", (chunk) => (output += chunk));
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once("error", reject);
		child.once("close", resolve);
	}).finally(() => signal?.removeEventListener("abort", onAbort));
	if (code !== 0) {
		await rm(dir, { recursive: true, force: true });
		throw new Error(`wrangler could not bundle the Worker (exit ${code}):\n${output.trim()}`);
	}
	const entry = (await readdir(dir)).find((name) => /\.(m?js)$/.test(name));
	if (!entry) throw new Error(`wrangler produced no script in ${dir}`);
	return { dir, scriptPath: join(dir, entry), remove: () => rm(dir, { recursive: true, force: true }) };
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGTERM"): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}
