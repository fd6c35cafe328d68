import { LRUCache } from 'lru-cache';
import { CatalogueStateReader, type CatalogueState, type Sql } from '@acme/db';
import type { TProductListOutput } from '@acme/shared';

/** What is known about the number of products matching one set of filters. */
export interface KnownTotal {
  total: number;
  estimate: boolean;
}

/** Bytes of answers one server keeps (a 25-row page of typical products is ~10 KB). */
const PAGE_CACHE_BYTES = 32 * 1024 * 1024;
const TOTALS_CACHED = 2_000;

function approximateBytes(output: TProductListOutput): number {
  let bytes = 200;
  for (const item of output.items) {
    bytes += 120 + 2 * (item.sku.length + item.name.length + item.description.length);
  }
  return bytes;
}

/**
 * The list's answers and totals at one catalogue version, per server. Every request reads the
 * version from the database (concurrent requests share reads, see CatalogueStateReader), so an
 * answer is reused only while nothing in the catalogue changed since it was computed, on any
 * server; a newer version drops it all. Identical requests arriving together share one
 * computation, so a burst after a change (every open dashboard refetching) costs the database one
 * query set, not one per client. Answers are frozen: they are shared, and the API's transformer
 * serializes a frozen answer once (see trpc.ts).
 */
export class ProductListCache {
  private readonly reader: CatalogueStateReader;
  private version = -1;
  private readonly pages = new LRUCache<string, TProductListOutput>({
    maxSize: PAGE_CACHE_BYTES,
    sizeCalculation: approximateBytes,
  });
  private readonly totals = new LRUCache<string, KnownTotal>({ max: TOTALS_CACHED });
  private readonly running = new Map<string, Promise<TProductListOutput>>();

  constructor(sql: Sql) {
    this.reader = new CatalogueStateReader(sql);
  }

  /** The catalogue's version and totals, as of a moment after this call. */
  state(): Promise<CatalogueState> {
    return this.reader.read();
  }

  /** Moves to `version` if it is newer; false when it is older than what the cache holds. */
  private at(version: number): boolean {
    if (version > this.version) {
      this.version = version;
      this.pages.clear();
      this.totals.clear();
      this.running.clear();
    }
    return version === this.version;
  }

  /** The answer for `key` at `version`: cached, already being computed, or computed now. */
  page(
    version: number,
    key: string,
    compute: () => Promise<TProductListOutput>,
  ): Promise<TProductListOutput> {
    // A request whose snapshot is older than the cache's answers from its own snapshot.
    if (!this.at(version)) return compute();
    const cached = this.pages.get(key);
    if (cached) return Promise.resolve(cached);
    const running = this.running.get(key);
    if (running) return running;
    const computed = compute()
      .then((output) => {
        Object.freeze(output);
        if (this.version === version) this.pages.set(key, output);
        return output;
      })
      .finally(() => {
        if (this.running.get(key) === computed) this.running.delete(key);
      });
    this.running.set(key, computed);
    return computed;
  }

  total(version: number, filterKey: string): KnownTotal | undefined {
    return this.at(version) ? this.totals.get(filterKey) : undefined;
  }

  rememberTotal(version: number, filterKey: string, known: KnownTotal): void {
    if (!this.at(version)) return;
    // An exact total is never replaced by an estimate.
    if (known.estimate && this.totals.get(filterKey)?.estimate === false) return;
    this.totals.set(filterKey, known);
  }
}
