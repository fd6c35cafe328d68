ALTER TABLE "product_count_deltas" ADD COLUMN "writes" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The catalogue version is the sum of `writes`: every writing statement on products adds 1 in its
-- own transaction, so the version moves exactly when a change commits (list answers are cached
-- per version). Inserts and deletes already append a row for the totals; that row now counts too.
CREATE OR REPLACE FUNCTION product_count_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_count_deltas (total, active, writes)
  SELECT count(*), count(*) FILTER (WHERE active), 1 FROM new_rows HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION product_count_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_count_deltas (total, active, writes)
  SELECT -count(*), -count(*) FILTER (WHERE active), 1 FROM old_rows HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Any UPDATE statement (no transition table: a 500k-row update would have to keep all its rows).
CREATE FUNCTION product_version_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_count_deltas (total, active, writes) VALUES (0, 0, 1);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_version_update AFTER UPDATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION product_version_after_update();
--> statement-breakpoint
-- TRUNCATE empties the deltas (see 0002) but must not turn the version back: the sum is read
-- first (writers of products are locked out by the TRUNCATE, and a concurrent compaction keeps
-- the sum), then carried over plus one.
CREATE OR REPLACE FUNCTION product_count_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  version bigint;
BEGIN
  SELECT coalesce(sum(writes), 0) INTO version FROM product_count_deltas;
  TRUNCATE product_count_deltas;
  INSERT INTO product_count_deltas (total, active, writes) VALUES (0, 0, version + 1);
  RETURN NULL;
END $$;
