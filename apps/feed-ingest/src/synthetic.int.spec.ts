import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jumpingClock } from './clock';
import { feedTestEnv, type FeedTestEnv } from '../test/feed.fixtures';
import { runSynthetic } from './synthetic';

let t: FeedTestEnv;
beforeAll(async () => { t = await feedTestEnv(); });
afterAll(async () => t?.close());

const START = Date.UTC(2026, 0, 10, 18, 30);
const options = { seed: 7, matches: 3, playersPerTeam: 11, durationMs: 5_400_000, ratesPerHour: { GOAL: 30, SHOT_ON_TARGET: 60, YELLOW_CARD: 20 } };

describe('synthetic load', () => {
  it('registers every roster, then produces every generated event paced at the target rate', async () => {
    const summary = await runSynthetic({ ...options, adapters: t.adapters, runId: 'run1', ratePerSecond: 500, clock: jumpingClock(START) });
    expect(summary.matchIds).toEqual(['run1-syn-m0', 'run1-syn-m1', 'run1-syn-m2']);
    expect(await t.rowCount('players', "match_id LIKE 'run1-%'")).toBe(66);
    expect(summary.produced).toBeGreaterThan(100);
    expect(await t.recordCount()).toBe(summary.produced);
    // Paced: n events at 500/s take (n - 1) * 2 ms of clock time.
    expect(summary.elapsedMs).toBe(Math.floor(((summary.produced - 1) * 1_000) / 500));
  });

  it('dedupes a rerun of the same run id and produces a new run id in full', async () => {
    const before = await t.recordCount();
    const rerun = await runSynthetic({ ...options, adapters: t.adapters, runId: 'run1', clock: jumpingClock(START) });
    expect(rerun.produced).toBe(0);
    expect(await t.recordCount()).toBe(before);
    const fresh = await runSynthetic({ ...options, adapters: t.adapters, runId: 'run2' });
    expect([fresh.produced, fresh.duplicates]).toEqual([rerun.duplicates, 0]);
    expect(await t.recordCount()).toBe(before + fresh.produced);
  });
});
