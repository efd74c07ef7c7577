import { describe, expect, it } from 'vitest';
import { courtesyLock } from './courtesy-lock';

const settings = { default: { policy: 'trade-lock' as const }, byMatch: { m2: { policy: 'delayed' as const, delayMs: 30_000, onEvent: 'void' as const } } };

describe('gateway courtesy lock', () => {
  it('refuses early only inside a lock, and only where the trade lock is the policy', () => {
    expect(courtesyLock(settings, 'm1', 60_000, 15_000)).toBe(60_000);
    expect(courtesyLock(settings, 'm1', 60_000, 60_000)).toBeNull();
    expect(courtesyLock(settings, 'm1', null, 1)).toBeNull();
    expect(courtesyLock(settings, 'm2', 60_000, 15_000)).toBeNull();
    expect(courtesyLock(settings, null, 60_000, 15_000)).toBe(60_000);
  });
});
