ALTER TYPE "public"."import_status" ADD VALUE 'review' BEFORE 'importing';--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "review" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "preview" jsonb;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "staged" jsonb;