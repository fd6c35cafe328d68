// The server's entry point. The module hooks go first, before anything imports drizzle-orm
// (see @acme/runtime/module-hooks: ~170 MB less RSS at rest); everything else loads after them.
import { registerFastModuleResolution } from '@acme/runtime/module-hooks';

registerFastModuleResolution();
await import('./start.ts');
