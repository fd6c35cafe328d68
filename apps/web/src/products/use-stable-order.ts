import { createEffect, createMemo, createSignal, on } from 'solid-js';

/**
 * Rows that stay where they are while the user works on them: once pinned, the rows on screen
 * keep their order (a row the new data no longer holds on this page stays, as last seen; rows
 * new to the page come after) until the view changes (another page, filter or order). Under the
 * default sort, newest change first, an edited row would otherwise jump to the top, and the
 * pointer would land on another product.
 */
export function useStableOrder<T, K>(
  items: () => T[],
  keyOf: (item: T) => K,
  viewKey: () => string,
) {
  const [pinned, setPinned] = createSignal<{ keys: K[] }>();
  /** The last version seen of each pinned row. */
  const lastSeen = new Map<K, T>();
  // Leaving the view ends the pin, also when the user comes back to the same view.
  createEffect(on(viewKey, () => setPinned(undefined), { defer: true }));

  const rows = createMemo(() => {
    const current = items();
    const pin = pinned();
    if (!pin) return current;
    for (const item of current) lastSeen.set(keyOf(item), item);
    const pinnedKeys = new Set(pin.keys);
    const out: T[] = [];
    for (const key of pin.keys) {
      const item = lastSeen.get(key);
      if (item !== undefined) out.push(item);
    }
    for (const item of current) if (!pinnedKeys.has(keyOf(item))) out.push(item);
    return out;
  });

  return {
    rows,
    /** Keeps the rows on screen in place until the view changes. */
    pin: () => {
      if (pinned()) return;
      lastSeen.clear();
      for (const item of items()) lastSeen.set(keyOf(item), item);
      setPinned({ keys: items().map(keyOf) });
    },
    /** Takes rows out of the pinned order (they were deleted). */
    forget: (keys: K[]) => {
      const pin = pinned();
      if (!pin) return;
      const gone = new Set(keys);
      setPinned({ ...pin, keys: pin.keys.filter((key) => !gone.has(key)) });
    },
    /** Lets the next data decide the order again. */
    release: () => setPinned(undefined),
  };
}
