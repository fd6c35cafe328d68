import { queryOptions, type QueryClient } from '@tanstack/solid-query';
import type { ApiClient } from '@acme/api/client';
import type { TImport, TImportChangeKind } from '@acme/shared';
import { trpcQuery } from '../api/query.ts';
import { importsClient } from '../api/routers.ts';

export const IMPORTS_KEY = ['imports'] as const;
/** The newest imports: where the active one (if any) is found, by every tab alike. */
export const RECENT_IMPORTS = { page: 1, pageSize: 10 } as const;

export const importListQuery = (client: ApiClient, input: { page: number; pageSize: number }) =>
  trpcQuery(['imports', 'list'], importsClient(client).list, input);

export const importByIdQuery = (client: ApiClient, id: string) =>
  trpcQuery(['imports', 'byId'], importsClient(client).byId, { id });

export const importErrorsQuery = (
  client: ApiClient,
  input: { id: string; page: number; pageSize: number },
) => trpcQuery(['imports', 'errors'], importsClient(client).errors, input);

interface ImportPage {
  items: TImport[];
}

/**
 * Puts a live state into every cached view of that import. States carry a version, so an older
 * one (e.g. a list fetched just before a progress event) never overwrites a newer one.
 */
export function applyImportState(queryClient: QueryClient, state: TImport): void {
  const newer = (old: TImport | undefined) => !old || old.version <= state.version;
  queryClient.setQueryData<TImport>(['imports', 'byId', { id: state.id }], (old) =>
    newer(old) ? state : old,
  );
  queryClient.setQueriesData<ImportPage>(
    { queryKey: ['imports', 'list'] },
    (page) =>
      page && {
        ...page,
        items: page.items.map((item) => (item.id === state.id && newer(item) ? state : item)),
      },
  );
}

/**
 * The rows of one kind of an import in review. The key carries the state's version: a new
 * mapping stages the rows anew, and the pages read before must not stand for the new ones.
 */
export const importChangesQuery = (
  client: ApiClient,
  input: { id: string; kind: TImportChangeKind; page: number; pageSize: number },
  version: number,
) =>
  queryOptions({
    queryKey: ['imports', 'changes', input, version] as const,
    queryFn: ({ signal }) => importsClient(client).changes.query(input, { signal }),
  });

/** The file's first rows as the import in review will store them (keyed by version, as above). */
export const importSampleQuery = (client: ApiClient, id: string, version: number) =>
  queryOptions({
    queryKey: ['imports', 'sample', { id }, version] as const,
    queryFn: ({ signal }) => importsClient(client).sample.query({ id }, { signal }),
  });

/** The values of the active column and how they read (keyed by version, as above). */
export const importActiveValuesQuery = (client: ApiClient, id: string, version: number) =>
  queryOptions({
    queryKey: ['imports', 'activeValues', { id }, version] as const,
    queryFn: ({ signal }) => importsClient(client).activeValues.query({ id }, { signal }),
  });
