import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { differsBeyondNoise, formatSpread, repeatAlternating, roundOrder, spreadOf, spreadOfRuns } from './repeat';

describe('roundOrder', () => {
  it('rotates so that each variant leads one round in turn', () => {
    expect(roundOrder(['a', 'b'], 0)).toEqual(['a', 'b']);
    expect(roundOrder(['a', 'b'], 1)).toEqual(['b', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 2)).toEqual(['c', 'a', 'b']);
  });

  it('is always a permutation, and over n rounds every variant leads exactly once', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 7 }), (variants) => {
      const leaders = variants.map((_, round) => roundOrder(variants, round)[0]);
      expect(new Set(leaders).size).toBe(variants.length);
      for (let round = 0; round < variants.length; round++) expect([...roundOrder(variants, round)].sort()).toEqual([...variants].sort());
    }));
  });
});

describe('spreadOf', () => {
  it('gives median, range and relative spread', () => {
    expect(spreadOf([30, 10, 20])).toMatchObject({ median: 20, min: 10, max: 30, relativeSpread: 1 });
    expect(spreadOf([1, 2, 3, 4]).median).toBe(2.5);
    expect(spreadOf([5]).relativeSpread).toBe(0);
  });

  it('ignores non-finite values but keeps them listed', () => {
    const s = spreadOf([Number.NaN, 4, 6]);
    expect(s.median).toBe(5);
    expect(s.values).toHaveLength(3);
  });

  it('the median always lies within the range', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 9 }), (values) => {
      const s = spreadOf(values);
      expect(s.median).toBeGreaterThanOrEqual(s.min);
      expect(s.median).toBeLessThanOrEqual(s.max);
    }));
  });
});

describe('differsBeyondNoise', () => {
  it('calls a difference only when the ranges do not overlap over at least 3 runs', () => {
    expect(differsBeyondNoise(spreadOf([1, 2, 3]), spreadOf([4, 5, 6]))).toBe(true);
    expect(differsBeyondNoise(spreadOf([1, 2, 5]), spreadOf([4, 5, 6]))).toBe(false);
    expect(differsBeyondNoise(spreadOf([1, 2]), spreadOf([8, 9]))).toBe(false);
  });
});

describe('repeatAlternating', () => {
  it('runs each variant n times in rotated order and keeps the runs in order', async () => {
    const order: string[] = [];
    const runs = await repeatAlternating(['ws', 'uws'], 3, async (v, round) => { order.push(v); return round * 10 + (v === 'ws' ? 1 : 2); });
    expect(order).toEqual(['ws', 'uws', 'uws', 'ws', 'ws', 'uws']);
    expect(spreadOfRuns(runs, 'uws', (r) => r).values).toEqual([2, 12, 22]);
  });

  it('refuses a repetition count out of bounds', async () => {
    await expect(repeatAlternating(['a'], 0, async () => 1)).rejects.toThrow(/repetitions must be an integer from 1 to 9/);
    await expect(repeatAlternating(['a'], 2.5, async () => 1)).rejects.toThrow(/got 2.5/);
  });
});

describe('formatSpread', () => {
  it('prints the median with its range', () => {
    expect(formatSpread(spreadOf([11_900, 12_345, 12_800]))).toBe('12,345 (11,900–12,800)');
    expect(formatSpread(spreadOf([7]))).toBe('7');
  });
});
