import { readFileSync } from 'node:fs';

/**
 * A file of the import corpus, real exports and supplier files as their programs write them
 * (packages/jobs/src/import/file/corpus; its README.md says where each comes from).
 */
export function corpusFile(name: string): Buffer {
  return readFileSync(new URL(`../../jobs/src/import/file/corpus/${name}`, import.meta.url));
}
