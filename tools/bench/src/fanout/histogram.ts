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
  /** Values measured plus censored ones. */
  count: number;
  /** Values known only to be longer than the run could see (due, never delivered): they rank above every measured one. */
  censored: number;
  /** null: the quantile falls on a censored value (longer than the run, unknown). */
  p50: number | null;
  p99: number | null;
  p999: number | null;
  /** Of the measured values. */
  max: number;
  mean: number;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  total = 0;
  maxUs = 0;
  sumUs = 0;
  /** Counted in `total`, held in no bucket: longer than every measured value. */
  censored = 0;

  record(valueUs: number): void {
    const v = valueUs < 0 ? 0 : valueUs;
    const b = bucketOf(v);
    this.counts[b] = (this.counts[b] as number) + 1;
    this.total += 1;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
  }

  /** `n` values longer than the run could measure (right-censored). */
  recordCensored(n: number): void {
    this.censored += n;
    this.total += n;
  }

  /**
   * The value at quantile q (0..1], in µs: the upper edge of the bucket holding that rank, capped at the max seen;
   * +Infinity when the rank falls on a censored value.
   */
  quantileUs(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKET_COUNT; b++) {
      seen += this.counts[b] as number;
      if (seen >= rank) return Math.min(bucketUpperUs(b), this.maxUs);
    }
    return this.censored > 0 ? Number.POSITIVE_INFINITY : this.maxUs;
  }

  summaryMs(): LatencySummaryMs {
    const ms = (us: number): number => Math.round(us) / 1000;
    const q = (at: number): number | null => { const us = this.quantileUs(at); return us === Number.POSITIVE_INFINITY ? null : ms(us); };
    const measured = this.total - this.censored;
    return {
      count: this.total,
      censored: this.censored,
      p50: q(0.5),
      p99: q(0.99),
      p999: q(0.999),
      max: ms(this.maxUs),
      mean: measured === 0 ? Number.NaN : ms(this.sumUs / measured),
    };
  }

  toSparse(): SparseHistogram {
    const buckets: [number, number][] = [];
    for (let b = 0; b < BUCKET_COUNT; b++) if ((this.counts[b] as number) > 0) buckets.push([b, this.counts[b] as number]);
    return { buckets, total: this.total, maxUs: this.maxUs, sumUs: this.sumUs, censored: this.censored };
  }

  merge(other: SparseHistogram): void {
    for (const [b, n] of other.buckets) this.counts[b] = (this.counts[b] as number) + n;
    this.total += other.total;
    this.censored += other.censored;
    this.sumUs += other.sumUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }
}

export interface SparseHistogram {
  buckets: [number, number][];
  total: number;
  maxUs: number;
  sumUs: number;
  censored: number;
}
