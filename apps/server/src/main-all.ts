// `pnpm start` without DATABASE_URL or REDIS_URL: server and worker in one process (see
// start-single-process.ts). As in the worker's entry, two settings go first, before anything else
// loads: the module hooks (drizzle-orm's resolution, ~170 MB less RSS at rest) and V8's young
// generation kept at its initial size (imports run in this process too; apps/worker/src/main.ts).
import v8 from 'node:v8';
import { registerFastModuleResolution } from '@acme/runtime/module-hooks';

v8.setFlagsFromString('--semi-space-growth-factor=1');
registerFastModuleResolution();
await import('./start-single-process.ts');
