// The worker's entry point. The module hooks go in first, before anything imports drizzle-orm
// (see module-hooks.ts: ~100 MB less RSS at rest); everything else is loaded after them.
import { registerFastModuleResolution } from '@acme/runtime/module-hooks';

registerFastModuleResolution();
await import('./start.ts');
