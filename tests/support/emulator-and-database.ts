import { afterAll, beforeAll } from "vitest";
import { openTestDatabase, type TestDatabase } from "./database";
import { type EmulatorHarness, startEmulatorHarness } from "./stripe-emulator";

/**
 * For a file's (or a describe block's) tests: a Stripe emulator without rate limits and a test database, started
 * together before the tests and closed after them. `ready` receives both.
 */
export function useEmulatorAndDatabase(ready: (harness: EmulatorHarness, database: TestDatabase) => void): void {
	let harness: EmulatorHarness | undefined;
	let database: TestDatabase | undefined;
	beforeAll(async () => {
		[harness, database] = await Promise.all([startEmulatorHarness({ port: 0, rateLimit: false }), openTestDatabase()]);
		ready(harness, database);
	});
	afterAll(async () => {
		await harness?.close();
		await database?.close();
	});
}
