// The Worker's bindings, typed once. worker-configuration.d.ts (`npm run types`, generated from wrangler.toml)
// declares the buckets, queues and [vars] in Cloudflare.Env; this file adds what `wrangler types` cannot see.

/** Every Worker variable and secret of lib/config, as the raw string the Worker receives (validated before use). */
type ConfiguredVariables = { [Name in import("../lib/config").ConfigName]?: string };

declare namespace Cloudflare {
	interface Env extends ConfiguredVariables {}
}

/** The Worker's environment: the generated bindings with each queue typed by the messages it carries. */
interface Env extends Omit<Cloudflare.Env, "ASSEMBLE_QUEUE" | "SUBMIT_QUEUE" | "NOTIFY_QUEUE"> {
	ASSEMBLE_QUEUE: Queue<import("../lib/messages").AssembleMessage>;
	SUBMIT_QUEUE: Queue<import("../lib/messages").SubmitMessage>;
	NOTIFY_QUEUE: Queue<import("../lib/lifecycle/messages").NotifyMessage>;
}
