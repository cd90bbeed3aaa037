import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardConfigSchema, intakeConfigSchema, notifyConfigSchema, pipelineConfigSchema } from "../../lib/config";

// The README's configuration table is the merchant's reference: every variable a function reads is in it.
const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Operator API"));
const names = new Set(
	[intakeConfigSchema, pipelineConfigSchema, notifyConfigSchema, dashboardConfigSchema].flatMap((schema) =>
		Object.keys(schema.shape),
	),
);

describe("README configuration table", () => {
	it.each([...names])("documents %s", (name) => {
		expect(table).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, "m"));
	});
});
