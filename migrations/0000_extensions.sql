-- Trigram indexes serve the case-insensitive substring filters of the product list.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
