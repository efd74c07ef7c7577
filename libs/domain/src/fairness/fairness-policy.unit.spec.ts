import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchWindowOf, executeAt, fairnessVerdict, lowerMedian, parseFairnessPolicy, parseFairnessSettings, policyForMatch, priceAt, TRADE_LOCK, windowPrices,
  type FairnessPolicyConfig, type PriceInForce,
} from './fairness-policy';

const price: PriceInForce = { playerId: 'p1', priceCents: 1_000, seq: 3, tickedAt: 0, lockedUntil: 60_000 };
const at = (seq: number, tickedAt: number, priceCents: number, cause: PriceInForce['cause'] = 'DRIFT'): PriceInForce =>
  ({ playerId: 'p1', priceCents, seq, tickedAt, lockedUntil: null, cause });

describe('trade lock policy', () => {
  it('rejects while the player is locked and says how long until it lifts', () => {
    expect(fairnessVerdict(TRADE_LOCK, { playerId: 'p1', placedAt: 0, price, nowMs: 15_000 })).toMatchObject({ allowed: false, rejected: 'TRADE_LOCKED', retryAfterMs: 45_000, lockedUntil: 60_000 });
  });

  it('allows trading from the moment the lock lifts, and when there is no lock', () => {
    expect(fairnessVerdict(TRADE_LOCK, { playerId: 'p1', placedAt: 0, price, nowMs: 60_000 })).toMatchObject({ allowed: true, price });
    expect(fairnessVerdict(TRADE_LOCK, { playerId: 'p1', placedAt: 0, price: { ...price, lockedUntil: null }, nowMs: 1 })).toMatchObject({ allowed: true });
  });

  it('property: no fill ever happens inside a lock', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.option(fc.integer({ min: 0, max: 1e9 })), (nowMs, lockedUntil) => {
      const verdict = fairnessVerdict(TRADE_LOCK, { playerId: 'p1', placedAt: 0, price: { ...price, lockedUntil }, nowMs });
      if (verdict.allowed) expect(lockedUntil === null || nowMs >= lockedUntil).toBe(true);
      else expect(verdict.rejected === 'TRADE_LOCKED' && verdict.retryAfterMs > 0 && nowMs + verdict.retryAfterMs === lockedUntil).toBe(true);
    }));
  });
});

describe('delayed execution', () => {
  const delayed: FairnessPolicyConfig = { policy: 'delayed', delayMs: 30_000, onEvent: 'void' };
  const history = [at(1, 0, 1_000), at(2, 10_000, 1_020), at(3, 50_000, 1_100)];

  it('is not due before delayMs has passed', () => {
    expect(executeAt(5_000, delayed)).toBe(35_000);
    expect(fairnessVerdict(delayed, { playerId: 'p1', placedAt: 5_000, price: history[2]!, history, nowMs: 34_999 })).toMatchObject({ allowed: false, rejected: 'NOT_DUE', retryAfterMs: 1 });
  });

  it('fills at the price in force at the execution time, not the latest', () => {
    expect(fairnessVerdict(delayed, { playerId: 'p1', placedAt: 5_000, price: history[2]!, history, nowMs: 60_000 })).toEqual({ allowed: true, price: history[1], executedAt: 35_000 });
  });

  it('voids an order when an event moved the player between placement and execution, or re-prices it', () => {
    const withGoal = [at(1, 0, 1_000), at(2, 20_000, 1_500, 'EVENT')];
    expect(fairnessVerdict(delayed, { playerId: 'p1', placedAt: 5_000, price: withGoal[1]!, history: withGoal, nowMs: 35_000 })).toMatchObject({ allowed: false, rejected: 'VOIDED_EVENT' });
    expect(fairnessVerdict({ ...delayed, onEvent: 'reprice' }, { playerId: 'p1', placedAt: 5_000, price: withGoal[1]!, history: withGoal, nowMs: 35_000 }))
      .toMatchObject({ allowed: true, price: { priceCents: 1_500, seq: 2 } });
  });

  it('property: a delayed order always fills at the price of the last tick at or before its execution time', () => {
    const ticks = fc.array(fc.record({ gap: fc.integer({ min: 1, max: 20_000 }), priceCents: fc.integer({ min: 1, max: 100_000 }), event: fc.boolean() }), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(ticks, fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 60_000 }), fc.constantFrom<'void' | 'reprice'>('void', 'reprice'), (raw, placedAt, delayMs, onEvent) => {
      let t = 0;
      const history = raw.map((r, i) => at(i + 1, (t += r.gap), r.priceCents, r.event ? 'EVENT' : 'DRIFT'));
      const policy: FairnessPolicyConfig = { policy: 'delayed', delayMs, onEvent };
      const nowMs = placedAt + delayMs + 1_000;
      const verdict = fairnessVerdict(policy, { playerId: 'p1', placedAt, price: history.at(-1)!, history, nowMs });
      const inForce = [...history].reverse().find((h) => h.tickedAt <= placedAt + delayMs);
      const eventBetween = history.some((h) => h.cause === 'EVENT' && h.tickedAt > placedAt && h.tickedAt <= placedAt + delayMs);
      if (verdict.allowed) {
        expect(verdict.price).toEqual(inForce);
        expect(verdict.executedAt).toBe(placedAt + delayMs);
        expect(onEvent === 'reprice' || !eventBetween).toBe(true);
      } else {
        expect((verdict.rejected === 'VOIDED_EVENT' && eventBetween && onEvent === 'void') || (verdict.rejected === 'PRICE_UNAVAILABLE' && inForce === undefined)).toBe(true);
      }
    }));
  });
});

describe('sealed batch', () => {
  const batch: FairnessPolicyConfig = { policy: 'sealed-batch', batchWindowMs: 10_000 };

  it('collects orders in epoch-aligned windows and executes them when the window closes', () => {
    expect(batchWindowOf(12_345, 10_000)).toEqual({ start: 10_000, end: 20_000 });
    expect(executeAt(19_999, batch)).toBe(20_000);
    expect(fairnessVerdict(batch, { playerId: 'p1', placedAt: 12_000, price, nowMs: 19_999 })).toMatchObject({ rejected: 'NOT_DUE' });
  });

  it('fills at the lower median of the prices in force during the window', () => {
    const history = [at(1, 5_000, 900), at(2, 11_000, 1_300), at(3, 14_000, 1_000), at(4, 18_000, 1_200), at(5, 25_000, 5_000)];
    expect(windowPrices(history, 10_000, 20_000)).toEqual([900, 1_300, 1_000, 1_200]);
    expect(fairnessVerdict(batch, { playerId: 'p1', placedAt: 12_000, price: history[4]!, history, nowMs: 26_000 }))
      .toEqual({ allowed: true, price: history[2], executedAt: 20_000 });
  });

  it('property: every order of one window fills at one price, a price that was in force in the window', () => {
    const ticks = fc.array(fc.record({ gap: fc.integer({ min: 1, max: 8_000 }), priceCents: fc.integer({ min: 1, max: 100_000 }) }), { minLength: 1, maxLength: 40 });
    fc.assert(fc.property(ticks, fc.array(fc.integer({ min: 0, max: 9_999 }), { minLength: 2, maxLength: 20 }), fc.integer({ min: 0, max: 20 }), (raw, offsets, windowIndex) => {
      let t = 0;
      const history = raw.map((r, i) => at(i + 1, (t += r.gap), r.priceCents));
      const start = windowIndex * 10_000;
      const fills = offsets.map((o) => fairnessVerdict(batch, { playerId: 'p1', placedAt: start + o, price: history.at(-1)!, history, nowMs: start + 10_000 }));
      const prices = new Set(fills.map((f) => (f.allowed ? f.price.priceCents : f.rejected)));
      expect(prices.size).toBe(1);
      const first = fills[0]!;
      if (first.allowed) {
        expect(windowPrices(history, start, start + 10_000)).toContain(first.price.priceCents);
        expect(history.find((t) => t.seq === first.price.seq)?.priceCents).toBe(first.price.priceCents);
      }
      else expect(priceAt(history, start + 9_999)).toBeUndefined();
    }));
  });

  it('lower median is a member of the list and splits it in half', () => {
    fc.assert(fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 50 }), (values) => {
      const m = lowerMedian(values);
      expect(values).toContain(m);
      expect(values.filter((v) => v < m).length).toBeLessThanOrEqual(Math.floor((values.length - 1) / 2));
      expect(values.filter((v) => v > m).length).toBeLessThanOrEqual(Math.ceil((values.length - 1) / 2) + values.length);
      expect(values.filter((v) => v <= m).length).toBeGreaterThanOrEqual(Math.ceil(values.length / 2));
    }));
  });
});

describe('policy configuration', () => {
  it('fills in defaults and picks the per-match policy over the deployment default', () => {
    const parsed = parseFairnessPolicy({ policy: 'delayed' });
    expect(parsed).toEqual({ ok: true, config: { policy: 'delayed', delayMs: 30_000, onEvent: 'void' } });
    const settings = { default: TRADE_LOCK, byMatch: { m7: { policy: 'sealed-batch', batchWindowMs: 5_000 } as FairnessPolicyConfig } };
    expect(policyForMatch(settings, 'm7')).toEqual({ policy: 'sealed-batch', batchWindowMs: 5_000 });
    expect(policyForMatch(settings, 'm8')).toBe(TRADE_LOCK);
    expect(policyForMatch(settings, null)).toBe(TRADE_LOCK);
  });

  it('names every problem with what it got', () => {
    expect(parseFairnessPolicy({ policy: 'fast' })).toMatchObject({ ok: false, errors: [expect.stringMatching(/policy must be one of none, trade-lock.*got "fast"/)] });
    const bad = parseFairnessPolicy({ policy: 'delayed', delayMs: -5, onEvent: 'ignore', batchWindowMs: 3 }, 'FAIRNESS_POLICY');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors).toEqual(expect.arrayContaining([
        expect.stringMatching(/^FAIRNESS_POLICY: batchWindowMs does not apply to the delayed policy/),
        expect.stringMatching(/delayMs must be an integer number of ms in 1\.\.3600000, got -5/),
        expect.stringMatching(/onEvent must be "void" or "reprice", got "ignore"/),
      ]));
    }
    expect(parseFairnessPolicy('delayed')).toMatchObject({ ok: false });
  });

  it('defaults to event-time void and reads the deployment default and per-match overrides from configuration strings', () => {
    expect(parseFairnessSettings(undefined, undefined)).toEqual({ ok: true, settings: { default: { policy: 'event-time-void', voidHorizonMs: 45_000 }, byMatch: {} } });
    expect(parseFairnessSettings('trade-lock', undefined)).toEqual({ ok: true, settings: { default: TRADE_LOCK, byMatch: {} } });
    expect(parseFairnessSettings('sealed-batch', '{"m1":"none","m2":{"policy":"event-time-void","voidHorizonMs":50000}}')).toEqual({ ok: true, settings: {
      default: { policy: 'sealed-batch', batchWindowMs: 10_000 },
      byMatch: { m1: { policy: 'none' }, m2: { policy: 'event-time-void', voidHorizonMs: 50_000 } },
    } });
    expect(parseFairnessSettings('{"policy":"delayed","delayMs":40000,"onEvent":"reprice"}', '')).toMatchObject({ ok: true, settings: { default: { delayMs: 40_000, onEvent: 'reprice' } } });
    const bad = parseFairnessSettings('{"policy":', '[1]');
    expect(bad).toMatchObject({ ok: false, errors: [expect.stringMatching(/^FAIRNESS_POLICY: not valid JSON/), expect.stringMatching(/^FAIRNESS_POLICY_BY_MATCH: expected an object/)] });
    expect(parseFairnessSettings('lock', undefined)).toMatchObject({ ok: false, errors: [expect.stringMatching(/got "lock"/)] });
  });
});
