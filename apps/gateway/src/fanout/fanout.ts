// From Kafka records to topics: one JSON string per tick, published once
// to `price/<playerId>` (conflated at the source by PublishThrottle, then
// batched per connection by TickBatcher, see gateway.ts), order
// results to their user's `user/<userId>` topic, and each connected user's
// leaderboard position to the same private topic.
import type { LatestPrice, LeaderboardEntry, LeaderboardSnapshot, OrderResult, PriceTick } from '@inplay/contracts';
import type { GatewayMetrics } from '../metrics';
import { boardTopJson, leaderboardMessage, orderResultMessage, tickMessage, type PreviousTick } from '../protocol/server-messages';
import type { PriceBook } from './price-book';
import type { PublishThrottle } from './publish-throttle';

/** The part of a uWS app the fan-out needs (a fake in unit tests). */
export interface TopicPublisher {
  publish(topic: string, message: string): boolean;
  numSubscribers(topic: string): number;
}

const PRICE_TOPIC_PREFIX = 'price/';
export const priceTopic = (playerId: string): string => `${PRICE_TOPIC_PREFIX}${playerId}`;
export const isPriceTopic = (topic: string): boolean => topic.startsWith(PRICE_TOPIC_PREFIX);
export const userTopic = (userId: string): string => `user/${userId}`;

interface Board {
  snapshot: LeaderboardSnapshot;
  byUser: Map<string, LeaderboardEntry>;
  topJson: string;
}

export class Fanout {
  /** Per player, the last tick published on its topic: the `prevSeq` of the next one. */
  private readonly lastPublished = new Map<string, PreviousTick>();
  private readonly appendedAtMs = new Map<string, number>();
  private readonly boards = new Map<string, Board>();
  /** Authenticated connections per user on this instance. */
  private readonly connectedUsers = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly book: PriceBook,
    private readonly throttle: PublishThrottle,
    private readonly publisher: TopicPublisher,
    private readonly metrics: GatewayMetrics,
    private readonly now: () => number,
    private readonly leaderboardTopEntries: number,
  ) {}

  /**
   * price.latest seeds the book at start-up only. Once live, ticks alone move it:
   * the compacted copy of a tick can be read before the tick itself (another
   * topic, another fetch), and a book already at its seq would take the tick as
   * history and never publish it, so every client missed it, and the next tick's
   * prevSeq named a seq nobody was sent.
   */
  onLatest(latest: LatestPrice, live: boolean): void {
    if (live) return;
    this.book.applyLatest(latest);
  }

  onTick(tick: PriceTick, appendedAtMs: number, live: boolean): void {
    const before = this.book.state(tick.playerId);
    const outcome = this.book.applyTick(tick);
    if (outcome === 'history' || outcome === 'duplicate') return;
    if (outcome === 'advanced-after-gap' && live) this.metrics.inputGaps.inc();
    if (before && !this.lastPublished.has(tick.playerId)) this.lastPublished.set(tick.playerId, { seq: before.seq, priceCents: before.priceCents });
    this.appendedAtMs.set(tick.playerId, live ? appendedAtMs : Number.NaN);
    if (this.throttle.offer(tick.playerId, this.now()) === 'publish') this.publish(tick.playerId);
    else {
      this.metrics.messagesDropped.inc({ reason: 'conflated' });
      this.armFlush();
    }
  }

  onOrderResult(result: OrderResult): void {
    const topic = userTopic(result.userId);
    const subscribers = this.publisher.numSubscribers(topic);
    if (subscribers === 0) return;
    this.publisher.publish(topic, orderResultMessage(result));
    this.metrics.messagesSent.inc({ type: 'order.result' }, subscribers);
  }

  onLeaderboard(snapshot: LeaderboardSnapshot): void {
    const board: Board = {
      snapshot,
      byUser: new Map(snapshot.entries.map((e) => [e.userId, e])),
      topJson: boardTopJson(snapshot.entries, this.leaderboardTopEntries),
    };
    this.boards.set(snapshot.boardId, board);
    // Visit whichever is smaller: the users connected here or the board's entries.
    const users = this.connectedUsers.size < board.byUser.size ? this.connectedUsers.keys() : board.byUser.keys();
    for (const userId of users) {
      if (!this.connectedUsers.has(userId)) continue;
      const message = this.positionMessage(board, userId);
      if (message) {
        this.publisher.publish(userTopic(userId), message);
        this.metrics.messagesSent.inc({ type: 'leaderboard' }, this.connectedUsers.get(userId));
      }
    }
  }

  /** The user's position on every board that ranks them: sent when they connect. */
  positionsOf(userId: string): string[] {
    const out: string[] = [];
    for (const board of this.boards.values()) {
      const message = this.positionMessage(board, userId);
      if (message) out.push(message);
    }
    return out;
  }

  userConnected(userId: string): void {
    this.connectedUsers.set(userId, (this.connectedUsers.get(userId) ?? 0) + 1);
  }

  userDisconnected(userId: string): void {
    const count = (this.connectedUsers.get(userId) ?? 1) - 1;
    if (count <= 0) this.connectedUsers.delete(userId);
    else this.connectedUsers.set(userId, count);
  }

  stop(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private publish(player: string): void {
    const tick = this.book.lastTick(player);
    if (!tick) return;
    const previous = this.lastPublished.get(player) ?? { seq: tick.seq - 1, priceCents: tick.previousPriceCents };
    this.lastPublished.set(player, { seq: tick.seq, priceCents: tick.priceCents });
    const topic = priceTopic(player);
    const subscribers = this.publisher.numSubscribers(topic);
    if (subscribers === 0) return;
    this.publisher.publish(topic, tickMessage(tick, previous));
    this.metrics.messagesSent.inc({ type: 'tick' }, subscribers);
    const appendedAt = this.appendedAtMs.get(player);
    if (appendedAt !== undefined && Number.isFinite(appendedAt)) this.metrics.tickLagMs.observe(Math.max(0, this.now() - appendedAt));
  }

  private armFlush(): void {
    if (this.flushTimer) return;
    const due = this.throttle.nextDueAtMs();
    if (due === undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      for (const player of this.throttle.takeDue(this.now())) this.publish(player);
      this.armFlush();
    }, Math.max(0, due - this.now()));
  }

  private positionMessage(board: Board, userId: string): string | undefined {
    const entry = board.byUser.get(userId);
    if (!entry) return undefined;
    const { boardId, computedAt, totalUsers } = board.snapshot;
    return leaderboardMessage({ boardId, computedAt, totalUsers, rank: entry.rank, valueCents: entry.valueCents }, board.topJson);
  }
}
