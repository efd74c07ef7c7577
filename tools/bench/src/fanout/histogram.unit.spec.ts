import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, LatencyHistogram, bucketOf, bucketUpperUs } from './histogram';

describe('latency histogram', () => {
  it('puts every value in a bucket whose upper edge is at most 1/32 above it, buckets in order', () => {
    let previous = -1;
    for (const v of [0, 1, 63, 64, 65, 127, 128, 1_000, 99_999, 100_000, 1_234_567, 2 ** 30, 2 ** 31 - 1]) {
      const b = bucketOf(v);
      expect(b).toBeGreaterThanOrEqual(previous);
      expect(b).toBeLessThan(BUCKET_COUNT);
      expect(bucketUpperUs(b)).toBeGreaterThanOrEqual(v);
      expect(bucketUpperUs(b)).toBeLessThanOrEqual(v + Math.max(0, v / 32));
      previous = b;
    }
  });

  it('reports p50, p99 and p99.9 of a known distribution within the bucket precision', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1_000; ms++) h.record(ms * 1_000);
    const s = h.summaryMs();
    expect(s.count).toBe(1_000);
    expect(s.p50).toBeGreaterThanOrEqual(500);
    expect(s.p50).toBeLessThanOrEqual(500 * (1 + 1 / 32));
    expect(s.p99).toBeGreaterThanOrEqual(990);
    expect(s.p99).toBeLessThanOrEqual(1_000);
    expect(s.p999).toBeGreaterThanOrEqual(999);
    expect(s.p999).toBeLessThanOrEqual(1_000);
    expect(s.max).toBe(1_000);
    expect(s.mean).toBeCloseTo(500.5, 1);
  });

  it('merges what other processes recorded as if it had recorded it itself', () => {
    const [a, b, both] = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 0; i < 500; i++) { a.record(i * 37); both.record(i * 37); }
    for (let i = 0; i < 300; i++) { b.record(50_000 + i * 1_001); both.record(50_000 + i * 1_001); }
    a.merge(b.toSparse());
    expect(a.summaryMs()).toEqual(both.summaryMs());
  });

  it('clamps negative latencies (ms-truncated broker times) to zero and says nothing when empty', () => {
    const h = new LatencyHistogram();
    expect(h.summaryMs().p99).toBeNaN();
    h.record(-400);
    expect(h.summaryMs()).toMatchObject({ count: 1, p99: 0, max: 0 });
  });
});
