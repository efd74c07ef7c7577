import { describe, expect, it } from 'vitest';
import { tradeLockPolicy } from './fairness-policy';

const price = { playerId: 'p1', priceCents: 1_000, seq: 3, tickedAt: 0, lockedUntil: 60_000 };

describe('trade lock policy', () => {
  it('rejects while the player is locked and says how long until it lifts', () => {
    expect(tradeLockPolicy({ playerId: 'p1', placedAt: 0, price, nowMs: 15_000 })).toEqual({ allowed: false, rejected: 'TRADE_LOCKED', retryAfterMs: 45_000, lockedUntil: 60_000 });
  });

  it('allows trading from the moment the lock lifts, and when there is no lock', () => {
    expect(tradeLockPolicy({ playerId: 'p1', placedAt: 0, price, nowMs: 60_000 })).toEqual({ allowed: true });
    expect(tradeLockPolicy({ playerId: 'p1', placedAt: 0, price: { ...price, lockedUntil: null }, nowMs: 1 })).toEqual({ allowed: true });
  });
});
