CREATE INDEX "webhook_deliveries_test_created_idx" ON "webhook_deliveries" USING btree ("created_at") WHERE "webhook_deliveries"."event_id" is null;
