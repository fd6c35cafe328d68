-- Keeps product_count_deltas in step with products, so the unfiltered and active-only totals of
-- the list are a sum over a few rows instead of count(*) over the table. Statement-level triggers
-- with transition tables add one row per writing statement (a 500k-row import adds one row);
-- updates only matter when `active` flips, so that one is a row trigger with a WHEN guard.
CREATE FUNCTION product_count_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_count_deltas (total, active)
  SELECT count(*), count(*) FILTER (WHERE active) FROM new_rows HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION product_count_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_count_deltas (total, active)
  SELECT -count(*), -count(*) FILTER (WHERE active) FROM old_rows HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION product_count_after_active_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_count_deltas (total, active) VALUES (0, CASE WHEN NEW.active THEN 1 ELSE -1 END);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- TRUNCATE (not DELETE) so that a counter compaction committing concurrently cannot leave its
-- summary row behind: the exclusive lock waits for it, then everything goes.
CREATE FUNCTION product_count_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE product_count_deltas;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_count_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_count_after_insert();
--> statement-breakpoint
CREATE TRIGGER products_count_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION product_count_after_delete();
--> statement-breakpoint
CREATE TRIGGER products_count_active AFTER UPDATE OF active ON products
  FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active) EXECUTE FUNCTION product_count_after_active_change();
--> statement-breakpoint
CREATE TRIGGER products_count_truncate AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION product_count_after_truncate();
