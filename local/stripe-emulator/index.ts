import { startServer } from "./server";

export interface StripeEmulatorOptions {
	port?: number; // 0 = random free port (default 0)
	host?: string; // default 127.0.0.1
	/** Stripe's test-mode limits: 25 requests/s overall, 20/s for file uploads. false disables (default: false). */
	rateLimit?: { perSecond: number; filesPerSecond: number } | false;
}

export interface StripeEmulator {
	url: string;
	port: number;
	close(): Promise<void>;
}

/** Stripe's test-mode rate limits, for `rateLimit`. */
export const STRIPE_TEST_MODE_LIMITS = { perSecond: 25, filesPerSecond: 20 } as const;

export type { FaultRule, NewDisputeInput, SeedInput, StripeObject } from "./client";
export { EmulatorControls } from "./client";

/** Starts a local Stripe API emulator (disputes, charges, customers, payment intents, files) with test controls under `/_emulator/`. */
export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
	const { server, url, port } = await startServer({
		port: options.port ?? 0,
		host: options.host ?? "127.0.0.1",
		rateLimit: options.rateLimit ?? false,
	});
	return {
		url,
		port,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((err) => (err ? reject(err) : resolve()));
				server.closeAllConnections();
			}),
	};
}
