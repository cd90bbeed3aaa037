CREATE TABLE "rebuttal"."activity_daily" (
	"account_id" text NOT NULL,
	"dimension" text NOT NULL,
	"day" date,
	"value" text,
	"events" bigint NOT NULL,
	"first_at" timestamp with time zone,
	"last_at" timestamp with time zone,
	CONSTRAINT "activity_daily_bucket" UNIQUE NULLS NOT DISTINCT("account_id","dimension","day","value")
);
--> statement-breakpoint
-- Custom, after drizzle-kit's table: the triggers that keep rebuttal.activity_daily exact, and the backfill.
-- The functions run as their owner (SECURITY DEFINER, with a fixed search_path): an app that may only write
-- rebuttal.activity needs no grant on the summary, and only the triggers (and the owner) can recount.
-- Inserts only add to their buckets (row locks on the buckets keep concurrent adds exact; sorted, so two
-- statements lock them in one order). A delete or an update counts the account-days it touched again, under a
-- lock that waits for every uncommitted add and holds back new ones until it commits, so no add is lost or
-- counted twice; deletes and updates of activity are rare, inserts are not.
CREATE OR REPLACE FUNCTION "rebuttal"."activity_daily_insert"() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	INSERT INTO rebuttal.activity_daily AS d (account_id, dimension, day, value, events, first_at, last_at)
	SELECT n.account_id, v.dimension, (n.occurred_at AT TIME ZONE 'UTC')::date, v.value, count(*), min(n.occurred_at),
		max(n.occurred_at)
	FROM new_rows n CROSS JOIN LATERAL (VALUES ('kind', n.kind), ('ip', n.ip), ('device', n.device_id)) AS v(dimension, value)
	WHERE n.account_id IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
	ON CONFLICT ON CONSTRAINT activity_daily_bucket DO UPDATE SET events = d.events + excluded.events,
		first_at = least(d.first_at, excluded.first_at), last_at = greatest(d.last_at, excluded.last_at);
	RETURN NULL;
END $$;
--> statement-breakpoint
-- The account-days a delete or an update touched, counted again from the activity itself (a first or last time
-- cannot be taken back by subtraction).
CREATE OR REPLACE FUNCTION "rebuttal"."activity_daily_recount"(accounts text[], days date[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF coalesce(cardinality(accounts), 0) = 0 THEN
		RETURN;
	END IF;
	LOCK TABLE rebuttal.activity_daily IN SHARE ROW EXCLUSIVE MODE;
	DELETE FROM rebuttal.activity_daily d USING unnest(accounts, days) AS t(account_id, day)
	WHERE d.account_id = t.account_id AND d.day IS NOT DISTINCT FROM t.day;
	-- Two statements, not one OR, so each reads the account's rows through the (account_id, occurred_at) index.
	INSERT INTO rebuttal.activity_daily (account_id, dimension, day, value, events, first_at, last_at)
	SELECT a.account_id, v.dimension, t.day, v.value, count(*), min(a.occurred_at), max(a.occurred_at)
	FROM (SELECT DISTINCT * FROM unnest(accounts, days)) AS t(account_id, day)
	JOIN rebuttal.activity a ON a.account_id = t.account_id
		AND a.occurred_at >= (t.day::timestamp AT TIME ZONE 'UTC') AND a.occurred_at < ((t.day + 1)::timestamp AT TIME ZONE 'UTC')
	CROSS JOIN LATERAL (VALUES ('kind', a.kind), ('ip', a.ip), ('device', a.device_id)) AS v(dimension, value)
	WHERE t.day IS NOT NULL
	GROUP BY 1, 2, 3, 4;
	INSERT INTO rebuttal.activity_daily (account_id, dimension, day, value, events, first_at, last_at)
	SELECT a.account_id, v.dimension, NULL::date, v.value, count(*), NULL::timestamptz, NULL::timestamptz
	FROM (SELECT DISTINCT account_id FROM unnest(accounts, days) AS t(account_id, day) WHERE day IS NULL) AS t
	JOIN rebuttal.activity a ON a.account_id = t.account_id AND a.occurred_at IS NULL
	CROSS JOIN LATERAL (VALUES ('kind', a.kind), ('ip', a.ip), ('device', a.device_id)) AS v(dimension, value)
	GROUP BY 1, 2, 3, 4;
END $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION "rebuttal"."activity_daily_recount"(text[], date[]) FROM PUBLIC;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "rebuttal"."activity_daily_delete"() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM rebuttal.activity_daily_recount(array_agg(account_id), array_agg(day))
	FROM (SELECT DISTINCT account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day FROM old_rows
		WHERE account_id IS NOT NULL) touched;
	RETURN NULL;
END $$;
--> statement-breakpoint
-- Only the rows whose account, time, kind, IP or device changed (matched by id; a row whose id changed counts as
-- removed and added): an update of `detail` or `user_agent` alone recounts nothing.
CREATE OR REPLACE FUNCTION "rebuttal"."activity_daily_update"() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM rebuttal.activity_daily_recount(array_agg(account_id), array_agg(day))
	FROM (
		SELECT o.account_id, (o.occurred_at AT TIME ZONE 'UTC')::date AS day
		FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
		WHERE n.id IS NULL OR (o.account_id, o.occurred_at, o.kind, o.ip, o.device_id)
			IS DISTINCT FROM (n.account_id, n.occurred_at, n.kind, n.ip, n.device_id)
		UNION
		SELECT n.account_id, (n.occurred_at AT TIME ZONE 'UTC')::date AS day
		FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
		WHERE o.id IS NULL OR (o.account_id, o.occurred_at, o.kind, o.ip, o.device_id)
			IS DISTINCT FROM (n.account_id, n.occurred_at, n.kind, n.ip, n.device_id)
	) touched WHERE account_id IS NOT NULL;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "rebuttal"."activity_daily_truncate"() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	TRUNCATE rebuttal.activity_daily;
	RETURN NULL;
END $$;
--> statement-breakpoint
-- Counts everything again from the activity (the doctor's fix when its check finds the summary off, e.g. after
-- the triggers were disabled for a while): `SELECT rebuttal.activity_daily_rebuild();`
CREATE OR REPLACE FUNCTION "rebuttal"."activity_daily_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	LOCK TABLE rebuttal.activity IN SHARE MODE;
	TRUNCATE rebuttal.activity_daily;
	INSERT INTO rebuttal.activity_daily (account_id, dimension, day, value, events, first_at, last_at)
	SELECT a.account_id, v.dimension, (a.occurred_at AT TIME ZONE 'UTC')::date, v.value, count(*), min(a.occurred_at),
		max(a.occurred_at)
	FROM rebuttal.activity a CROSS JOIN LATERAL (VALUES ('kind', a.kind), ('ip', a.ip), ('device', a.device_id)) AS v(dimension, value)
	WHERE a.account_id IS NOT NULL GROUP BY 1, 2, 3, 4;
END $$;
--> statement-breakpoint
-- Only rebuttal's own table gets the triggers: a merchant's view (README, "Your activity data") has none, and its
-- facts are read from the rows. ENABLE ALWAYS: rows a logical replica applies are counted too.
DO $$ BEGIN
	IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('rebuttal.activity')) IN ('r', 'p') THEN
		CREATE TRIGGER activity_daily_insert AFTER INSERT ON rebuttal.activity
			REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebuttal.activity_daily_insert();
		CREATE TRIGGER activity_daily_delete AFTER DELETE ON rebuttal.activity
			REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rebuttal.activity_daily_delete();
		CREATE TRIGGER activity_daily_update AFTER UPDATE ON rebuttal.activity
			REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
			FOR EACH STATEMENT EXECUTE FUNCTION rebuttal.activity_daily_update();
		CREATE TRIGGER activity_daily_truncate AFTER TRUNCATE ON rebuttal.activity
			FOR EACH STATEMENT EXECUTE FUNCTION rebuttal.activity_daily_truncate();
		ALTER TABLE rebuttal.activity ENABLE ALWAYS TRIGGER activity_daily_insert;
		ALTER TABLE rebuttal.activity ENABLE ALWAYS TRIGGER activity_daily_delete;
		ALTER TABLE rebuttal.activity ENABLE ALWAYS TRIGGER activity_daily_update;
		ALTER TABLE rebuttal.activity ENABLE ALWAYS TRIGGER activity_daily_truncate;
		PERFORM rebuttal.activity_daily_rebuild();
	END IF;
END $$;
