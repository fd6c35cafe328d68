import { loadConfig } from '@acme/runtime/config';
import { migrateDatabase } from './migrate.ts';

const config = loadConfig();
if (!config.DATABASE_URL) {
  console.error('Set DATABASE_URL. (`pnpm start` migrates its embedded PostgreSQL by itself.)');
  process.exit(78); // EX_CONFIG
}
await migrateDatabase(config.DATABASE_URL);
console.log('database is up to date');
