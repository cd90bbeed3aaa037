import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../local/env";
import { bundleWorker, type WorkerBundle } from "../../local/worker-build";

// `npm run build` is `wrangler deploy --dry-run`: the Worker must bundle for deployment, with its fonts, within
// Cloudflare's size limit (10 MiB compressed on paid plans, 3 MiB on the free plan).

let bundle: WorkerBundle;
beforeAll(async () => {
	bundle = await bundleWorker(join(PROJECT_ROOT, "wrangler.toml"));
});
afterAll(async () => bundle?.remove());

describe("the deployable bundle", () => {
	it("contains the Worker and the embedded Unicode fonts as data modules", async () => {
		const files = await readdir(bundle.dir);
		expect(files.filter((f) => f.endsWith(".ttf"))).toHaveLength(2);
		const script = await readFile(bundle.scriptPath, "utf8");
		expect(script).toContain("webhooks/stripe");
	});

	it("fits the free plan's 3 MiB compressed limit", async () => {
		let compressed = 0;
		for (const file of await readdir(bundle.dir)) {
			const path = join(bundle.dir, file);
			// Source maps stay on the developer's machine; they are not uploaded.
			if (!file.endsWith(".map") && (await stat(path)).isFile())
				compressed += gzipSync(await readFile(path)).byteLength;
		}
		expect(compressed).toBeLessThan(3 * 1024 * 1024);
	});
});
