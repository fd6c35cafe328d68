CREATE TABLE "deleted_products" (
	"deletion_id" uuid NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"id" bigint NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"active" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_journal" (
	"import_id" uuid NOT NULL,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	"product_id" bigint NOT NULL,
	"sku" text,
	"name" text,
	"description" text,
	"active" boolean,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "product_deletions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"products" integer NOT NULL,
	"restorable_until" timestamp with time zone NOT NULL,
	"restored_at" timestamp with time zone,
	"pruned_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "journaled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "revertible_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "reverted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "deleted_products_deleted_at_brin" ON "deleted_products" USING brin ("deleted_at");--> statement-breakpoint
CREATE INDEX "import_journal_written_at_brin" ON "import_journal" USING brin ("written_at");