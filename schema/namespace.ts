import { pgSchema } from "drizzle-orm/pg-core";

/** Everything rebuttal reads or writes lives in one Postgres schema. */
export const rebuttal = pgSchema("rebuttal");
