import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { resolveDrizzleInternals } from '@acme/runtime/module-hooks';

// The worker resolves drizzle-orm's relative imports itself (module-hooks.ts); this checks that
// what it returns is what Node would load: the real file, an ES module, for a real drizzle build.
// (drizzle-orm/index.cjs sits at the package root; package.json is not exported)
const drizzleRoot = path.dirname(
  realpathSync(createRequire(import.meta.url).resolve('drizzle-orm')),
);
const nextResolve = (specifier: string) => ({ url: `next:${specifier}`, format: null });

test('drizzle-orm internals resolve to the real ES module files', () => {
  expect(
    (JSON.parse(readFileSync(path.join(drizzleRoot, 'package.json'), 'utf8')) as { type: string })
      .type,
  ).toBe('module');
  const parent = pathToFileURL(path.join(drizzleRoot, 'pg-core', 'index.js')).href;
  const specifiers = [
    ...readFileSync(fileURLToPath(parent), 'utf8').matchAll(/from "(\.{1,2}\/[^"]+)"/g),
  ].map((match) => match[1]!);
  expect(specifiers.length).toBeGreaterThan(10);
  for (const specifier of [...specifiers, '../sql/index.js']) {
    const resolved = resolveDrizzleInternals(specifier, { parentURL: parent }, nextResolve);
    expect(resolved).toMatchObject({ format: 'module', shortCircuit: true });
    const file = fileURLToPath(resolved.url);
    expect(realpathSync(file)).toBe(file);
  }
});

test('everything else goes to the default resolver', () => {
  const inDrizzle = pathToFileURL(path.join(drizzleRoot, 'index.js')).href;
  const ours = pathToFileURL(fileURLToPath(import.meta.url)).href;
  for (const [specifier, parentURL] of [
    ['postgres', inDrizzle], // bare
    ['./index.cjs', inDrizzle], // not an ES module file
    ['./client.ts', ours], // not inside drizzle-orm
  ] as const)
    expect(resolveDrizzleInternals(specifier, { parentURL }, nextResolve)).toEqual(
      nextResolve(specifier),
    );
});
