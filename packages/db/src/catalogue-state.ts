import type { Sql } from './client.ts';

/**
 * The catalogue's totals and version, summed from product_count_deltas (a handful of rows) in one
 * snapshot. `version` grows with every committed write to products and never otherwise, so an
 * answer computed from the catalogue at one version is still right while the version is the same.
 */
export interface CatalogueState {
  version: number;
  total: number;
  active: number;
}

export async function readCatalogueState(sql: Sql): Promise<CatalogueState> {
  const [row] = await sql<CatalogueState[]>`
    select coalesce(sum(writes), 0)::float8 as version, coalesce(sum(total), 0)::int as total,
      coalesce(sum(active), 0)::int as active
    from product_count_deltas`;
  return row ?? { version: 0, total: 0, active: 0 };
}

/** Folds the counter rows into one (every sum kept), so reading them stays O(1). */
export async function foldProductCounters(sql: Sql): Promise<void> {
  await sql`
    with gone as (delete from product_count_deltas returning total, active, writes)
    insert into product_count_deltas (total, active, writes)
    select coalesce(sum(total), 0), coalesce(sum(active), 0), coalesce(sum(writes), 0) from gone`;
}

/**
 * Reads the catalogue state for many concurrent requests with few queries: a request joins the
 * next read to start, never one already under way (whose snapshot may predate the request, and
 * miss a write the caller saw commit). So at most one read runs and one waits, whatever the load,
 * and every caller still sees every change committed before it asked.
 */
export class CatalogueStateReader {
  private readonly readState: () => Promise<CatalogueState>;
  private running: Promise<CatalogueState> | undefined;
  private waiting: Promise<CatalogueState> | undefined;

  constructor(sql: Sql, read: (sql: Sql) => Promise<CatalogueState> = readCatalogueState) {
    this.readState = () => read(sql);
  }

  read(): Promise<CatalogueState> {
    if (!this.running) return this.start();
    this.waiting ??= this.running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.waiting = undefined;
        return this.start();
      });
    return this.waiting;
  }

  private start(): Promise<CatalogueState> {
    const read: Promise<CatalogueState> = this.readState().finally(() => {
      if (this.running === read) this.running = undefined;
    });
    this.running = read;
    return read;
  }
}
