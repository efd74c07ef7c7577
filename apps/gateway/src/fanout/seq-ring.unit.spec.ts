import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeqRing } from './seq-ring';

const item = (seq: number) => ({ seq });

describe('the resume ring buffer', () => {
  it('keeps the last `capacity` items in order', () => {
    const ring = new SeqRing<{ seq: number }>(3);
    for (let seq = 1; seq <= 5; seq++) ring.push(item(seq));
    expect(ring.firstSeq).toBe(3);
    expect(ring.lastSeq).toBe(5);
    expect(ring.after(2)?.map((i) => i.seq)).toEqual([3, 4, 5]);
  });

  it('ignores a seq it has already passed', () => {
    const ring = new SeqRing<{ seq: number }>(3);
    ring.push(item(1));
    ring.push(item(2));
    expect(ring.push(item(2))).toBe('duplicate');
    expect(ring.push(item(1))).toBe('duplicate');
    expect(ring.size).toBe(2);
  });

  it('starts over when the seq jumps, so it never holds a hole', () => {
    const ring = new SeqRing<{ seq: number }>(5);
    ring.push(item(1));
    ring.push(item(2));
    expect(ring.push(item(5))).toBe('restarted');
    expect(ring.after(2)).toBeNull();
    expect(ring.after(4)?.map((i) => i.seq)).toEqual([5]);
  });

  it('says null when asked for items it no longer holds, and [] when the asker is up to date', () => {
    const ring = new SeqRing<{ seq: number }>(2);
    for (let seq = 1; seq <= 4; seq++) ring.push(item(seq));
    expect(ring.after(1)).toBeNull();
    expect(ring.after(2)?.map((i) => i.seq)).toEqual([3, 4]);
    expect(ring.after(4)).toEqual([]);
    expect(ring.after(9)).toEqual([]);
    expect(new SeqRing(2).after(0)).toBeNull();
  });

  it('always returns exactly the contiguous seqs after fromSeq that it holds', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 45 }), (capacity, count, fromSeq) => {
      const ring = new SeqRing<{ seq: number }>(capacity);
      for (let seq = 1; seq <= count; seq++) ring.push(item(seq));
      const got = ring.after(fromSeq);
      const first = Math.max(1, count - capacity + 1);
      if (fromSeq >= count) expect(got).toEqual([]);
      else if (fromSeq + 1 < first) expect(got).toBeNull();
      else expect(got?.map((i) => i.seq)).toEqual(Array.from({ length: count - fromSeq }, (_, i) => fromSeq + 1 + i));
    }));
  });
});
