import { describe, expect, it } from 'vitest';
import { PublishThrottle } from './publish-throttle';

describe('conflation at the source', () => {
  it('publishes every tick when conflateMs is 0', () => {
    const throttle = new PublishThrottle(0);
    expect([0, 0, 0].map((t) => throttle.offer('p1', t))).toEqual(['publish', 'publish', 'publish']);
  });

  it('publishes at most once per player per window and defers the rest to the end of the window', () => {
    const throttle = new PublishThrottle(100);
    expect(throttle.offer('p1', 1_000)).toBe('publish');
    expect(throttle.offer('p1', 1_010)).toBe('deferred');
    expect(throttle.offer('p1', 1_050)).toBe('deferred');
    expect(throttle.nextDueAtMs()).toBe(1_100);
    expect(throttle.takeDue(1_099)).toEqual([]);
    expect(throttle.takeDue(1_100)).toEqual(['p1']);
    expect(throttle.pendingCount).toBe(0);
    expect(throttle.offer('p1', 1_150)).toBe('deferred');
  });

  it('throttles each player on its own', () => {
    const throttle = new PublishThrottle(100);
    expect(throttle.offer('p1', 0)).toBe('publish');
    expect(throttle.offer('p2', 10)).toBe('publish');
    expect(throttle.offer('p1', 20)).toBe('deferred');
    expect(throttle.offer('p2', 30)).toBe('deferred');
    expect(throttle.takeDue(100)).toEqual(['p1']);
    expect(throttle.takeDue(110)).toEqual(['p2']);
  });

  it('publishes a tick right away once its window has passed, even if a late flush still waits', () => {
    const throttle = new PublishThrottle(100);
    throttle.offer('p1', 0);
    throttle.offer('p1', 50);
    expect(throttle.offer('p1', 130)).toBe('publish');
    expect(throttle.takeDue(200)).toEqual([]);
  });
});
