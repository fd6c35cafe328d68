import { createEffect, createSignal, on } from 'solid-js';
import { BULK_IDS_MAX } from '@acme/shared';

/**
 * Which products the bulk actions apply to: some picked by hand (on any page, up to
 * BULK_IDS_MAX), or every product the current filter matches. A new filter starts afresh, so an
 * action never reaches products outside what is on screen.
 */
export function useSelection(filterKey: () => string) {
  const [ids, setIds] = createSignal<ReadonlySet<number>>(new Set());
  const [allMatching, setAllMatching] = createSignal(false);
  const clear = () => {
    setIds(new Set<number>());
    setAllMatching(false);
  };
  createEffect(on(filterKey, clear, { defer: true }));

  /** Picks or drops products; false when picking would pass the limit (nothing changes then). */
  const set = (changed: number[], selected: boolean): boolean => {
    const next = new Set(ids());
    for (const id of changed) {
      if (selected) next.add(id);
      else next.delete(id);
    }
    if (next.size > BULK_IDS_MAX) return false;
    setAllMatching(false);
    setIds(next);
    return true;
  };

  return {
    ids,
    allMatching,
    isSelected: (id: number) => allMatching() || ids().has(id),
    set,
    selectAllMatching: () => setAllMatching(true),
    clear,
    /** Whether anything is selected. */
    any: () => allMatching() || ids().size > 0,
  };
}

export type Selection = ReturnType<typeof useSelection>;
