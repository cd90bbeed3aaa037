/**
 * Uploads the Noto range files to the deployed FONTS bucket (`npm run fonts:upload`), once per font package
 * version: the Worker reads them on demand to draw Chinese, Japanese, Korean, Devanagari and Thai. Locally,
 * `npm run dev` and the tests fill Miniflare's bucket themselves.
 */
import { execFileSync } from "node:child_process";
import { rangeFileObjects } from "./fonts";

const bucket = process.argv[2] ?? "rebuttal-fonts";
const objects = rangeFileObjects();
for (const [i, { key, path }] of objects.entries()) {
	execFileSync(
		"npx",
		["wrangler", "r2", "object", "put", `${bucket}/${key}`, "--file", path, "--content-type", "font/woff", "--remote"],
		{ stdio: ["ignore", "ignore", "inherit"] },
	);
	console.log(`${i + 1}/${objects.length} ${key}`);
}
