-- Custom guard around drizzle-kit's two statements: merchants may have replaced rebuttal.activity with a view
-- (README, "Your activity data"); only rebuttal's own table gets the index.
DO $$ BEGIN
	IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('rebuttal.activity')) IN ('r', 'p') THEN
		DROP INDEX IF EXISTS "rebuttal"."activity_account_occurred_idx";
		CREATE INDEX "activity_account_occurred_idx" ON "rebuttal"."activity" USING btree ("account_id","occurred_at","kind","ip","device_id");
	END IF;
END $$;
