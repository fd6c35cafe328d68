export {
  asDate,
  createDatabase,
  transaction,
  type Database,
  type DatabaseOptions,
  type Db,
  type Sql,
  type Transaction,
  type TransactionSql,
} from './client.ts';
export {
  CatalogueStateReader,
  foldProductCounters,
  readCatalogueState,
  type CatalogueState,
} from './catalogue-state.ts';
export { IMPORT_LOCK_KEY } from './advisory-locks.ts';
export { copyIn } from './copy-in.ts';
export { isUndefinedTable, isUniqueViolation } from './pg-errors.ts';
export * from './schema/index.ts';
export {
  dropSearchIndexes,
  ensureSearchIndexes,
  SEARCH_INDEX_BUILD_LOCK,
  SEARCH_INDEXES,
  searchIndexBuildStatement,
} from './search-indexes.ts';
export { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
