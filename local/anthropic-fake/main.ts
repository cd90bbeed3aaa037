import { startAnthropicFake } from "./index";

/**
 * Runs the fake Anthropic Messages API on its own: `tsx local/anthropic-fake/main.ts` (PORT, default 8788), then
 * point ANTHROPIC_BASE_URL at the printed URL and set any ANTHROPIC_API_KEY. Script it with POST /_fake/script.
 */
const fake = await startAnthropicFake({ port: Number(process.env.PORT ?? 8788) });
console.log(`fake Anthropic API on ${fake.url} (controls under ${fake.url}/_fake/)`);
const stop = () => {
	void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
