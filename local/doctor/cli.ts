import { fileURLToPath } from "node:url";
import { layerEnv, readDotenvFile, WORKER_CONFIG_NAMES } from "../env";
import { exitCode, formatJson, formatText } from "./report";
import { type DoctorOptions, runDoctor } from "./run";

export const DEFAULT_DEV_VARS = fileURLToPath(new URL("../../.dev.vars", import.meta.url));

export const USAGE = `Usage: npm run doctor -- [--json] [--strict] [--expect-mode live|test] [--env-file PATH | --no-env-file]

Checks rebuttal's configuration, database and Stripe account. Reads the Worker's variables from the
environment, then from .dev.vars (the environment wins). Exits 1 when a check fails.
  --json          machine-readable output: {"ok", "summary", "checks": [{id, status, message, fix?}]}
  --strict        warnings fail too
  --expect-mode   fail unless STRIPE_SECRET_KEY is a live (or test) key
  --env-file      read this dotenv file instead of .dev.vars; --no-env-file reads none
`;

export interface CliArgs extends DoctorOptions {
	json: boolean;
	strict: boolean;
	envFile: string | false;
	help: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs | string {
	const args: CliArgs = { json: false, strict: false, envFile: DEFAULT_DEV_VARS, help: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === "--json") args.json = true;
		else if (arg === "--strict") args.strict = true;
		else if (arg === "--no-env-file") args.envFile = false;
		else if (arg === "-h" || arg === "--help") args.help = true;
		else if (arg === "--env-file" || arg.startsWith("--env-file=")) {
			const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
			if (!value) return "--env-file needs a path";
			args.envFile = value;
		} else if (arg === "--expect-mode" || arg.startsWith("--expect-mode=")) {
			const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
			if (value !== "live" && value !== "test") return "--expect-mode must be live or test";
			args.expectMode = value;
		} else return `unknown argument: ${arg}`;
	}
	return args;
}

/** The same names the Worker reads: the environment first, then the dotenv file. */
export function doctorEnv(processEnv: Record<string, string | undefined>, envFile: string | false) {
	const file = envFile ? readDotenvFile(envFile) : {};
	const pick = (source: Record<string, string | undefined>) =>
		Object.fromEntries(WORKER_CONFIG_NAMES.map((name) => [name, source[name]]));
	return layerEnv(pick(processEnv), pick(file));
}

/** Runs doctor as the command line does; returns the exit status and writes the report through `write`. */
export async function main(
	argv: readonly string[],
	processEnv: Record<string, string | undefined>,
	write: (text: string) => void,
): Promise<number> {
	const args = parseArgs(argv);
	if (typeof args === "string") {
		write(`${args}\n\n${USAGE}`);
		return 2;
	}
	if (args.help) {
		write(USAGE);
		return 0;
	}
	const results = await runDoctor(doctorEnv(processEnv, args.envFile), { expectMode: args.expectMode });
	write(args.json ? formatJson(results, args.strict) : formatText(results));
	return exitCode(results, args.strict);
}
