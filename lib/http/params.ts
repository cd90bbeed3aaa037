import { z } from "zod";
import { STAGES } from "../../schema";
import { HttpError } from "./errors";

/**
 * Route parameters the operator API and the dashboard share, parsed once. The API refuses a malformed value with
 * 400; the dashboard pages read the same schemas leniently (`lenient`), so a stale link shows the first page
 * instead of an error.
 */

export const disputeId = z.string().regex(/^(du|dp)_\w{1,100}$/, "not a dispute id");

export const accountId = z.string().regex(/^acct_\w{1,100}$/, "not a connected account id");

export const stage = z.enum(STAGES);

export const limit = z.coerce.number().int().min(1).max(200).default(50);

/** Where a page of disputes continues: `<ISO time of the last row>|<its id>`, as `nextCursor` gives it. */
export interface Cursor {
	updatedAt: Date;
	id: string;
}

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z)\|((?:du|dp)_\w{1,100})$/;

/** A cursor that is not a real instant (month 13, day 45) is as malformed as one of the wrong shape. */
export const cursor = z.string().transform((value, ctx): Cursor => {
	const match = CURSOR.exec(value);
	const updatedAt = match ? new Date(match[1] as string) : undefined;
	if (!match || !updatedAt || Number.isNaN(updatedAt.getTime()) || !sameInstant(match[1] as string, updatedAt)) {
		ctx.addIssue({ code: "custom", message: "malformed cursor" });
		return z.NEVER;
	}
	return { updatedAt, id: match[2] as string };
});

/** `Date` rolls 2026-02-30 over into March; a cursor naming a day that does not exist is refused instead. */
function sameInstant(text: string, date: Date): boolean {
	return date.toISOString().slice(0, 19) === text.slice(0, 19);
}

/** A schema whose bad values read as absent, for links in pages. */
export function lenient<T extends z.ZodType>(schema: T) {
	return schema.optional().catch(undefined);
}

/** Parses request input, refusing it with a 400 that says what is wrong (never the value itself). */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
	const result = schema.safeParse(value);
	if (!result.success) throw new HttpError("bad_request", result.error.issues.map((i) => i.message).join("; "));
	return result.data;
}
