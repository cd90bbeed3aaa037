import { intakeApp } from "./app";

/** Intake deployed on its own: the webhook endpoint and the health check. */
export default { fetch: intakeApp.fetch } satisfies ExportedHandler<Env>;
