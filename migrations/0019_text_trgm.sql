DROP INDEX "products_name_trgm";--> statement-breakpoint
DROP INDEX "products_description_trgm";--> statement-breakpoint
CREATE INDEX "products_text_trgm" ON "products" USING gin ("name" gin_trgm_ops,"description" gin_trgm_ops);