CREATE INDEX "products_name_sort" ON "products" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "products_updated_at_sort" ON "products" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "products_active_sort" ON "products" USING btree ("active","id");