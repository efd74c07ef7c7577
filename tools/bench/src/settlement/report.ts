// The settlement benchmark's numbers, pure: percentiles, the sustained rate
// over a steady window, Prometheus text sums, and the printed table.
import { textTable } from '@inplay/telemetry';

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles (the smallest sample with at least q of the samples at or below it), rounded to 0.1 ms. */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => round1(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: round1(sorted[sorted.length - 1]!) };
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/**
 * No coordinated omission: orders offered but shed, failed or never answered
 * with a result count as waiting forever. A percentile they reach is
 * Infinity (null in JSON, "∞" in the table): that rate is past capacity.
 */
export function censoredPercentiles(samples: readonly number[], missing: number): Percentiles {
  return percentiles(missing > 0 ? [...samples, ...new Array<number>(missing).fill(Number.POSITIVE_INFINITY)] : samples);
}

const ms = (v: number) => (Number.isFinite(v) ? String(v) : '∞');

export interface SteadyRate {
  /** Mean of the per-second counts inside the window. */
  perSec: number;
  /** Count per whole second of the window, in order. */
  perSecond: number[];
}

/**
 * Events per second over [fromMs, toMs): only whole seconds count, so a
 * ramp-up before the window and a drain after it do not flatter the rate.
 */
export function steadyRate(times: readonly number[], fromMs: number, toMs: number): SteadyRate {
  const seconds = Math.floor((toMs - fromMs) / 1_000);
  if (seconds < 1) return { perSec: Number.NaN, perSecond: [] };
  const perSecond = new Array<number>(seconds).fill(0);
  for (const t of times) {
    const bucket = Math.floor((t - fromMs) / 1_000);
    if (bucket >= 0 && bucket < seconds) perSecond[bucket]! += 1;
  }
  return { perSec: Math.round(perSecond.reduce((a, b) => a + b, 0) / seconds), perSecond };
}

/** Sum of every series of `name` in Prometheus text (all label sets), 0 when absent. */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** A row of the closing table; a string figure is printed as it is (a median with its range). */
export interface TableRow {
  strategy: string;
  correct: boolean;
  ordersPerSec: number | string;
  p50: number | string;
  p99: number | string;
  p999: number;
  violations: number;
  contentionOrdersPerSec: number | string;
  contentionRetries: number;
}

export function formatTable(rows: readonly TableRow[], atOrdersPerSec: number): string {
  const header = ['strategy', 'orders/s', `p50 ms @${atOrdersPerSec}/s`, 'p99 ms', 'p99.9 ms', 'violations', 'contended orders/s', 'retries'];
  const figure = (v: number | string, format: (n: number) => string) => (typeof v === 'string' ? v : format(v));
  const cells = rows.map((r) => [
    r.correct ? r.strategy : `${r.strategy} (incorrect)`, figure(r.ordersPerSec, String), figure(r.p50, ms), figure(r.p99, ms), ms(r.p999),
    String(r.violations), figure(r.contentionOrdersPerSec, String), String(r.contentionRetries),
  ]);
  return textTable(header, cells).join('\n');
}
