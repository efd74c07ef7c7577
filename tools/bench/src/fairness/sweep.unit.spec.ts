import { describe, expect, it } from 'vitest';
import type { PolicyOutcome } from './experiment';
import { outcome } from './outcome.fixtures';
import { aggregateSweep, noiseVerdicts, parseConcurrency, planSweep, runLimited, speedEffects, type SweepRun } from './sweep';


const run = (policy: string, speed: number, round: number, o: Partial<PolicyOutcome>): SweepRun => ({ policy, speed, round, seed: round + 1, outcome: outcome(o) });

describe('planSweep', () => {
  const policies = ['none', 'trade-lock', 'delayed', 'sealed-batch', 'event-time-void'];
  const jobs = planSweep({ speeds: [10, 60], seeds: [1, 2, 3, 4, 5], policies });

  it('runs every policy once per seed and speed, speed after speed', () => {
    expect(jobs).toHaveLength(2 * 5 * 5);
    expect(jobs.slice(0, 25).every((j) => j.speed === 10)).toBe(true);
    for (const speed of [10, 60]) for (const seed of [1, 2, 3, 4, 5]) {
      expect(jobs.filter((j) => j.speed === speed && j.seed === seed).map((j) => j.policy).sort()).toEqual([...policies].sort());
    }
  });

  it('rotates the policies by one per seed, so that each leads once over five seeds', () => {
    const firstOfSeed = [1, 2, 3, 4, 5].map((seed) => jobs.find((j) => j.speed === 10 && j.seed === seed)!.policy);
    expect(firstOfSeed).toEqual(policies);
    expect(jobs.filter((j) => j.speed === 10 && j.seed === 2).map((j) => j.policy)).toEqual(['trade-lock', 'delayed', 'sealed-batch', 'event-time-void', 'none']);
    // Every policy takes every launch position once.
    for (const policy of policies) {
      const positions = [1, 2, 3, 4, 5].map((seed) => jobs.filter((j) => j.speed === 60 && j.seed === seed).findIndex((j) => j.policy === policy));
      expect(positions.sort()).toEqual([0, 1, 2, 3, 4]);
    }
  });
});

describe('parseConcurrency', () => {
  it('takes one number for every speed, or speed:runs pairs (a speed left out runs alone)', () => {
    expect(parseConcurrency(undefined, [10, 60])).toEqual({ 10: 1, 60: 1 });
    expect(parseConcurrency('5', [10, 30, 60])).toEqual({ 10: 5, 30: 5, 60: 5 });
    expect(parseConcurrency('10:15, 60:2', [10, 30, 60])).toEqual({ 10: 15, 30: 1, 60: 2 });
  });

  it('refuses what it cannot read with a message that says what it takes', () => {
    expect(() => parseConcurrency('0', [60])).toThrow(/--concurrency takes an integer in \[1, 32\].*got "0"/);
    expect(() => parseConcurrency('many', [60])).toThrow(/--concurrency/);
    expect(() => parseConcurrency('33', [60])).toThrow(/--concurrency/);
    expect(() => parseConcurrency('20:3', [10, 60])).toThrow(/speed "20" is not one of --speeds/);
    expect(() => parseConcurrency('10:3:4', [10])).toThrow(/got "10:3:4"/);
    expect(() => parseConcurrency('10:', [10])).toThrow(/--concurrency/);
  });
});

describe('aggregateSweep and noiseVerdicts', () => {
  const runs = [
    ...[30_100, 30_500, 29_800].map((pnl, round) => run('none', 60, round, { frontRunnerPnl: pnl, honestFillRate: 0.996, honestMedianTimeToFillMs: 200 + round })),
    ...[29_600, 30_400, 22_700].map((pnl, round) => run('sealed-batch', 60, round, { frontRunnerPnl: pnl, honestFillRate: 0.996, honestMedianTimeToFillMs: 11_600 })),
    ...[0, 0, 0].map((pnl, round) => run('event-time-void', 60, round, { frontRunnerPnl: pnl, frontRunnerRank: round === 1 ? null : 2, honestMedianTimeToFillMs: 210 })),
    ...[30_000, 30_200, 30_300].map((pnl, round) => run('none', 10, round, { frontRunnerPnl: pnl, honestMedianTimeToFillMs: 190 })),
  ];
  const policies = aggregateSweep(runs);

  it('gives each figure its median and range over the seeds, per policy and speed', () => {
    expect(Object.keys(policies)).toEqual(['none', 'sealed-batch', 'event-time-void']);
    expect(Object.keys(policies.none!)).toEqual(['60x', '10x']);
    expect(policies.none!['60x']!.frontRunnerPnl).toMatchObject({ median: 30_100, min: 29_800, max: 30_500, values: [30_100, 30_500, 29_800] });
    expect(policies['sealed-batch']!['60x']!.honestMedianTimeToFillMs).toMatchObject({ median: 11_600, min: 11_600, max: 11_600 });
    // A run where the front-runner is not listed has no rank: left out of the median, kept as NaN in the values.
    const rank = policies['event-time-void']!['60x']!.frontRunnerRank;
    expect(rank).toMatchObject({ median: 2, min: 2, max: 2 });
    expect(rank.values.filter(Number.isNaN)).toHaveLength(1);
  });

  it('calls a difference only where the ranges do not overlap, noise otherwise', () => {
    const verdicts = noiseVerdicts(policies, 'none');
    // Sealed batch's P&L range (227–304) overlaps none's (298–305): noise. Event-time void's €0 does not.
    expect(verdicts['60x']!.frontRunnerPnl).toEqual({ none: 'baseline', 'sealed-batch': 'noise', 'event-time-void': 'differs' });
    expect(verdicts['60x']!.honestMedianTimeToFillMs).toEqual({ none: 'baseline', 'sealed-batch': 'differs', 'event-time-void': 'differs' });
    // Equal fill rates are noise; a rank over only 2 listed runs is too few to call.
    expect(verdicts['60x']!.honestFillRate['sealed-batch']).toBe('noise');
    expect(verdicts['60x']!.frontRunnerRank['event-time-void']).toBe('too-few');
    expect(verdicts['60x']!.frontRunnerRank['sealed-batch']).toBe('noise');
    // Only the baseline ran at 10x.
    expect(verdicts['10x']!.frontRunnerPnl).toEqual({ none: 'baseline' });
    expect(() => noiseVerdicts(policies, 'delayed')).toThrow(/baseline policy delayed did not run/);
  });

  it('compares the slowest speed with the fastest per policy', () => {
    expect(speedEffects(policies, [60])).toBeNull();
    const effects = speedEffects(policies, [10, 60])!;
    expect(Object.keys(effects)).toEqual(['none']);
    expect(effects.none!.frontRunnerPnl).toBe('noise');
    expect(effects.none!.honestMedianTimeToFillMs).toBe('differs');
  });
});

describe('runLimited', () => {
  it('never runs more than the limit at once, starts jobs in order and returns results in job order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await runLimited([5, 1, 3, 2, 4], 2, async (job, i) => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      for (let k = 0; k < job; k++) await Promise.resolve();
      running -= 1;
      return job * 10;
    });
    expect(results).toEqual([50, 10, 30, 20, 40]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('fails when a run fails and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(runLimited([1, 2, 3, 4], 1, async (job) => { started.push(job); if (job === 2) throw new Error('run 2 broke'); return job; })).rejects.toThrow('run 2 broke');
    expect(started).toEqual([1, 2]);
  });
});
