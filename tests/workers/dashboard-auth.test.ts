import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../functions/index";

async function call(path: string, init: RequestInit = {}, overrides: Partial<Env> = {}) {
	const ctx = createExecutionContext();
	return worker.fetch(new Request(`https://rebuttal.test${path}`, init), { ...env, ...overrides }, ctx);
}

const routes: [string, string][] = [
	["GET", "/api/disputes"],
	["GET", "/api/disputes/du_123"],
	["POST", "/api/disputes/du_123/retry"],
	["POST", "/api/disputes/du_123/approve"],
	["POST", "/api/disputes/du_123/appeal"],
];

describe.each(routes)("%s %s", (method, path) => {
	it("answers 401 without a token", async () => {
		const response = await call(path, { method });
		expect(response.status).toBe(401);
		expect(response.headers.get("www-authenticate")).toContain("Bearer");
	});

	it.each([
		["a wrong token", "Bearer wrong-token-wrong-token"],
		["the token with a suffix", `Bearer ${env.DASHBOARD_TOKEN}x`],
		["a Basic header", `Basic ${btoa(`x:${env.DASHBOARD_TOKEN}`)}`],
		["the bare token", `${env.DASHBOARD_TOKEN}`],
	])("answers 401 with %s", async (_name, authorization) => {
		const response = await call(path, { method, headers: { authorization } });
		expect(response.status).toBe(401);
	});

	it("answers 503 when no token is configured, never open", async () => {
		const response = await call(
			path,
			{ method, headers: { authorization: "Bearer anything-at-all-here" } },
			{ DASHBOARD_TOKEN: undefined },
		);
		expect(response.status).toBe(503);
	});
});

describe("with a valid token", () => {
	it("rejects a malformed dispute id with 400 before touching the database", async () => {
		const response = await call("/api/disputes/not-a-dispute", {
			headers: { authorization: `Bearer ${env.DASHBOARD_TOKEN}` },
		});
		expect(response.status).toBe(400);
	});

	it.each([
		["an unknown stage", "?stage=nope"],
		["a limit over 200", "?limit=201"],
		["a malformed cursor", "?cursor=abc"],
	])("rejects %s with 400", async (_name, query) => {
		const response = await call(`/api/disputes${query}`, {
			headers: { authorization: `Bearer ${env.DASHBOARD_TOKEN}` },
		});
		expect(response.status).toBe(400);
	});
});

describe("login throttling", () => {
	function login(headers: Record<string, string>, token = "wrong-token-wrong-token") {
		return call("/dashboard/login", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
			body: new URLSearchParams({ token }).toString(),
		});
	}

	it("counts each attempt before comparing, so concurrent attempts cannot all get past the limit", async () => {
		// Fired at once: none has been answered when the others arrive.
		const responses = await Promise.all(
			Array.from({ length: 15 }, () => login({ "cf-connecting-ip": "198.51.100.1" })),
		);
		const statuses = responses.map((r) => r.status).sort();
		expect(statuses.filter((s) => s === 401)).toHaveLength(10);
		expect(statuses.filter((s) => s === 429)).toHaveLength(5);
		expect(responses.find((r) => r.status === 429)?.headers.get("retry-after")).toMatch(/^\d+$/);
	}, 30_000);

	it("keys on CF-Connecting-IP alone: a client-supplied X-Real-IP or X-Forwarded-For does not start afresh", async () => {
		const first = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				login({ "x-real-ip": `192.0.2.${i}`, "x-forwarded-for": `192.0.2.${100 + i}` }),
			),
		);
		expect(first.map((r) => r.status)).toEqual(Array(10).fill(401));
		expect((await login({ "x-real-ip": "192.0.2.200", "x-forwarded-for": "192.0.2.201" })).status).toBe(429);
	}, 60_000);

	it("never lets someone else's failures lock the operator's address out", async () => {
		// Failures that name the operator's address in headers a client controls count against the sender.
		await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				login({ "x-real-ip": "203.0.113.9", "cf-connecting-ip": `198.51.100.${50 + i}` }),
			),
		);
		await Promise.all(Array.from({ length: 12 }, () => login({ "x-real-ip": "203.0.113.9" })));
		const operator = await login({ "cf-connecting-ip": "203.0.113.9" });
		expect(operator.status).toBe(401);
		expect(await operator.text()).toContain("That token is not right.");
	}, 120_000);

	it("refuses a 30 MB login form with 413 before reading it", async () => {
		const huge = `token=${"a".repeat(30 * 1024 * 1024)}`;
		const response = await call("/dashboard/login", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.3" },
			body: huge,
		});
		expect(response.status).toBe(413);
	});

	it("refuses a streamed login form without Content-Length once it passes the cap", async () => {
		let sent = 0;
		const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= 30 * 1024 * 1024) return controller.close();
				sent += chunk.byteLength;
				controller.enqueue(chunk);
			},
		});
		const response = await call("/dashboard/login", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.4" },
			body,
		});
		expect(response.status).toBe(413);
		expect(sent).toBeLessThan(1024 * 1024);
	});
});

describe("bad input is a 4xx, never a 500", () => {
	it.each([
		["month 13, day 45", "2026-13-45T00:00:00.000Z|du_1"],
		["February 30", "2026-02-30T10:00:00.000Z|du_1"],
		["hour 25", "2026-01-10T25:00:00Z|du_1"],
	])("a cursor of the right shape that is no real instant (%s) is a 400", async (_name, value) => {
		const response = await call(`/api/disputes?cursor=${encodeURIComponent(value)}`, {
			headers: { authorization: `Bearer ${env.DASHBOARD_TOKEN}` },
		});
		expect(response.status).toBe(400);
		expect(((await response.json()) as { error: { code: string } }).error.code).toBe("bad_request");
	});

	it.each(["xyz", "http://", "://x", "https://exa mple.org"])("an Origin of %j on login is a 400", async (origin) => {
		const response = await call("/dashboard/login", {
			method: "POST",
			headers: {
				"content-type": "application/x-www-form-urlencoded",
				origin,
				"cf-connecting-ip": "198.51.100.5",
			},
			body: "token=x",
		});
		expect(response.status).toBe(400);
		expect(response.headers.get("content-type")).toContain("text/html");
	});
});

describe("headers", () => {
	const bearer = { authorization: `Bearer ${env.DASHBOARD_TOKEN}` };
	it.each([
		["a 401", "/api/disputes", {}],
		["a 400", "/api/disputes?limit=0", bearer],
		["a 404", "/api/no-such-route", bearer],
	])("/api JSON is never cached nor sniffed (%s)", async (_name, path, headers) => {
		const response = await call(path, { headers });
		expect(response.headers.get("content-type")).toContain("application/json");
		expect(response.headers.get("cache-control")).toBe("no-store");
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");
	});

	it("sends HSTS over https only", async () => {
		expect((await call("/api/disputes")).headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
		expect((await call("/dashboard/login")).headers.get("strict-transport-security")).toMatch(/max-age=/);
		const plain = await worker.fetch(new Request("http://rebuttal.test/api/disputes"), env, createExecutionContext());
		expect(plain.headers.get("strict-transport-security")).toBeNull();
	});
});
