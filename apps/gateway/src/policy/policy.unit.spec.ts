import { describe, expect, it } from 'vitest';
import { decideBackpressure, type BackpressureLimits } from './backpressure';
import { fullBucket, takeToken } from './rate-limit';

const limits: BackpressureLimits = { softBackpressureBytes: 1_000, hardBackpressureBytes: 5_000, slowConsumerGraceMs: 10_000 };
const live = { kind: 'live' } as const;
const slowSince = (sinceMs: number) => ({ kind: 'slow', sinceMs }) as const;

describe('the slow-consumer policy', () => {
  it('leaves a socket under the soft limit alone', () => {
    expect(decideBackpressure(live, 1_000, 0, limits)).toBe('stay');
  });

  it('moves a live socket over the soft limit to slow mode', () => {
    expect(decideBackpressure(live, 1_001, 0, limits)).toBe('enter-slow');
  });

  it('closes any socket at the hard limit', () => {
    expect(decideBackpressure(live, 5_000, 0, limits)).toBe('close-hard');
    expect(decideBackpressure(slowSince(0), 9_000, 1, limits)).toBe('close-hard');
  });

  it('brings a slow socket back once it has drained below half the soft limit', () => {
    expect(decideBackpressure(slowSince(0), 600, 1, limits)).toBe('stay');
    expect(decideBackpressure(slowSince(0), 500, 1, limits)).toBe('leave-slow');
  });

  it('closes a socket that stays slow past the grace period', () => {
    expect(decideBackpressure(slowSince(0), 2_000, 9_999, limits)).toBe('stay');
    expect(decideBackpressure(slowSince(0), 2_000, 10_000, limits)).toBe('close-slow');
  });

  it('closes instead of slowing down when soft equals hard', () => {
    expect(decideBackpressure(live, 1_001, 0, { ...limits, hardBackpressureBytes: 1_000 })).toBe('close-hard');
  });
});

describe('the client message rate limit', () => {
  const rate = { maxMessagesPerSecond: 10, messageBurst: 3 };

  it('allows a burst, then refuses until tokens refill at the steady rate', () => {
    const bucket = fullBucket(rate, 0);
    expect([0, 0, 0, 0].map((t) => takeToken(bucket, rate, t))).toEqual([true, true, true, false]);
    expect(takeToken(bucket, rate, 50)).toBe(false);
    expect(takeToken(bucket, rate, 100)).toBe(true);
    expect(takeToken(bucket, rate, 100)).toBe(false);
  });

  it('never saves up more than the burst', () => {
    const bucket = fullBucket(rate, 0);
    takeToken(bucket, rate, 60_000);
    expect([1, 1, 1].map(() => takeToken(bucket, rate, 60_000))).toEqual([true, true, false]);
  });
});
