import { describe, expect, it } from 'vitest';
import {
  firstCharacters,
  ZProductCreateInput,
  ZProductListInput,
  ZProductUpdateInput,
} from './products.ts';

describe('product schemas', () => {
  it('trims the SKU and fills defaults on create', () => {
    expect(ZProductCreateInput.parse({ sku: '  A-1 ', name: ' Kettle ' })).toEqual({
      sku: 'A-1',
      name: 'Kettle',
      description: '',
      active: true,
    });
  });

  it('names the field in each message', () => {
    const result = ZProductCreateInput.safeParse({ sku: ' ', name: '' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'sku is required',
      'name is required',
    ]);
  });

  it('keeps only the given fields of an update', () => {
    expect(ZProductUpdateInput.parse({ id: 3, active: false })).toEqual({ id: 3, active: false });
    expect(ZProductUpdateInput.safeParse({ id: 3, sku: '' }).success).toBe(false);
  });

  it('defaults paging and drops blank filters', () => {
    expect(ZProductListInput.parse({ name: '  ', sku: ' ab ' })).toEqual({
      page: 1,
      pageSize: 25,
      sku: 'ab',
      exactTotal: false,
    });
  });

  it('refuses SKUs made only of invisible characters, and NUL in any text', () => {
    for (const sku of [
      '\u200b',
      '\u200b\u200c\u200d',
      '\ufeff',
      '\u00a0\u2060',
      '\u3164',
      '\u00ad',
    ])
      expect(ZProductCreateInput.safeParse({ sku, name: 'x' }).error?.issues[0]?.message).toMatch(
        /sku (is required|must contain a visible character)/,
      );
    expect(ZProductCreateInput.parse({ sku: '\u200bA-1', name: 'x' }).sku).toBe('\u200bA-1');
    for (const field of ['sku', 'name', 'description'])
      expect(
        ZProductCreateInput.safeParse({ sku: 'A', name: 'B', [field]: 'a\u0000b' }).error?.issues[0]
          ?.message,
      ).toBe(`${field} must not contain NUL characters (\\0)`);
  });

  it('cuts text by characters, never inside a surrogate pair', () => {
    expect(firstCharacters('😀'.repeat(5), 3)).toBe('😀😀😀');
    expect(firstCharacters('a😀b', 2)).toBe('a😀');
    expect(firstCharacters('short', 10)).toBe('short');
  });

  it('normalises a SKU filter to NFC, as SKUs are stored', () => {
    expect(ZProductListInput.parse({ sku: ' cafe\u0301 ' }).sku).toBe('caf\u00e9');
  });
});
