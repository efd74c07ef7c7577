import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RESTART_LIMITS, assertRestartLimits, decideRestart, evolveRestart, initialRestartState, type RestartDecision, type RestartLimits } from './restart-policy';

/** One run of a process: how long it ran before it died, how long of that it was healthy, how late the timer fired its restart. */
interface Life { uptimeMs: number; healthyForMs: number; latenessMs: number }

/** What the supervisor does with the decider: exits and restarts in turn until it gives up. */
function simulate(limits: RestartLimits, lives: readonly Life[]): { restarts: { atMs: number; delayMs: number; afterReset: boolean }[]; gaveUp?: Extract<RestartDecision, { action: 'give-up' }>; exits: number } {
  let state = initialRestartState();
  let startedAtMs = 0;
  const restarts: { atMs: number; delayMs: number; afterReset: boolean }[] = [];
  let exits = 0;
  for (const life of lives) {
    const exit = { atMs: startedAtMs + life.uptimeMs, healthyForMs: Math.min(life.healthyForMs, life.uptimeMs) };
    exits += 1;
    const decision = decideRestart(exit, state, limits);
    if (decision.action === 'give-up') return { restarts, gaveUp: decision, exits };
    startedAtMs = exit.atMs + decision.delayMs + life.latenessMs;
    restarts.push({ atMs: startedAtMs, delayMs: decision.delayMs, afterReset: exit.healthyForMs >= limits.backoffResetAfterHealthyMs });
    state = evolveRestart(state, { atMs: startedAtMs, backoffStep: decision.backoffStep }, limits);
  }
  return { restarts, exits };
}

// Windows often a few delays long, where a crash loop's edge is.
const limitsArb: fc.Arbitrary<RestartLimits> = fc.record({
  restartInitialDelayMs: fc.integer({ min: 1, max: 10_000 }),
  maxFactor: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 100 })),
  crashLoopLimit: fc.integer({ min: 1, max: 10 }),
  windowInDelays: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1_000 })),
  backoffResetAfterHealthyMs: fc.integer({ min: 1, max: 1_000_000 }),
}).map(({ maxFactor, windowInDelays, ...l }) => ({ ...l, restartMaxDelayMs: l.restartInitialDelayMs * maxFactor, crashLoopWindowMs: l.restartInitialDelayMs * windowInDelays }));

// Mostly quick deaths (crash loops are where the bound bites), sometimes long runs.
const lifeArb: fc.Arbitrary<Life> = fc.record({
  uptimeMs: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5_000 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 2_000_000 }), weight: 1 }),
  healthyForMs: fc.integer({ min: 0, max: 2_000_000 }),
  latenessMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })),
});

describe('the restart policy of inplay up', () => {
  it('waits 1, 2, 4, 8, 16 s for a service that dies at once, then gives up: 5 restarts within the 5 min window', () => {
    const dies = Array.from({ length: 10 }, () => ({ uptimeMs: 3_000, healthyForMs: 0, latenessMs: 0 }));
    const run = simulate(RESTART_LIMITS, dies);
    expect(run.restarts.map((r) => r.delayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(run.exits).toBe(6);
    // The first restart at 4 s, the sixth exit at 3 + 1 + 3 + 2 + 3 + 4 + 3 + 8 + 3 + 16 + 3 = 49 s.
    expect(run.gaveUp).toEqual({ action: 'give-up', restarts: 5, withinMs: 45_000 });
  });

  it('caps the delay at restartMaxDelayMs', () => {
    let state = initialRestartState();
    const delays: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      // Far apart: never a crash loop, never healthy long enough to reset.
      const atMs = i * 10 * RESTART_LIMITS.crashLoopWindowMs;
      const decision = decideRestart({ atMs, healthyForMs: 0 }, state, RESTART_LIMITS);
      if (decision.action !== 'restart') throw new Error('gave up');
      delays.push(decision.delayMs);
      state = evolveRestart(state, { atMs: atMs + decision.delayMs, backoffStep: decision.backoffStep });
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts the backoff over after the service stayed healthy for backoffResetAfterHealthyMs', () => {
    const lives = [
      { uptimeMs: 3_000, healthyForMs: 0, latenessMs: 0 },
      { uptimeMs: 3_000, healthyForMs: 0, latenessMs: 0 },
      { uptimeMs: 70_000, healthyForMs: RESTART_LIMITS.backoffResetAfterHealthyMs, latenessMs: 0 },
      { uptimeMs: 3_000, healthyForMs: 0, latenessMs: 0 },
    ];
    expect(simulate(RESTART_LIMITS, lives).restarts.map((r) => r.delayMs)).toEqual([1_000, 2_000, 1_000, 2_000]);
    const almost = lives.map((l, i) => (i === 2 ? { ...l, healthyForMs: RESTART_LIMITS.backoffResetAfterHealthyMs - 1 } : l));
    expect(simulate(RESTART_LIMITS, almost).restarts.map((r) => r.delayMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('counts the restarts of one window ending at the restart it decides on, no further back', () => {
    const one: RestartLimits = { ...RESTART_LIMITS, restartInitialDelayMs: 1_000, restartMaxDelayMs: 1_000, crashLoopLimit: 1, crashLoopWindowMs: 10_000 };
    const restartedOnce = evolveRestart(initialRestartState(), { atMs: 1_000, backoffStep: 0 }, one);
    // Its restart would come at 10 s: the one at 1 s is 9 s before, in the window.
    expect(decideRestart({ atMs: 9_000, healthyForMs: 0 }, restartedOnce, one)).toEqual({ action: 'give-up', restarts: 1, withinMs: 8_000 });
    // At 11 s: the one at 1 s is a whole window before, out of it.
    expect(decideRestart({ atMs: 10_000, healthyForMs: 0 }, restartedOnce, one)).toEqual({ action: 'restart', delayMs: 1_000, backoffStep: 1 });
  });

  it('keeps restarting a service that dies now and then, outside any crash loop', () => {
    const hourly = Array.from({ length: 50 }, () => ({ uptimeMs: 3_600_000, healthyForMs: 3_600_000, latenessMs: 0 }));
    const run = simulate(RESTART_LIMITS, hourly);
    expect(run.gaveUp).toBeUndefined();
    expect(new Set(run.restarts.map((r) => r.delayMs))).toEqual(new Set([1_000]));
  });

  it('delays are bounded by the limits and never shrink until the backoff starts over', () => {
    fc.assert(fc.property(limitsArb, fc.array(lifeArb, { maxLength: 40 }), (limits, lives) => {
      const { restarts } = simulate(limits, lives);
      restarts.forEach((r, i) => {
        expect(r.delayMs).toBeGreaterThanOrEqual(limits.restartInitialDelayMs);
        expect(r.delayMs).toBeLessThanOrEqual(limits.restartMaxDelayMs);
        const previous = restarts[i - 1];
        if (r.afterReset) expect(r.delayMs).toBe(limits.restartInitialDelayMs);
        else if (previous) expect(r.delayMs).toBeGreaterThanOrEqual(previous.delayMs);
      });
    }));
  });

  it('never restarts more than crashLoopLimit times within any crashLoopWindowMs, however late the restarts come', () => {
    fc.assert(fc.property(limitsArb, fc.array(lifeArb, { maxLength: 40 }), (limits, lives) => {
      const times = simulate(limits, lives).restarts.map((r) => r.atMs);
      for (const end of times) {
        expect(times.filter((t) => t > end - limits.crashLoopWindowMs && t <= end).length).toBeLessThanOrEqual(limits.crashLoopLimit);
      }
    }));
  });

  it('gives up on a service that keeps dying at once once the limit fits in the window, and says how many restarts in how long', () => {
    fc.assert(fc.property(limitsArb, fc.integer({ min: 0, max: 1_000 }), (limits, uptimeMs) => {
      const fitting = { ...limits, crashLoopWindowMs: (limits.restartMaxDelayMs + uptimeMs + 1) * (limits.crashLoopLimit + 1) };
      const run = simulate(fitting, Array.from({ length: fitting.crashLoopLimit + 1 }, () => ({ uptimeMs, healthyForMs: 0, latenessMs: 0 })));
      expect(run.restarts).toHaveLength(fitting.crashLoopLimit);
      expect(run.gaveUp?.restarts).toBe(fitting.crashLoopLimit);
      expect(run.gaveUp?.withinMs).toBeLessThan(fitting.crashLoopWindowMs);
    }));
  });

  it('refuses limits that make no sense, naming them', () => {
    expect(() => assertRestartLimits(RESTART_LIMITS)).not.toThrow();
    expect(() => assertRestartLimits({ ...RESTART_LIMITS, restartMaxDelayMs: 500 })).toThrow(/restart limits out of range: .*"restartMaxDelayMs":500/);
    expect(() => assertRestartLimits({ ...RESTART_LIMITS, crashLoopLimit: 0 })).toThrow(/crashLoopLimit/);
    expect(() => assertRestartLimits({ ...RESTART_LIMITS, restartInitialDelayMs: 0 })).toThrow(/restartInitialDelayMs/);
  });
});
