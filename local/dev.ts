// `npm run dev`: the Worker in Miniflare with its queues, R2 and cron, the Stripe emulator (unless STRIPE_API_BASE
// is set) and Postgres (embedded PGlite unless DATABASE_URL is set), until Ctrl-C.
import { startDevSession } from "./dev-session";

try {
	await startDevSession();
} catch (error) {
	console.error(`could not start: ${(error as Error).message}`);
	process.exit(1);
}
