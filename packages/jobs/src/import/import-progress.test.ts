import { describe, expect, it } from 'vitest';
import { PhaseRate, progressPercent, type ProgressSource } from './import-progress.ts';

describe('PhaseRate', () => {
  it('keeps the products/s of the writing phase between two chunks that land seconds apart', () => {
    const rate = new PhaseRate();
    expect(rate.sample('writing', 0, 0)).toBe(0);
    expect(rate.sample('writing', 50_000, 2_000)).toBe(25_000);
    // Ticks every 500 ms while the next chunk of 50,000 is written: no new products yet.
    expect(rate.sample('writing', 50_000, 2_500)).toBe(20_000);
    expect(rate.sample('writing', 50_000, 3_500)).toBe(14_286);
    expect(rate.sample('writing', 100_000, 4_000)).toBe(25_000);
  });

  it('starts again with each phase, and reports 0 while comparing with the catalogue', () => {
    const rate = new PhaseRate();
    rate.sample('reading', 0, 0);
    expect(rate.sample('reading', 300_000, 3_000)).toBe(100_000);
    expect(rate.sample('classifying', 300_000, 3_500)).toBe(0);
    expect(rate.sample('classifying', 300_000, 5_000)).toBe(0);
    expect(rate.sample('writing', 0, 5_500)).toBe(0);
    expect(rate.sample('writing', 60_000, 7_500)).toBe(30_000);
  });
});

describe('progressPercent', () => {
  const source = (patch: Partial<ProgressSource>): ProgressSource => ({
    status: 'importing',
    phase: 'reading',
    bytesProcessed: 0,
    rowsProcessed: 0,
    invalid: 0,
    blank: 0,
    format: null,
    rowsToWrite: 0,
    rowsWritten: 0,
    warnings: [],
    ...patch,
  });

  it('moves with the bytes while reading and with the products while writing, below 100', () => {
    expect(progressPercent(source({ bytesProcessed: 50 }), 100)).toBe(27.5);
    expect(progressPercent(source({ phase: 'classifying' }), 100)).toBe(55);
    expect(
      progressPercent(source({ phase: 'writing', rowsToWrite: 1_000, rowsWritten: 500 }), 100),
    ).toBe(80);
    expect(
      progressPercent(source({ phase: 'writing', rowsToWrite: 1_000, rowsWritten: 1_000 }), 100),
    ).toBe(99.9);
  });
});
