import { describe, expect, test } from 'vitest';
import { SharedStrings } from './shared-strings.ts';

describe('SharedStrings', () => {
  test('gives back each string by its index: empty, multi-byte, rich text, over a block', () => {
    const table = new SharedStrings();
    const long = 'é'.repeat(700_000); // 1.4 MB of UTF-8: blocks of its own
    const rich = { richText: [{ text: 'Bold' }, { text: ' lamp' }] };
    const values = ['Kettle', '', null, '電気ケトル', long, 'after the long one', rich];
    for (let i = 0; i < 3_000; i++) values.push(`SKU-${i} ${'x'.repeat(i % 700)}`);
    for (const value of values) table.push(value);
    expect(table.size).toBe(values.length);
    values.forEach((value, index) => expect(table.get(index)).toEqual(value ?? ''));
    expect(table.get(values.length)).toBeUndefined();
    expect(table.get(-1)).toBeUndefined();
    table.close();
  });

  test('keeps at most its memory budget in memory: later blocks go to a temporary file and read back', () => {
    const table = new SharedStrings({ memoryBytes: 2 << 20 });
    const values = Array.from(
      { length: 100_000 },
      (_, i) => `Product ${i} — ${'ü'.repeat(i % 40)}`,
    );
    values.splice(50_000, 0, 'x'.repeat(3 << 20)); // a 3 MiB string among them
    for (const value of values) table.push(value);
    expect(table.bytesInMemory).toBeLessThanOrEqual(4 << 20);
    for (const index of [0, 1, 49_999, 50_000, 50_001, 77_777, 100_000])
      expect(table.get(index)).toBe(values[index]);
    values.forEach((value, index) => expect(table.get(index)).toBe(value));
    table.close();
  });
});
