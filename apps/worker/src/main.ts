// The worker's entry point. Two settings go first, before anything else is loaded:
// - the module hooks (see module-hooks.ts: ~170 MB less RSS at rest, drizzle-orm's resolution);
// - V8's young generation stays at its initial size. An import allocates ~1 KB of short-lived
//   strings per row; by default V8 then grew the young generation to tens of MB and never gave
//   it back, which was ~100 MB of the worker's peak RSS on a 500k-row import (303-340 MB vs
//   220-231 MB measured). Scavenges get more frequent but stay cheap (they copy only survivors);
//   the import was not slower. `--max-semi-space-size` would do the same but only as a node
//   option on every launcher; this flag still works when set at run time.
import v8 from 'node:v8';
import { registerFastModuleResolution } from '@acme/runtime/module-hooks';

v8.setFlagsFromString('--semi-space-growth-factor=1');
registerFastModuleResolution();
await import('./start.ts');
