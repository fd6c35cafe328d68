// Sample files for tests and the benchmarks (bench/), without vitest: the benchmarks run on plain Node.
export { sampleCsv, sampleDistinctSkus, type SampleCsvOptions } from './sample-csv.ts';
export { writeSampleWorkbook } from './sample-xlsx.ts';
