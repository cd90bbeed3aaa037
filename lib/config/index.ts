import { z } from "zod";
import { ConfigError } from "../errors";
import { type ConfigName, type Reader, VARIABLES } from "./variables";

/**
 * Configuration, validated once at each handler's start against the schema of what that function reads
 * (variables.ts says which). Messages name variables and the shape expected, never the values (they may be secrets).
 */

export { DATABASE_URL_UNPARSEABLE, MIN_PDF_PAGES } from "./values";
export { CONFIG_NAMES, type ConfigName, type Reader, SECRET_NAMES, VARIABLES } from "./variables";

type Table = typeof VARIABLES;
type ShapeOf<R extends Reader> = {
	[N in ConfigName as R extends Table[N]["usedBy"][number] ? N : never]: Table[N]["schema"];
};

function schemaOf<R extends Reader>(reader: R): z.ZodObject<ShapeOf<R>> {
	const entries = Object.entries(VARIABLES).filter(([, variable]) =>
		(variable.usedBy as readonly Reader[]).includes(reader),
	);
	// The filter above is what ShapeOf<R> spells at the type level.
	return z.object(
		Object.fromEntries(entries.map(([name, variable]) => [name, variable.schema])),
	) as unknown as z.ZodObject<ShapeOf<R>>;
}

export const intakeConfigSchema = schemaOf("intake");
export const pipelineConfigSchema = schemaOf("pipeline");
export const notifyConfigSchema = schemaOf("notify");
export const dashboardConfigSchema = schemaOf("dashboard");
/** Every variable at once, as `npm run doctor` checks them. */
export const allConfigSchema = z.object(
	Object.fromEntries(Object.entries(VARIABLES).map(([name, variable]) => [name, variable.schema])),
) as unknown as z.ZodObject<{ [N in ConfigName]: Table[N]["schema"] }>;

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;

export function parseConfig<T extends z.ZodType>(schema: T, env: unknown): z.infer<T> {
	const result = schema.safeParse(env);
	if (result.success) return result.data;
	const problems = result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
	throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
}
