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
