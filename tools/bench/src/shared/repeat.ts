// Repetition for every bench: each variant runs `repetitions` times, the
// order alternating between rounds (A B, B A, A B, ...) so that neither a
// warm cache nor a tiring machine favours the variant that always runs
// first; each figure is reported as its median with its spread.

/** How many times each variant runs by default, and the bounds a caller may ask for. */
export const DEFAULT_REPETITIONS = 3;
export const MIN_REPETITIONS = 1;
export const MAX_REPETITIONS = 9;

/** The order of the variants in round `round` (0-based): rotated by one each round, so each variant leads in turn. */
export function roundOrder<V>(variants: readonly V[], round: number): V[] {
  if (variants.length === 0) return [];
  const shift = round % variants.length;
  return [...variants.slice(shift), ...variants.slice(0, shift)];
}

/** Median, min, max and relative spread ((max − min) / median) of a figure over repetitions. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max − min) / |median|; 0 for a single value; null when the median is 0. */
  relativeSpread: number | null;
  values: number[];
}

export function spreadOf(values: readonly number[]): Spread {
  return spreadOver(values.filter((v) => Number.isFinite(v)), values);
}

/**
 * The spread of a latency over runs where a run past capacity has an infinite one: that run counts
 * as the longest, not as missing (spreadOf leaves it out), so a median of [∞, 1,042, 611] is 1,042.
 */
export function censoredSpread(values: readonly number[]): Spread {
  return spreadOver(values.filter((v) => !Number.isNaN(v)), values);
}

function spreadOver(counted: readonly number[], values: readonly number[]): Spread {
  if (counted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, relativeSpread: null, values: [...values] };
  const sorted = [...counted].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  const relativeSpread = median === 0 || !Number.isFinite(max) ? null : Math.round(((max - min) / Math.abs(median)) * 1000) / 1000;
  return { median, min, max, relativeSpread, values: [...values] };
}

/** "12,345 (11,900–12,800)": a median and its range, for tables. */
export function formatSpread(s: Spread, digits = 0): string {
  const f = (n: number) => (n === Number.POSITIVE_INFINITY ? '∞' : Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
  return s.values.length <= 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/**
 * Whether two figures differ by more than their noise: their ranges over the
 * repetitions do not overlap. With fewer than 3 repetitions nothing is called
 * a difference.
 */
export function differsBeyondNoise(a: Spread, b: Spread): boolean {
  const counted = (s: Spread) => s.values.filter((v) => Number.isFinite(v)).length;
  if (counted(a) < 3 || counted(b) < 3) return false;
  return a.max < b.min || b.max < a.min;
}

export interface RepeatedRun<V, R> {
  variant: V;
  round: number;
  result: R;
}

/**
 * Runs every variant `repetitions` times in rotated order and returns the runs
 * in the order they ran. A run that throws stops the whole bench: a figure is
 * never reported from a subset of runs without saying so.
 */
export async function repeatAlternating<V, R>(
  variants: readonly V[], repetitions: number, run: (variant: V, round: number) => Promise<R>,
  onRun?: (variant: V, round: number, index: number, total: number) => void,
): Promise<RepeatedRun<V, R>[]> {
  if (!Number.isInteger(repetitions) || repetitions < MIN_REPETITIONS || repetitions > MAX_REPETITIONS) {
    throw new Error(`repetitions must be an integer from ${MIN_REPETITIONS} to ${MAX_REPETITIONS}, got ${repetitions}`);
  }
  const runs: RepeatedRun<V, R>[] = [];
  const total = variants.length * repetitions;
  for (let round = 0; round < repetitions; round++) {
    for (const variant of roundOrder(variants, round)) {
      onRun?.(variant, round, runs.length + 1, total);
      runs.push({ variant, round, result: await run(variant, round) });
    }
  }
  return runs;
}

/** The spread of one figure of one variant over its runs. */
export function spreadOfRuns<V, R>(runs: readonly RepeatedRun<V, R>[], variant: V, figure: (r: R) => number): Spread {
  return spreadOf(runs.filter((r) => r.variant === variant).map((r) => figure(r.result)));
}
