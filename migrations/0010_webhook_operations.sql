DROP INDEX "webhook_delivery_attempts_webhook_idx";--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD COLUMN "request_headers" jsonb;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "url_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_status_idx" ON "webhook_deliveries" USING btree ("webhook_id","status","created_at");--> statement-breakpoint
CREATE INDEX "webhook_delivery_attempts_webhook_at_idx" ON "webhook_delivery_attempts" USING btree ("webhook_id","at");--> statement-breakpoint
-- Webhooks saved before this migration have had their URL since they were created.
UPDATE "webhooks" SET "url_changed_at" = "created_at";