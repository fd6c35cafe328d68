export { testConfig, type TestConfig } from './config.ts';
export { useTestDatabase, type TestDatabaseFixture } from './database.ts';
export { eventually } from './eventually.ts';
export { testLogger } from './logger.ts';
export { TEST_REDIS_URL, untilSubscribed } from './redis.ts';
export { startTestServer, type TestServer } from './server.ts';
export { startTestWorker, type TestWorker } from './worker.ts';
export {
  startTestReceiver,
  type ReceivedRequest,
  type Responder,
  type TestReceiver,
} from './receiver.ts';
export { corpusFile } from './corpus.ts';
export {
  errorsOf,
  importFile,
  productCount,
  productsBySku,
  readImport,
  storeFile,
  waitForFinal,
} from './imports.ts';
export {
  freePort,
  kill,
  spawnWorker,
  startRedis,
  useWorkerProcesses,
  type WorkerProcessesFixture,
} from './processes.ts';
export {
  sampleCsv,
  sampleDistinctSkus,
  writeSampleWorkbook,
  type SampleCsvOptions,
} from './samples.ts';
export {
  startInProcessWorker,
  useInProcessWorker,
  type InProcessWorker,
  type InProcessWorkerFixture,
} from './task-runner.ts';
