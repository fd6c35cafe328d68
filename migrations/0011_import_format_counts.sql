ALTER TABLE "imports" ADD COLUMN "duplicates" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "blank" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "format" jsonb;
--> statement-breakpoint
-- SKUs are stored in Unicode NFC, so that a precomposed and a decomposed "CAFÉ-1" are one product
-- under the unique index on lower(sku). Products whose SKUs differ only by normalisation are one
-- product now: the most recently updated one stays (the last one written wins, as in an import).
DO $$
BEGIN
  IF current_setting('server_encoding') <> 'UTF8' THEN
    RETURN; -- normalize() needs UTF8; such a database holds no non-ASCII SKU worth merging
  END IF;
  DELETE FROM products p
  USING (
    SELECT id, row_number() OVER (
      PARTITION BY lower(normalize(sku, NFC)) ORDER BY updated_at DESC, id DESC
    ) AS rank
    FROM products
    WHERE lower(normalize(sku, NFC)) IN (
      SELECT lower(normalize(sku, NFC)) FROM products WHERE sku IS NOT NFC NORMALIZED
    )
  ) ranked
  WHERE p.id = ranked.id AND ranked.rank > 1;
  UPDATE products SET sku = normalize(sku, NFC) WHERE sku IS NOT NFC NORMALIZED;
END $$;
