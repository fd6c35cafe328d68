// Writes client-types/router.d.ts: the router's types as clients see them, inferred from
// src/router.ts by TypeScript's declaration emit. The dashboard and other clients typecheck
// against this one file instead of the server's sources (api, db, jobs, realtime, runtime and
// drizzle's declarations). The server's request context, which clients never see, becomes an
// opaque type; any other reference to server code fails the run, so a change to the router
// cannot silently couple the clients to the server again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const packageDir = resolve(import.meta.dirname, '..');
const routerFile = join(packageDir, 'src/router.ts');
const contextFile = join(packageDir, 'src/context.ts');
const outFile = join(packageDir, 'client-types/router.d.ts');

/** What the declaration may refer to: packages a tRPC client has anyway, or browser-safe ones. */
const CLIENT_SAFE_MODULES = new Set([
  '@trpc/server',
  '@trpc/server/unstable-core-do-not-import',
  '@acme/shared',
]);

const HEADER = `// Generated from src/router.ts by scripts/emit-client-types.ts (\`pnpm api:client-types\`;
// \`pnpm install\` and \`pnpm typecheck\` run it too). Do not edit.
`;

const SERVER_CONTEXT = `
declare const serverOnly: unique symbol;
/** The server's request context (src/context.ts): procedures receive it, clients never do. */
interface ServerContext {
    readonly [serverOnly]: never;
}
`;

function fail(message: string): never {
  console.error(`emit-client-types: ${message}`);
  process.exit(1);
}

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(packageDir, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) =>
      fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
  });
  if (!parsed) fail('cannot read tsconfig.json');
  return {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    incremental: false,
    rootDir: join(packageDir, 'src'),
    outDir: dirname(outFile),
  };
}

function moduleOf(node: ts.ImportTypeNode): string | undefined {
  const { argument } = node;
  return ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)
    ? argument.literal.text
    : undefined;
}

/**
 * Replaces `import("./context.ts").Context` with the opaque ServerContext, and keeps `appRouter`
 * and any other value, which only the server has, out of the exports: the file exports types only.
 */
const toClientTypes: ts.TransformerFactory<ts.SourceFile | ts.Bundle> = (context) => {
  const { factory } = context;
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportTypeNode(node)) {
      const module = moduleOf(node);
      const target = module?.startsWith('.') ? resolve(dirname(routerFile), module) : undefined;
      const name = node.qualifier && ts.isIdentifier(node.qualifier) ? node.qualifier.text : '';
      if (target === contextFile && name === 'Context') {
        return factory.createTypeReferenceNode('ServerContext');
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  const unexported = (statement: ts.Statement): ts.Statement =>
    ts.isVariableStatement(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
      ? factory.replaceModifiers(
          statement,
          (ts.getModifiers(statement) ?? []).filter(
            (modifier) => modifier.kind !== ts.SyntaxKind.ExportKeyword,
          ),
        )
      : statement;
  return (file) => {
    if (!ts.isSourceFile(file)) return file;
    const visited = ts.visitEachChild(file, visit, context);
    return factory.updateSourceFile(visited, visited.statements.map(unexported));
  };
};

/** Every module the declaration refers to, however it does (import, export from, import type). */
function referencedModules(text: string): Set<string> {
  const file = ts.createSourceFile(outFile, text, ts.ScriptTarget.Latest, true);
  const modules = new Set(file.typeReferenceDirectives.map((reference) => reference.fileName));
  for (const reference of file.referencedFiles) modules.add(reference.fileName);
  const walk = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      modules.add(node.moduleSpecifier.text);
    }
    if (ts.isImportTypeNode(node)) modules.add(moduleOf(node) ?? node.argument.getText());
    ts.forEachChild(node, walk);
  };
  walk(file);
  return modules;
}

const program = ts.createProgram({ rootNames: [routerFile], options: compilerOptions() });
const source = program.getSourceFile(routerFile) ?? fail(`cannot read ${routerFile}`);
let declaration: string | undefined;
const result = program.emit(
  source,
  (fileName, text) => {
    if (resolve(fileName) === outFile) declaration = text;
  },
  undefined,
  true,
  { afterDeclarations: [toClientTypes] },
);
if (result.diagnostics.length > 0) {
  fail(
    ts.formatDiagnostics(result.diagnostics, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => packageDir,
      getNewLine: () => '\n',
    }),
  );
}
if (declaration === undefined) fail(`TypeScript emitted no declaration for ${routerFile}`);

const serverModules = [...referencedModules(declaration)].filter(
  (module) => !CLIENT_SAFE_MODULES.has(module),
);
if (serverModules.length > 0) {
  fail(
    `the router's client types refer to ${serverModules.join(', ')}: the clients' typecheck ` +
      'would read server code. Give the procedure whose type names it an output type from ' +
      '@acme/shared (or a plain one), or, if that module is browser-safe, add it to ' +
      'CLIENT_SAFE_MODULES in packages/api/scripts/emit-client-types.ts.',
  );
}

const text = HEADER + declaration + SERVER_CONTEXT;
// Unchanged output keeps its timestamp, so editors and incremental typechecks see no change.
if (!existsSync(outFile) || readFileSync(outFile, 'utf8') !== text) {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
}
