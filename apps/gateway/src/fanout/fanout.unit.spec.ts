import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderResult } from '@inplay/contracts';
import { createGatewayMetrics } from '../metrics';
import { Fanout, priceTopic, userTopic, type TopicPublisher } from './fanout';
import { PriceBook } from './price-book';
import { PublishThrottle } from './publish-throttle';
import { T0, latest, tick } from '../../test/fanout.fixtures';

class FakeApp implements TopicPublisher {
  readonly published: { topic: string; message: Record<string, unknown> }[] = [];
  readonly subscribers = new Map<string, number>();
  publish(topic: string, message: string): boolean {
    this.published.push({ topic, message: JSON.parse(message) as Record<string, unknown> });
    return true;
  }
  numSubscribers(topic: string): number {
    return this.subscribers.get(topic) ?? 0;
  }
}

let clockMs = T0;
const now = () => clockMs;

function setup(conflateMs: number) {
  const app = new FakeApp();
  const book = new PriceBook(16);
  const fanout = new Fanout(book, new PublishThrottle(conflateMs), app, createGatewayMetrics('test'), now, 2);
  return { app, book, fanout };
}

beforeEach(() => { vi.useFakeTimers(); clockMs = T0; });
afterEach(() => { vi.useRealTimers(); });

describe('fan-out of ticks', () => {
  it('publishes every tick once to the player topic, each pointing at the one before', () => {
    const { app, fanout } = setup(0);
    app.subscribers.set(priceTopic('p1'), 3);
    fanout.onLatest(latest('p1', 4), false);
    for (const seq of [5, 6, 7]) fanout.onTick(tick('p1', seq), clockMs, true);
    expect(app.published.map((p) => [p.topic, p.message['seq'], p.message['prevSeq'], p.message['conflated']])).toEqual([
      ['price/p1', 5, 4, undefined], ['price/p1', 6, 5, undefined], ['price/p1', 7, 6, undefined],
    ]);
    expect(app.published[1]?.message).toMatchObject({ type: 'tick', player: 'p1', price: 1_006, prevPrice: 1_005, cause: 'DRIFT', lockedUntil: null, ts: T0 + 6 });
  });

  it('does not serialise ticks nobody here subscribes to', () => {
    const { app, fanout } = setup(0);
    fanout.onTick(tick('p1', 1), clockMs, true);
    expect(app.published).toEqual([]);
  });

  it('conflates to the latest tick per window and marks the skip so clients do not see a gap', () => {
    const { app, fanout } = setup(100);
    app.subscribers.set(priceTopic('p1'), 1);
    fanout.onTick(tick('p1', 1), clockMs, true);
    clockMs += 10; fanout.onTick(tick('p1', 2), clockMs, true);
    clockMs += 10; fanout.onTick(tick('p1', 3), clockMs, true);
    clockMs += 10; fanout.onTick(tick('p1', 4), clockMs, true);
    expect(app.published.map((p) => p.message['seq'])).toEqual([1]);
    clockMs = T0 + 100;
    vi.advanceTimersByTime(100);
    expect(app.published.map((p) => [p.message['seq'], p.message['prevSeq'], p.message['prevPrice'], p.message['conflated']])).toEqual([
      [1, 0, 1_000, undefined], [4, 1, 1_001, true],
    ]);
  });

  it('publishes a live tick whose price.latest copy was read first, so nobody misses it', () => {
    const { app, book, fanout } = setup(0);
    app.subscribers.set(priceTopic('p1'), 1);
    fanout.onLatest(latest('p1', 1), false);
    // Live, as the feed read them: the compacted copy of tick 2 before tick 2 itself (another topic, another fetch).
    fanout.onLatest(latest('p1', 2), true);
    expect(book.state('p1')?.seq).toBe(1); // a client subscribing now gets snapshot 1, then 2 and 3
    fanout.onTick(tick('p1', 2), clockMs, true);
    fanout.onTick(tick('p1', 3), clockMs, true);
    expect(app.published.map((p) => [p.message['seq'], p.message['prevSeq'], p.message['conflated']])).toEqual([[2, 1, undefined], [3, 2, undefined]]);
  });

  it('keeps the replayed history from the start-up rewind off the topics', () => {
    const { app, fanout } = setup(0);
    app.subscribers.set(priceTopic('p1'), 1);
    fanout.onLatest(latest('p1', 5), false);
    for (const seq of [3, 4, 5]) fanout.onTick(tick('p1', seq), clockMs, false);
    expect(app.published).toEqual([]);
  });
});

describe('private channels', () => {
  const result = (userId: string): OrderResult => ({
    orderId: `o-${userId}`, userId, idempotencyKey: 'k', playerId: 'p1', side: 'BUY', quantity: 1, status: 'FILLED', reason: null,
    fillPriceCents: 1_000, tickSeq: 1, costCents: 1_000, retryAfterMs: null, cashAfterCents: 9_000, placedAt: T0, settledAt: T0,
  });

  it('sends an order result only to its own user topic', () => {
    const { app, fanout } = setup(0);
    app.subscribers.set(userTopic('alice'), 1);
    fanout.onOrderResult(result('alice'));
    fanout.onOrderResult(result('bob'));
    expect(app.published).toEqual([{ topic: 'user/alice', message: expect.objectContaining({ type: 'order.result', orderId: 'o-alice', userId: 'alice' }) }]);
  });

  it('sends each connected user their own leaderboard position with the head of the board', () => {
    const { app, fanout } = setup(0);
    fanout.userConnected('bob');
    fanout.onLeaderboard({ boardId: 'overall', computedAt: T0, totalUsers: 3, entries: [
      { rank: 1, userId: 'alice', valueCents: 300 }, { rank: 2, userId: 'bob', valueCents: 200 }, { rank: 3, userId: 'carol', valueCents: 100 },
    ] });
    expect(app.published).toEqual([{ topic: 'user/bob', message: {
      type: 'leaderboard', boardId: 'overall', computedAt: T0, totalUsers: 3, rank: 2, valueCents: 200,
      top: [{ rank: 1, userId: 'alice', valueCents: 300 }, { rank: 2, userId: 'bob', valueCents: 200 }],
    } }]);
    expect(fanout.positionsOf('carol').map((m) => JSON.parse(m) as unknown)).toEqual([expect.objectContaining({ rank: 3 })]);
    expect(fanout.positionsOf('dave')).toEqual([]);
  });
});
