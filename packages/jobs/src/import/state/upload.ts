/**
 * The upload's transition (upload → `queued`: chunks, row and job in one transaction), an entry of
 * its own (`@acme/jobs/import-upload`) so that only what stores files (the upload route, the test
 * kit, bench:import) loads the file reader it checks a given mapping with.
 */
export { storeUpload, type Upload, type UploadOptions } from './store-upload.ts';
export { fileTooLarge } from '../chunk-framer.ts';
