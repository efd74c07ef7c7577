// Latency histogram of the fan-out bench: log-linear buckets over microseconds
// (HDR-style, at most 1/32 relative error) in one fixed typed array, so
// recording allocates nothing; load generators send theirs to the driver as
// sparse [bucket, count] pairs and the driver merges them.

/** 32 sub-buckets per power of two: a reported value is at most ~3 % above the true one. */
export const SUB_BUCKET_BITS = 5;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Values below this are their own bucket (exact). */
const LINEAR_LIMIT = SUB_BUCKETS * 2;
/** About 35 minutes in microseconds; larger values are clamped here. */
export const MAX_RECORDABLE_US = 2 ** 31 - 1;
export const BUCKET_COUNT = LINEAR_LIMIT + (31 - SUB_BUCKET_BITS - 1) * SUB_BUCKETS;

export function bucketOf(valueUs: number): number {
  const v = valueUs <= 0 ? 0 : valueUs >= MAX_RECORDABLE_US ? MAX_RECORDABLE_US : Math.floor(valueUs);
  if (v < LINEAR_LIMIT) return v;
  const msb = 31 - Math.clz32(v);
  const shift = msb - SUB_BUCKET_BITS;
  return LINEAR_LIMIT + (msb - SUB_BUCKET_BITS - 1) * SUB_BUCKETS + ((v >>> shift) - SUB_BUCKETS);
}

/** The largest value that falls in `bucket` (percentiles report this: never below the truth). */
export function bucketUpperUs(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const k = bucket - LINEAR_LIMIT;
  const shift = Math.floor(k / SUB_BUCKETS) + 1;
  const lower = ((k % SUB_BUCKETS) + SUB_BUCKETS) * 2 ** shift;
  return lower + 2 ** shift - 1;
}

export interface LatencySummaryMs {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  total = 0;
  maxUs = 0;
  sumUs = 0;

  record(valueUs: number): void {
    const v = valueUs < 0 ? 0 : valueUs;
    const b = bucketOf(v);
    this.counts[b] = (this.counts[b] as number) + 1;
    this.total += 1;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
  }

  /** The value at quantile q (0..1], in µs: the upper edge of the bucket holding that rank, capped at the max seen. */
  quantileUs(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKET_COUNT; b++) {
      seen += this.counts[b] as number;
      if (seen >= rank) return Math.min(bucketUpperUs(b), this.maxUs);
    }
    return this.maxUs;
  }

  summaryMs(): LatencySummaryMs {
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      count: this.total,
      p50: ms(this.quantileUs(0.5)),
      p99: ms(this.quantileUs(0.99)),
      p999: ms(this.quantileUs(0.999)),
      max: ms(this.maxUs),
      mean: this.total === 0 ? Number.NaN : ms(this.sumUs / this.total),
    };
  }

  toSparse(): SparseHistogram {
    const buckets: [number, number][] = [];
    for (let b = 0; b < BUCKET_COUNT; b++) if ((this.counts[b] as number) > 0) buckets.push([b, this.counts[b] as number]);
    return { buckets, total: this.total, maxUs: this.maxUs, sumUs: this.sumUs };
  }

  merge(other: SparseHistogram): void {
    for (const [b, n] of other.buckets) this.counts[b] = (this.counts[b] as number) + n;
    this.total += other.total;
    this.sumUs += other.sumUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }
}

export interface SparseHistogram {
  buckets: [number, number][];
  total: number;
  maxUs: number;
  sumUs: number;
}
