// Runs the Stripe emulator on its own: `PORT=12111 tsx local/stripe-emulator/main.ts` (RATE_LIMIT=1 for Stripe's test-mode limits).
import { STRIPE_TEST_MODE_LIMITS, startStripeEmulator } from "./index";

const emulator = await startStripeEmulator({
	port: Number(process.env.PORT ?? 12111),
	host: process.env.HOST ?? "127.0.0.1",
	rateLimit: process.env.RATE_LIMIT === "1" ? STRIPE_TEST_MODE_LIMITS : false,
});
console.log(`Stripe emulator listening on ${emulator.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.once(signal, () => {
		emulator.close().finally(() => process.exit(0));
	});
}
