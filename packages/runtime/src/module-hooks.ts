import { registerHooks } from 'node:module';

/**
 * Resolves drizzle-orm's internal relative imports (`./sql/index.js`) directly instead of through
 * Node's default ESM resolver.
 *
 * Why: on Node 24 the default resolve and load of every module look up the package scope, and
 * each lookup hands drizzle-orm's 175 KB package.json (its `exports` map) back to JavaScript as a
 * fresh string. drizzle-orm/pg-core is ~400 modules, so importing it allocated ~150 MB of
 * garbage, took over a second and left the process at ~240 MB RSS before any work (measured:
 * `import('drizzle-orm/pg-core')` 243 MB / 1.36 s without this hook, 52 MB / 0.05 s with it).
 *
 * Only relative specifiers whose parent is inside drizzle-orm are short-circuited: they stay in
 * the package (no symlinks inside it), and its `.js` files are ES modules (`"type": "module"`).
 * Everything else, bare specifiers included, goes through the default resolver unchanged.
 * Must run before anything imports drizzle-orm, so entry points register it and then import the
 * rest dynamically.
 */
export function registerFastModuleResolution(): void {
  registerHooks({ resolve: resolveDrizzleInternals });
}

export function resolveDrizzleInternals(
  specifier: string,
  context: { parentURL?: string | undefined },
  nextResolve: (specifier: string, context?: never) => { url: string; format?: string | null },
): { url: string; format?: string | null; shortCircuit?: boolean } {
  const parent = context.parentURL;
  if (
    parent?.startsWith('file:') &&
    parent.includes('/node_modules/drizzle-orm/') &&
    parent.endsWith('.js') &&
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js')
  )
    return { url: new URL(specifier, parent).href, format: 'module', shortCircuit: true };
  return nextResolve(specifier, context as never);
}
