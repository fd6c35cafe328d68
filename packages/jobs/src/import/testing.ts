// Helpers for tests and the import benchmark (bench/import.ts), which run without the upload route.
export { sampleCsv, sampleDistinctSkus, type SampleCsvOptions } from './sample-csv.ts';
export { storeFile } from './test-support.ts';
// The parse path alone, for bench/parse.ts.
export { openRecordSource } from './file/record-source.ts';
export { StagingEncoder } from './staging-encoder.ts';
// An .xlsx workbook of sample products, for bench/xlsx.ts.
export { writeSampleWorkbook } from './sample-xlsx.ts';
