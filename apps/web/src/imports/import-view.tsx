import { useQuery } from '@tanstack/solid-query';
import { Show } from 'solid-js';
import { useApi } from '../api/context.tsx';
import { ImportPanel } from './import-panel.tsx';
import { importByIdQuery } from './import-queries.ts';
import { ImportReview } from './import-review.tsx';
import { isReviewing } from './review.ts';

/**
 * One import: its review while nobody has confirmed or cancelled it, else its live progress and
 * outcome. Confirming turns the one into the other in place.
 */
export function ImportView(props: { id: string }) {
  const { client } = useApi();
  const query = useQuery(() => importByIdQuery(client, props.id));
  return (
    <Show
      when={query.data && isReviewing(query.data) ? query.data : undefined}
      fallback={<ImportPanel id={props.id} />}
    >
      {(state) => <ImportReview state={state()} />}
    </Show>
  );
}
