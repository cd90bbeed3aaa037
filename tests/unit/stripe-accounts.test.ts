import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountCache } from "../../lib/stripe/accounts";
import { PLATFORM_ACCOUNT } from "../../local/stripe-emulator/billing";
import { type EmulatorHarness, startEmulatorHarness } from "../support/stripe-emulator";

// The isolate's cache of Stripe accounts (the merchant's identity and country): read once per account, key and
// expiry instead of once per dispute, never kept when the read failed.

let h: EmulatorHarness;
beforeAll(async () => {
	h = await startEmulatorHarness({ port: 0, rateLimit: false });
});
afterAll(() => h.close());
beforeEach(() => h.controls.reset());

const CONNECTED = "acct_1LumenPhoto0001";

async function accountReads() {
	const log = await h.controls.requests();
	return log.filter((r) => r.method === "GET" && r.path === "/v1/account").map((r) => r.account);
}

/** A cache on a clock the test moves. */
function cacheAt(start = 1_000_000) {
	const clock = { now: start };
	return { cache: new AccountCache(60_000, () => clock.now), clock };
}

describe("AccountCache", () => {
	it("reads each account once for every dispute of a burst, however many ask at once", async () => {
		await h.controls.seed({
			accounts: [
				{ id: PLATFORM_ACCOUNT, country: "GB", business_profile: { name: "Northwind" } },
				{ id: CONNECTED, country: "DE", business_profile: { name: "Lumen Photo GmbH" } },
			],
		});
		const read = new AccountCache().reader(h.stripe(), "key-a");
		const platform = await Promise.all(Array.from({ length: 5 }, () => read(null)));
		expect(platform.map((a) => a.business_profile?.name)).toEqual(Array(5).fill("Northwind"));
		expect((await read(CONNECTED)).country).toBe("DE");
		await read(null);
		await read(CONNECTED);
		expect(await accountReads()).toEqual([null, CONNECTED]);
	});

	it("reads again after the expiry, and sees what changed in Stripe", async () => {
		const { cache, clock } = cacheAt();
		const read = cache.reader(h.stripe(), "key-a");
		expect((await read(null)).business_profile?.name ?? null).toBeNull();
		await h.controls.seed({ accounts: [{ id: PLATFORM_ACCOUNT, business_profile: { name: "Renamed Ltd" } }] });
		clock.now += 59_999;
		expect((await read(null)).business_profile?.name ?? null).toBeNull();
		clock.now += 1;
		expect((await read(null)).business_profile?.name).toBe("Renamed Ltd");
		expect(await accountReads()).toEqual([null, null]);
	});

	it("keeps the accounts of two keys apart", async () => {
		const cache = new AccountCache();
		await cache.reader(h.stripe(), "key-a")(null);
		await cache.reader(h.stripe(), Promise.resolve("key-b"))(null);
		await cache.reader(h.stripe(), "key-a")(null);
		expect(await accountReads()).toHaveLength(2);
	});

	it("does not keep a failed read: the next dispute asks Stripe again", async () => {
		const read = new AccountCache().reader(h.stripe(), "key-a");
		await h.controls.faults([{ path: "^/v1/account$", status: 500, count: 1 }]);
		await expect(read(null)).rejects.toMatchObject({ code: "stripe_unavailable" });
		expect((await read(null)).id).toBe(PLATFORM_ACCOUNT);
		await read(null);
		expect(await accountReads()).toEqual([null, null]);
	});

	it("keeps at most its limit of accounts, dropping the oldest reads first", async () => {
		const clock = { now: 0 };
		const cache = new AccountCache(60_000, () => clock.now, 2);
		const read = cache.reader(h.stripe(), "key-a");
		const accounts = ["acct_1First000000001", "acct_1Second00000001", "acct_1Third000000001"];
		for (const account of accounts) await read(account);
		await read(accounts[2]!);
		await read(accounts[1]!);
		await read(accounts[0]!);
		expect(await accountReads()).toEqual([...accounts, accounts[0]]);
	});
});
