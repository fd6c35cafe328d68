import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  // src/check-migrations.ts points this at a scratch copy to detect drift.
  out: process.env['DRIZZLE_MIGRATIONS_DIR'] ?? '../../migrations',
  casing: 'snake_case',
  // graphile-worker owns its own schema and migrates it itself.
  schemaFilter: ['public'],
  dbCredentials: { url: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/acme' },
});
