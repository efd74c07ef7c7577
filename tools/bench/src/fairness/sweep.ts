// The fairness sweep's pure parts: which runs, in which order, how many at
// once, and what the runs say together (median and range per policy and
// speed, and whether a policy's difference is beyond the noise).
import { differsBeyondNoise, roundOrder, spreadOf, type Spread } from '../shared/repeat';
import type { PolicyOutcome } from './experiment';

/** The figures the sweep reports per policy and speed. */
export const SWEEP_FIGURES = ['frontRunnerPnl', 'honestFillRate', 'honestMedianTimeToFillMs', 'frontRunnerRank'] as const;
export type SweepFigure = (typeof SWEEP_FIGURES)[number];

/** Bounds of the sweep's options. */
export const MAX_SWEEP_SEEDS = 9;
export const MAX_SWEEP_CONCURRENCY = 32;

export interface SweepJob {
  speed: number;
  seed: number;
  /** 0-based index of the seed: the policies' order is rotated by it. */
  round: number;
  policy: string;
}

/**
 * Every run of the sweep in launch order: speed after speed (as given), seed
 * after seed, and within a seed the policies rotated by one per seed
 * (roundOrder) so that each policy leads in turn.
 */
export function planSweep(o: { speeds: readonly number[]; seeds: readonly number[]; policies: readonly string[] }): SweepJob[] {
  const jobs: SweepJob[] = [];
  for (const speed of o.speeds) {
    o.seeds.forEach((seed, round) => {
      for (const policy of roundOrder(o.policies, round)) jobs.push({ speed, seed, round, policy });
    });
  }
  return jobs;
}

/**
 * `--concurrency`: one integer for every speed ("5"), or speed:runs pairs
 * ("10:15,30:5,60:2"; a speed left out runs one at a time).
 */
export function parseConcurrency(value: string | undefined, speeds: readonly number[]): Record<number, number> {
  const all = (n: number) => Object.fromEntries(speeds.map((s) => [s, n]));
  if (value === undefined) return all(1);
  const bad = (why: string) => new Error(`--concurrency takes an integer in [1, ${MAX_SWEEP_CONCURRENCY}] or speed:runs pairs such as 10:15,30:5,60:2 (speeds from --speeds ${speeds.join(',')}); ${why}`);
  const runs = (s: string) => {
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_SWEEP_CONCURRENCY) throw bad(`got ${JSON.stringify(s)} runs`);
    return Number(s);
  };
  const text = value.trim();
  if (!text.includes(':')) return all(runs(text));
  const result = all(1);
  for (const pair of text.split(',').map((p) => p.trim())) {
    const [speedText, runsText, extra] = pair.split(':');
    if (extra !== undefined || speedText === undefined || runsText === undefined) throw bad(`got ${JSON.stringify(pair)}`);
    const speed = Number(speedText);
    if (!speeds.includes(speed)) throw bad(`speed ${JSON.stringify(speedText)} is not one of --speeds`);
    result[speed] = runs(runsText);
  }
  return result;
}

export interface SweepRun extends SweepJob {
  outcome: PolicyOutcome;
}

/** A figure of one run; null where the run has none (no honest fill, front-runner not listed): left out of the median and range. */
export function figureOf(outcome: PolicyOutcome, figure: SweepFigure): number | null {
  return outcome[figure];
}

export type FigureSpreads = Record<SweepFigure, Spread>;

/** `policies[policy][speed]`: each figure's median and range over the seeds. */
export function aggregateSweep(runs: readonly SweepRun[]): Record<string, Record<string, FigureSpreads>> {
  const result: Record<string, Record<string, FigureSpreads>> = {};
  for (const run of runs) {
    const bySpeed = (result[run.policy] ??= {});
    bySpeed[speedKey(run.speed)] ??= {} as FigureSpreads;
  }
  for (const [policy, bySpeed] of Object.entries(result)) {
    for (const key of Object.keys(bySpeed)) {
      const mine = runs.filter((r) => r.policy === policy && speedKey(r.speed) === key).sort((a, b) => a.round - b.round);
      bySpeed[key] = Object.fromEntries(SWEEP_FIGURES.map((f) => [f, spreadOf(mine.map((r) => figureOf(r.outcome, f) ?? Number.NaN))])) as FigureSpreads;
    }
  }
  return result;
}

export const speedKey = (speed: number) => `${speed}x`;

/** 'too-few': fewer than 3 runs with the figure on either side, so no difference can be called. */
export type Verdict = 'baseline' | 'differs' | 'noise' | 'too-few';

const MIN_RUNS_FOR_VERDICT = 3;
const counted = (s: Spread) => s.values.filter((v) => Number.isFinite(v)).length;

function verdictOf(a: Spread, b: Spread): Exclude<Verdict, 'baseline'> {
  if (counted(a) < MIN_RUNS_FOR_VERDICT || counted(b) < MIN_RUNS_FOR_VERDICT) return 'too-few';
  return differsBeyondNoise(a, b) ? 'differs' : 'noise';
}

/**
 * Per speed and figure, each policy against the baseline policy: 'differs'
 * when their ranges over the seeds do not overlap (differsBeyondNoise), 'noise'
 * when they do, 'too-few' with fewer than 3 runs having the figure.
 */
export function noiseVerdicts(policies: Record<string, Record<string, FigureSpreads>>, baseline: string): Record<string, Record<SweepFigure, Record<string, Verdict>>> {
  const base = policies[baseline];
  if (!base) throw new Error(`the baseline policy ${baseline} did not run`);
  const verdicts: Record<string, Record<SweepFigure, Record<string, Verdict>>> = {};
  for (const key of Object.keys(base)) {
    verdicts[key] = Object.fromEntries(SWEEP_FIGURES.map((f) => [f, Object.fromEntries(Object.entries(policies).flatMap(([policy, bySpeed]) => {
      const mine = bySpeed[key];
      if (!mine) return [];
      return [[policy, policy === baseline ? 'baseline' : verdictOf(mine[f], base[key]![f])]];
    }))])) as Record<SweepFigure, Record<string, Verdict>>;
  }
  return verdicts;
}

/** Per policy and figure: does the slowest speed differ from the fastest beyond the noise? (null with one speed) */
export function speedEffects(policies: Record<string, Record<string, FigureSpreads>>, speeds: readonly number[]): Record<string, Record<SweepFigure, Exclude<Verdict, 'baseline'>>> | null {
  if (speeds.length < 2) return null;
  const slow = speedKey(Math.min(...speeds));
  const fast = speedKey(Math.max(...speeds));
  return Object.fromEntries(Object.entries(policies).flatMap(([policy, bySpeed]) => {
    const a = bySpeed[slow];
    const b = bySpeed[fast];
    if (!a || !b) return [];
    return [[policy, Object.fromEntries(SWEEP_FIGURES.map((f) => [f, verdictOf(a[f], b[f])]))]];
  })) as Record<string, Record<SweepFigure, Exclude<Verdict, 'baseline'>>>;
}

/** Runs `jobs` with at most `limit` at once, launching them in the given order; results in job order. A failing run fails the whole. */
export async function runLimited<J, R>(jobs: readonly J[], limit: number, run: (job: J, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < jobs.length) {
      const index = next++;
      try {
        results[index] = await run(jobs[index]!, index);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  if (failed !== null) throw failed;
  return results;
}
