import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from './router.ts';

/**
 * The rule of ARCHITECTURE.md ("Input limits"): every string and every array a procedure accepts
 * has a maximum. This walks the input of every procedure, those added later included.
 */
type JsonSchema = {
  type?: string | string[];
  maxLength?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  [key: string]: unknown;
};

/** JSON paths of strings and arrays without a maximum. */
function unbounded(schema: unknown, path: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as JsonSchema;
  const found: string[] = [];
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const fixed = node.enum !== undefined || node.const !== undefined || node.format === 'uuid';
  if (types.includes('string') && node.maxLength === undefined && !fixed) found.push(path);
  if (types.includes('array') && node.maxItems === undefined) found.push(path);
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value))
      value.forEach((item, i) => found.push(...unbounded(item, `${path}.${key}[${i}]`)));
    else if (typeof value === 'object') found.push(...unbounded(value, `${path}.${key}`));
  }
  return found;
}

interface ProcedureDef {
  _def: { inputs: z.ZodType[]; type: string };
}

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, ProcedureDef>,
);

describe('procedure inputs', () => {
  it('finds the procedures', () => {
    expect(procedures.length).toBeGreaterThan(10);
  });

  it.each(procedures)('%s bounds every string and array it accepts', (_path, procedure) => {
    for (const input of procedure._def.inputs) {
      const schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' });
      expect(unbounded(schema, 'input')).toEqual([]);
    }
  });

  it('refuses a huge array by its length, with one issue, before looking at its items', () => {
    const events = Array.from({ length: 150_000 }, (_, i) => `event-${i}`);
    const create = procedures.find(([path]) => path === 'webhooks.create')![1];
    const result = create._def.inputs[0]!.safeParse({ url: 'https://example.com/hook', events });
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toBe('events may hold at most 50 items');
  });
});
