ALTER TABLE "imports" ADD COLUMN "phase" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "rows_to_write" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "rows_written" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "interruptions" jsonb DEFAULT '[]'::jsonb NOT NULL;