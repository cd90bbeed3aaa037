import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_NAMES } from "../lib/config";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Configuration for local runs: explicit options first, then the process environment, then `.dev.vars`
 * (the dotenv-format file wrangler also reads). Empty values count as unset.
 */
export type EnvMap = Record<string, string | undefined>;

/** Parses dotenv text: `KEY=value`, `export KEY=value`, `# comments`, single/double quotes, `\n` in double quotes. */
export function parseDotenv(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	const lines = text.replace(/\r\n?/g, "\n").split("\n");
	for (let i = 0; i < lines.length; i++) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(lines[i]!);
		if (!match) continue;
		const key = match[1]!;
		let value = match[2]!;
		const quote = value[0];
		if (quote === '"' || quote === "'" || quote === "`") {
			// A quoted value may span lines until its closing quote.
			let body = value.slice(1);
			while (!hasClosingQuote(body, quote) && i + 1 < lines.length) body += `\n${lines[++i]}`;
			const end = closingQuoteIndex(body, quote);
			value = end === -1 ? body : body.slice(0, end);
			if (quote === '"')
				value = value
					.replace(/\\n/g, "\n")
					.replace(/\\r/g, "\r")
					.replace(/\\(["\\])/g, "$1");
		} else {
			value = value.replace(/\s+#.*$/, "").trim();
		}
		out[key] = value;
	}
	return out;
}

function closingQuoteIndex(body: string, quote: string): number {
	for (let i = 0; i < body.length; i++) {
		if (body[i] === "\\" && quote === '"') i++;
		else if (body[i] === quote) return i;
	}
	return -1;
}

function hasClosingQuote(body: string, quote: string): boolean {
	return closingQuoteIndex(body, quote) !== -1;
}

export function readDotenvFile(path: string): Record<string, string> {
	return existsSync(path) ? parseDotenv(readFileSync(path, "utf8")) : {};
}

/** Layers sources, first non-empty value wins. */
export function layerEnv(...sources: EnvMap[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const source of sources.slice().reverse()) {
		for (const [key, value] of Object.entries(source)) {
			if (value !== undefined && value !== "") out[key] = value;
		}
	}
	return out;
}

/** Names a local run hands to the Worker as bindings: every Worker variable (lib/config/variables.ts). */
export const WORKER_CONFIG_NAMES: readonly string[] = CONFIG_NAMES;

/**
 * The string bindings a local run gives the Worker: the Worker variables of the resolved configuration, plus
 * whatever `.dev.vars` names (wrangler passes those through too). `PORT` and other process variables stay out.
 */
export function workerBindings(env: Record<string, string>, devVarNames: readonly string[]): Record<string, string> {
	const names = new Set<string>([...WORKER_CONFIG_NAMES, ...devVarNames]);
	return Object.fromEntries(Object.entries(env).filter(([name]) => names.has(name)));
}

/** Not secrets: the values a local run uses with the built-in Stripe emulator when none are configured. */
export const LOCAL_STRIPE_SECRET_KEY = "sk_test_local_rebuttal_emulator";
export const LOCAL_WEBHOOK_SECRET = "whsec_local_rebuttal_emulator";

/** Configuration as a local run sees it (options → process env → .dev.vars). Secrets included: never print. */
export interface ConfigSources {
	root?: string;
	env?: EnvMap;
	/** `.dev.vars` to read (default `<root>/.dev.vars`); false to read none. */
	devVarsPath?: string | false;
	/** Read the process environment (default true; tests turn it off to stay hermetic). */
	inheritProcessEnv?: boolean;
}

export function resolveLocalConfig(options: ConfigSources = {}) {
	const root = options.root ?? PROJECT_ROOT;
	const devVars = options.devVarsPath === false ? {} : readDotenvFile(options.devVarsPath ?? join(root, ".dev.vars"));
	const names = new Set<string>([...WORKER_CONFIG_NAMES, "PORT", ...Object.keys(devVars)]);
	const processEnv = options.inheritProcessEnv === false ? {} : process.env;
	const fromProcess = Object.fromEntries([...names].map((name) => [name, processEnv[name]]));
	return { env: layerEnv(options.env ?? {}, fromProcess, devVars), devVarNames: Object.keys(devVars) };
}
