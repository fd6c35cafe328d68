/**
 * Transaction-level advisory lock held by every bulk change of the catalogue that must not
 * interleave with another: an import's write, and the revert of an import. Imports also run one at
 * a time on their queue; this is the safeguard that holds across queues and processes.
 */
export const IMPORT_LOCK_KEY = 0x1_4d_50_52; // "IMPR"
