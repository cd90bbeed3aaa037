import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, csrfToken, SESSION_TTL_SECONDS, verifyCsrf, verifySession } from "../../lib/http/session";
import { activeSession, openSession, revokeAllSessions, revokeSession } from "../../lib/http/session-store";
import { LoginThrottle } from "../../lib/http/throttle";
import { openTestDatabase, type TestDatabase } from "../support/database";

const TOKEN = "unit-test-dashboard-token-0123456789";
const NOW = Date.UTC(2025, 0, 15, 12);

describe("session cookie", () => {
	it("verifies a fresh session and expires it after its lifetime", async () => {
		const { value, session } = await createSession(TOKEN, NOW);
		expect(await verifySession(TOKEN, value, NOW)).toEqual(session);
		expect(await verifySession(TOKEN, value, NOW + (SESSION_TTL_SECONDS - 1) * 1000)).not.toBeNull();
		expect(await verifySession(TOKEN, value, NOW + SESSION_TTL_SECONDS * 1000)).toBeNull();
	});

	it("is invalid under another token (rotating the token logs everyone out)", async () => {
		const { value } = await createSession(TOKEN, NOW);
		expect(await verifySession(`${TOKEN}-rotated`, value, NOW)).toBeNull();
	});

	const tampered: [string, (value: string) => string][] = [
		["an empty value", () => ""],
		["a missing signature", (v) => v.split(".").slice(0, 4).join(".")],
		["a changed expiry", (v) => v.replace(/^v1\.(\d+)\.(\d+)/, (_m, i, e) => `v1.${i}.${Number(e) + 3600}`)],
		["a changed issue time", (v) => v.replace(/^v1\.(\d+)/, (_m, i) => `v1.${Number(i) - 10}`)],
		[
			"a changed nonce",
			(v) =>
				v
					.split(".")
					.map((p, i) => (i === 3 ? `${p.slice(0, -1)}${p.endsWith("A") ? "B" : "A"}` : p))
					.join("."),
		],
		["a flipped signature character", (v) => `${v.slice(0, -1)}${v.endsWith("A") ? "B" : "A"}`],
		["a truncated signature", (v) => v.slice(0, -4)],
		["another version", (v) => v.replace(/^v1/, "v2")],
		["an extra part", (v) => `${v}.x`],
		["a signature that is not base64url", (v) => `${v.split(".").slice(0, 4).join(".")}.!!!!`],
		["a very long value", (v) => v + "A".repeat(500)],
	];
	describe.each(tampered)("rejects %s", (_name, tamper) => {
		it("as no session", async () => {
			const { value } = await createSession(TOKEN, NOW);
			expect(await verifySession(TOKEN, tamper(value), NOW)).toBeNull();
		});
	});

	it("rejects a session whose lifetime exceeds the maximum even if signed", async () => {
		const { value } = await createSession(TOKEN, NOW, SESSION_TTL_SECONDS * 10);
		expect(await verifySession(TOKEN, value, NOW)).toBeNull();
	});
});

describe("CSRF token", () => {
	it("is bound to its session", async () => {
		const a = await createSession(TOKEN, NOW);
		const b = await createSession(TOKEN, NOW);
		const token = await csrfToken(TOKEN, a.session);
		expect(await verifyCsrf(TOKEN, a.session, token)).toBe(true);
		expect(await verifyCsrf(TOKEN, b.session, token)).toBe(false);
		expect(await verifyCsrf(`${TOKEN}x`, a.session, token)).toBe(false);
	});

	it.each([
		["missing", undefined],
		["empty", ""],
		["forged", "A".repeat(43)],
		["garbage", "not a token at all"],
		["too long", "A".repeat(1000)],
	])("rejects a %s token", async (_name, presented) => {
		const { session } = await createSession(TOKEN, NOW);
		expect(await verifyCsrf(TOKEN, session, presented)).toBe(false);
	});
});

/** Three failures a minute, delays from 100 ms doubling up to 1 s. */
const SMALL_THROTTLE = { windowMs: 60_000, maxFailures: 3, maxEntries: 100, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("login throttle", () => {
	it("delays each failure longer and blocks an address after too many", () => {
		const throttle = new LoginThrottle(SMALL_THROTTLE);
		expect(throttle.blockedFor("1.2.3.4", NOW)).toBe(0);
		expect([1, 2, 3].map(() => throttle.fail("1.2.3.4", NOW))).toEqual([100, 200, 400]);
		expect(throttle.blockedFor("1.2.3.4", NOW)).toBe(60_000);
		expect(throttle.blockedFor("5.6.7.8", NOW)).toBe(0);
		expect(throttle.blockedFor("1.2.3.4", NOW + 60_000)).toBe(0);
	});

	it("forgets an address after a success", () => {
		const throttle = new LoginThrottle();
		throttle.fail("a", NOW);
		throttle.succeed("a");
		expect(throttle.size).toBe(0);
	});

	it("keeps its memory bounded", () => {
		const throttle = new LoginThrottle({
			windowMs: 60_000,
			maxFailures: 3,
			maxEntries: 50,
			baseDelayMs: 1,
			maxDelayMs: 1,
		});
		for (let i = 0; i < 1_000; i++) throttle.fail(`10.0.${i >> 8}.${i & 255}`, NOW);
		expect(throttle.size).toBe(50);
	});
});

describe("login throttle reservations", () => {
	it("counts an attempt when it is reserved, before any comparison, so a burst cannot pass the limit", () => {
		const throttle = new LoginThrottle(SMALL_THROTTLE);
		// Five attempts reserved before any of them is answered: only the first three go ahead.
		const burst = [1, 2, 3, 4, 5].map(() => throttle.reserve("1.2.3.4", NOW));
		expect(burst.map((a) => a.blockedMs)).toEqual([0, 0, 0, 60_000, 60_000]);
		expect(burst.slice(0, 3).map((a) => a.delayMs)).toEqual([100, 200, 400]);
		expect(throttle.reserve("5.6.7.8", NOW).blockedMs).toBe(0);
	});
});

describe("server-side sessions", () => {
	let database: TestDatabase;
	beforeAll(async () => {
		database = await openTestDatabase();
	});
	afterAll(async () => {
		await database?.close();
	});

	it("a session's cookie is refused once it is logged out, even replayed with a valid signature", async () => {
		const { value, session } = await openSession(database.db, TOKEN, NOW);
		expect(await activeSession(database.db, TOKEN, value, NOW + 1_000)).toEqual(session);
		await revokeSession(database.db, session, NOW + 2_000);
		// The signature still holds: only the server-side record makes the replay fail.
		expect(await verifySession(TOKEN, value, NOW + 3_000)).toEqual(session);
		expect(await activeSession(database.db, TOKEN, value, NOW + 3_000)).toBeNull();
	});

	it("logging out everywhere ends every other session, and a new login works afterwards", async () => {
		const laptop = await openSession(database.db, TOKEN, NOW);
		const phone = await openSession(database.db, TOKEN, NOW);
		expect(await revokeAllSessions(database.db, NOW + 1_000)).toBeGreaterThanOrEqual(2);
		expect(await activeSession(database.db, TOKEN, laptop.value, NOW + 2_000)).toBeNull();
		expect(await activeSession(database.db, TOKEN, phone.value, NOW + 2_000)).toBeNull();
		const fresh = await openSession(database.db, TOKEN, NOW + 3_000);
		expect(await activeSession(database.db, TOKEN, fresh.value, NOW + 4_000)).toEqual(fresh.session);
	});

	it("refuses a signed cookie that has no row (issued by hand with the token, never logged in)", async () => {
		const forged = await createSession(TOKEN, NOW);
		expect(await activeSession(database.db, TOKEN, forged.value, NOW)).toBeNull();
	});

	it("refuses an expired session and sweeps rows a day past their expiry at the next login", async () => {
		const old = await openSession(database.db, TOKEN, NOW);
		const later = NOW + (SESSION_TTL_SECONDS + 25 * 60 * 60) * 1000;
		expect(await activeSession(database.db, TOKEN, old.value, later)).toBeNull();
		await openSession(database.db, TOKEN, later);
		const { rows } = await database.exec("select count(*)::int as n from rebuttal.sessions where id = $1", [
			old.session.nonce,
		]);
		expect(rows[0]?.n).toBe(0);
	});
});
