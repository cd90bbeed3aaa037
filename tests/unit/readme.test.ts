import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
	CONFIG_NAMES,
	dashboardConfigSchema,
	intakeConfigSchema,
	notifyConfigSchema,
	pipelineConfigSchema,
	SECRET_NAMES,
	VARIABLES,
} from "../../lib/config";

// The README's configuration table is the merchant's reference: every variable a function reads is in it, and
// nothing else is.
const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Operator API"));
const names = new Set(
	[intakeConfigSchema, pipelineConfigSchema, notifyConfigSchema, dashboardConfigSchema].flatMap((schema) =>
		Object.keys(schema.shape),
	),
);
/** The table's rows: name and required column. */
const rows = [...table.matchAll(/^\| `([A-Z0-9_]+)` +\| ([^|]+?) +\|/gm)].map(([, name, required]) => ({
	name: name!,
	required: required!,
}));

describe("README configuration table", () => {
	it.each([...names])("documents %s", (name) => {
		expect(table).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, "m"));
	});

	it("documents exactly the variables of lib/config, each once", () => {
		expect(rows.map((r) => r.name).sort()).toEqual([...CONFIG_NAMES].sort());
	});

	it("says required exactly for the variables whose schema refuses them unset", () => {
		const required = rows.filter((r) => r.required.startsWith("yes")).map((r) => r.name);
		const refusedUnset = CONFIG_NAMES.filter((name) => !VARIABLES[name].schema.safeParse(undefined).success);
		expect(required.sort()).toEqual(refusedUnset.sort());
		for (const row of rows) expect(row.required, row.name).toMatch(/^(yes|no)\b/);
	});

	it("lists exactly the secrets of lib/config as secrets", () => {
		const sentence = /^Secrets, set with `npx wrangler secret put NAME`[^:]*:([^.]*)\./m.exec(table)?.[1] ?? "";
		const listed = [...sentence.matchAll(/`([A-Z0-9_]+)`/g)].map(([, name]) => name);
		expect(listed.sort()).toEqual([...SECRET_NAMES].sort());
	});
});
