-- IF EXISTS: a large import drops the list's indexes and catalogue:maintain rebuilds them, so a
-- deploy can find them missing. The build holds writes to products while it runs (about a minute
-- at 500k rows); catalogue:maintain would build it concurrently, but the schema must hold it.
DROP INDEX IF EXISTS "products_name_trgm";--> statement-breakpoint
DROP INDEX IF EXISTS "products_description_trgm";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_text_trgm" ON "products" USING gin ("name" gin_trgm_ops,"description" gin_trgm_ops);
