import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { createMemo, createSignal, Show } from 'solid-js';
import { useApi } from '../api/context.tsx';
import { usePageTitle } from '../components/page-title.ts';
import { isFinal } from './format.ts';
import { ImportHistory } from './import-history.tsx';
import { IMPORTS_KEY, importListQuery, RECENT_IMPORTS } from './import-queries.ts';
import { ImportView } from './import-view.tsx';
import { UploadCard } from './upload-card.tsx';

/**
 * Upload, review (columns, counts, changes), confirm, then follow the import live. Which import
 * is shown comes from the server (the running or waiting one, else the newest), so a reload or
 * another tab shows the same; a click in the history shows another.
 */
export function ImportsPage() {
  usePageTitle('Import');
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [chosenId, setChosenId] = createSignal<string>();
  const [uploading, setUploading] = createSignal(false);
  // Same query as the app's ImportWatcher: one request, kept live by its subscription.
  const recent = useQuery(() => importListQuery(client, RECENT_IMPORTS));
  const running = createMemo(() => recent.data?.items.find((item) => !isFinal(item.status)));
  const shownId = () => chosenId() ?? running()?.id ?? recent.data?.items[0]?.id;

  return (
    <>
      <div class="page-head">
        <h1>Import</h1>
      </div>
      <UploadCard
        onUploading={setUploading}
        onUploaded={(id) => {
          setChosenId(id);
          void queryClient.invalidateQueries({ queryKey: IMPORTS_KEY });
        }}
      />
      {/* While a new file uploads, an earlier import's panel (a failure, say) makes way. */}
      <Show when={!uploading() && shownId()} keyed>
        {(id) => <ImportView id={id} />}
      </Show>
      <ImportHistory selectedId={shownId()} onSelect={setChosenId} />
    </>
  );
}
