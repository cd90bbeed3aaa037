import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { sessions } from "../../schema";
import type { Db } from "../db/client";
import { createSession, SESSION_TTL_SECONDS, type Session, verifySession } from "./session";

/**
 * The server side of dashboard sessions. The cookie's signature is checked first (no database work for a forged
 * or expired cookie); a signed cookie is then good only while its row exists, is not revoked and has not expired,
 * so a cookie replayed after logout is refused.
 */

/** Logs in: a new session row and the cookie value that names it. Rows expired for a day are swept on the way. */
export async function openSession(
	db: Db,
	token: string,
	nowMs = Date.now(),
): Promise<{ value: string; session: Session }> {
	const created = await createSession(token, nowMs, SESSION_TTL_SECONDS);
	const { session } = created;
	await db.insert(sessions).values({
		id: session.nonce,
		createdAt: new Date(session.issuedAt * 1000),
		expiresAt: new Date(session.expiresAt * 1000),
	});
	await db.delete(sessions).where(lt(sessions.expiresAt, new Date(nowMs - 24 * 60 * 60_000)));
	return created;
}

/** The session a cookie proves, when its signature holds and its row is still live; null otherwise. */
export async function activeSession(
	db: Db,
	token: string,
	value: string | undefined,
	nowMs = Date.now(),
): Promise<Session | null> {
	const session = await verifySession(token, value, nowMs);
	if (!session) return null;
	const [row] = await db
		.select({ id: sessions.id })
		.from(sessions)
		.where(and(eq(sessions.id, session.nonce), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date(nowMs))));
	return row ? session : null;
}

/** Logout: this session's cookie stops working, wherever it was copied to. */
export async function revokeSession(db: Db, session: Session, nowMs = Date.now()): Promise<void> {
	await db
		.update(sessions)
		.set({ revokedAt: new Date(nowMs) })
		.where(and(eq(sessions.id, session.nonce), isNull(sessions.revokedAt)));
}

/** "Log out everywhere": every live session ends. Returns how many did. */
export async function revokeAllSessions(db: Db, nowMs = Date.now()): Promise<number> {
	const ended = await db
		.update(sessions)
		.set({ revokedAt: new Date(nowMs) })
		.where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date(nowMs))))
		.returning({ id: sessions.id });
	return ended.length;
}
