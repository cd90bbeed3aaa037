import { dashboardApp } from "./app";

/** The operator API deployed on its own. */
export default { fetch: dashboardApp.fetch } satisfies ExportedHandler<Env>;
