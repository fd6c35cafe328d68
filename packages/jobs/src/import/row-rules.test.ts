import { describe, expect, test } from 'vitest';
import { PRODUCT_LIMITS } from '@acme/shared';
import { copyTextValue, CopyBatch } from './copy-text.ts';
import { mapHeader } from './header.ts';
import { ImportFailure } from './import-failure.ts';
import { skuOf, validateRow } from './validate-row.ts';

describe('mapHeader', () => {
  test('matches trimmed, case-insensitive names in any order; warns about unknown columns', () => {
    expect(mapHeader([' Active', 'NAME ', 'colour', 'Sku', ''])).toEqual({
      sku: 3,
      name: 1,
      description: -1,
      active: 0,
      width: 5,
      warnings: ['Ignored unknown columns: colour, (empty, column 5)'],
    });
  });

  test('names what is missing and what it found', () => {
    expect(() => mapHeader(['SKU', 'title'])).toThrow(
      new ImportFailure(
        'The header has no "name" column (found: "SKU", "title"). The first line must name the columns: sku and name are required, description and active optional.',
      ),
    );
  });
});

describe('validateRow', () => {
  const header = mapHeader(['sku', 'name', 'description', 'active']);

  test('refuses a SKU made only of invisible characters, as the API does', () => {
    expect(validateRow(['\u200b\u2060', 'Kettle', '', ''], header)).toEqual({
      sku: '\u200b\u2060',
      error: 'sku must contain a visible character, not only blanks',
    });
    expect(validateRow(['\u200bA', 'Kettle', '', ''], header)).toMatchObject({
      sku: '\u200bA',
    });
  });

  test('trims sku and name, keeps the description as written, reads active words in any case', () => {
    expect(validateRow([' A-1 ', ' Kettle ', ' two  spaces ', 'YeS'], header)).toEqual({
      sku: 'A-1',
      name: 'Kettle',
      description: ' two  spaces ',
      active: true,
    });
    for (const [word, value] of [
      ['n', false],
      ['0', false],
      ['FALSE', false],
      ['Y', true],
      ['1', true],
      ['', null],
    ] as const)
      expect(validateRow(['a', 'b', '', word], header)).toMatchObject({ active: value });
  });

  test('counts characters (code points), not UTF-16 units; stores the SKU in NFC', () => {
    const emoji = '🔥'.repeat(PRODUCT_LIMITS.name); // 2 UTF-16 units each
    expect(validateRow(['a', emoji, '', ''], header)).toMatchObject({ name: emoji });
    expect(validateRow(['a', `${emoji}x`, '', ''], header)).toMatchObject({
      error: 'name must be at most 1000 characters',
    });
    const decomposed = 'CAFE\u0301-1';
    expect(validateRow([decomposed, 'n', '', ''], header)).toMatchObject({ sku: 'CAF\u00c9-1' });
  });

  test('accepts values exactly at the limits and rejects one character more', () => {
    const at = [
      's'.repeat(PRODUCT_LIMITS.sku),
      'n'.repeat(PRODUCT_LIMITS.name),
      'd'.repeat(PRODUCT_LIMITS.description),
      '',
    ];
    expect(validateRow(at, header)).not.toHaveProperty('error');
    expect(validateRow(['s'.repeat(PRODUCT_LIMITS.sku + 1), 'n', '', ''], header)).toMatchObject({
      error: 'sku must be at most 255 characters',
    });
  });

  test('rejects a SKU in scientific notation (a number a spreadsheet shortened), not codes that merely hold an E', () => {
    const header = mapHeader(['sku', 'name']);
    for (const sku of ['4.00638E+12', '4,00638E+12', '1E+15', '7.1e-05'])
      expect(validateRow([sku, 'x'], header)).toEqual({
        sku,
        error: `sku ${sku} is a number a spreadsheet shortened to scientific notation, so its digits are lost; format the SKU column as Text (or Number without decimals) in the original file and save it again`,
      });
    for (const sku of ['4E12', 'E+12', 'A4.1E+12', '12E-B', '4.00638E+12X'])
      expect(validateRow([sku, 'x'], header)).toMatchObject({ sku, name: 'x' });
  });

  test('rejects NUL characters in the columns it reads, and a wrong number of fields', () => {
    expect(validateRow(['a', 'b\0', '', ''], header)).toMatchObject({
      error:
        'name (column 2) contains a NUL character (an invisible zero byte); delete it from the cell',
    });
    // a column the import ignores is not stored: its NUL costs nothing
    expect(
      validateRow(['a', 'b', '\0', ''], mapHeader(['sku', 'name', 'colour', 'active'])),
    ).toEqual({ sku: 'a', name: 'b', description: '', active: null });
    // a row invalid for another reason keeps its SKU in the error list, where NUL cannot be stored
    expect(skuOf(['C\0-2', 'x', '', ''], header)).toBe('C\uFFFD-2');
    expect(validateRow(['a', 'b', '', '', 'extra'], header)).toMatchObject({
      sku: 'a',
      error: 'expected 4 fields like the header, found 5',
    });
  });
});

describe('COPY text', () => {
  test('escapes backslash, tab and line breaks; null is \\N', () => {
    expect(copyTextValue('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyTextValue(null)).toBe('\\N');
    expect(copyTextValue(false)).toBe('false');
  });

  test('hands out batches once they pass the limit, the rest on take()', () => {
    const batch = new CopyBatch(10);
    expect(batch.add('abc\n')).toBeUndefined();
    expect(batch.add('defghij\t1\n')).toBe('abc\ndefghij\t1\n');
    expect(batch.add('x\n')).toBeUndefined();
    expect(batch.take()).toBe('x\n');
    expect(batch.take()).toBe('');
  });
});
