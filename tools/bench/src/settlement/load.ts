// The benchmark's two ends: a load generator posting orders over keep-alive
// HTTP (open loop at a fixed rate, or closed loop flat out) and an observer
// reading order.results, so that order -> result is measured end to end.
// Times are performance.now() of this one process, so both ends share a clock.
import type { Order, OrderResult } from '@inplay/contracts';
import { decodeBatch, topicName, type Kafka, type Producer, type Serde } from '@inplay/kafka';
import { Pool as HttpPool } from 'undici';
import type { BenchUser, MarketPlayer } from './harness';

/**
 * Requests the generator lets wait at once; beyond it an order is shed (not
 * sent, counted): an open loop past capacity would otherwise queue without bound.
 */
export const MAX_IN_FLIGHT_REQUESTS = 2_000;
const REQUEST_TIMEOUT_MS = 30_000;
const OPEN_LOOP_TICK_MS = 1;
/** A buy far beyond any bench user's cash: refused INSUFFICIENT_FUNDS. */
const UNAFFORDABLE_QUANTITY = 100_000;

export interface SentOrder {
  /** When the open loop meant to send it (closed loop: when it did). Latency counts from here, so a late generator cannot hide queueing. */
  intendedAt: number;
  sentAt: number;
  answeredAt: number;
  /** HTTP status; 0 when the request failed or was shed. */
  status: number;
  /** Not sent: MAX_IN_FLIGHT_REQUESTS were already waiting. */
  shed: boolean;
  orderId: string | null;
}

/** Seeded generator (mulberry32): the same seed gives the same orders. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The order mix: mostly small buys and sells, some unaffordable buys and some limits that cannot be met. */
export function randomOrderBody(random: () => number, players: readonly MarketPlayer[]): { playerId: string; side: 'buy' | 'sell'; quantity: number; limitPrice?: number } {
  const player = players[Math.floor(random() * players.length)]!;
  const quantity = 1 + Math.floor(random() * 5);
  const roll = random();
  if (roll < 0.6) return { playerId: player.playerId, side: 'buy', quantity };
  if (roll < 0.9) return { playerId: player.playerId, side: 'sell', quantity };
  if (roll < 0.95) return { playerId: player.playerId, side: 'buy', quantity: UNAFFORDABLE_QUANTITY };
  return { playerId: player.playerId, side: 'buy', quantity, limitPrice: Math.max(1, player.priceCents - 50) };
}

export interface LoadGenerator {
  /** `ordersPerSec` for `durationMs`, sent on schedule whatever the answers do. */
  openLoop(ordersPerSec: number, durationMs: number, tag: string): Promise<SentOrder[]>;
  /** `concurrency` clients, each sending its next order when the last is answered, for `durationMs`. */
  closedLoop(concurrency: number, durationMs: number, tag: string): Promise<SentOrder[]>;
  close(): Promise<void>;
}

export function createLoadGenerator(o: { url: string; users: readonly BenchUser[]; players: readonly MarketPlayer[]; connections: number; seed: number }): LoadGenerator {
  const http = new HttpPool(o.url, { connections: o.connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  const random = seededRandom(o.seed);
  let inFlight = 0;

  async function send(key: string, intendedAt: number): Promise<SentOrder> {
    const user = o.users[Math.floor(random() * o.users.length)]!;
    const body = JSON.stringify(randomOrderBody(random, o.players));
    if (inFlight >= MAX_IN_FLIGHT_REQUESTS) return { intendedAt, sentAt: performance.now(), answeredAt: performance.now(), status: 0, shed: true, orderId: null };
    inFlight++;
    const sentAt = performance.now();
    try {
      const res = await http.request({
        path: '/orders', method: 'POST', body,
        headers: { authorization: `Bearer ${user.token}`, 'idempotency-key': key, 'content-type': 'application/json' },
      });
      const answer = (await res.body.json()) as { orderId?: string };
      return { intendedAt, sentAt, answeredAt: performance.now(), status: res.statusCode, shed: false, orderId: answer.orderId ?? null };
    } catch {
      return { intendedAt, sentAt, answeredAt: performance.now(), status: 0, shed: false, orderId: null };
    } finally {
      inFlight--;
    }
  }

  return {
    async openLoop(ordersPerSec, durationMs, tag) {
      const total = Math.round((ordersPerSec * durationMs) / 1_000);
      const intervalMs = 1_000 / ordersPerSec;
      const startedAt = performance.now();
      const requests: Promise<SentOrder>[] = [];
      while (requests.length < total) {
        const now = performance.now();
        while (requests.length < total && startedAt + requests.length * intervalMs <= now) {
          requests.push(send(`${tag}-${requests.length}`, startedAt + requests.length * intervalMs));
        }
        await new Promise((r) => setTimeout(r, OPEN_LOOP_TICK_MS));
      }
      return Promise.all(requests);
    },
    async closedLoop(concurrency, durationMs, tag) {
      const deadline = performance.now() + durationMs;
      const sent: SentOrder[] = [];
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) sent.push(await send(`${tag}-${next++}`, performance.now()));
      }));
      return sent;
    },
    close: () => http.close(),
  };
}

export interface ObservedResult {
  /** First time a result for the order arrived here (performance.now() of this process). */
  receivedAt: number;
  /** The same moment on the wall clock (epoch ms), to set beside the times other processes stamped. */
  receivedWallMs: number;
  /** When the order was accepted (the gateway's placedAt), settled (in settlement's transaction) and its result appended to order.results. */
  placedAt: number;
  settledAt: number;
  resultAppendedAt: number;
  status: OrderResult['status'];
  /** Deliveries seen (the outbox relay is at least once; readers dedupe by orderId). */
  copies: number;
  /** A later copy disagreed with the first (status or fill): never allowed. */
  conflicting: boolean;
}

export interface ResultObserver {
  get(orderId: string): ObservedResult | undefined;
  /** When the order's record was appended to `orders` (the intake's produce acknowledged), epoch ms. */
  orderAppendedAt(orderId: string): number | undefined;
  stop(): Promise<void>;
}

/**
 * Reads order.results from the start under a private group and remembers the
 * first result per orderId; reads `orders` too, for when each order's record
 * was appended (the per-stage breakdown).
 */
export async function observeResults(kafka: Kafka, serde: Serde, deadLetters: Producer, prefix: string): Promise<ResultObserver> {
  const results = new Map<string, ObservedResult & { fill: number | null }>();
  const appended = new Map<string, number>();
  const ordersTopic = topicName(prefix, 'orders');
  const consumer = kafka.consumer({ groupId: `${prefix}bench-results`, maxWaitTimeInMs: 10 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topicName(prefix, 'order.results'), ordersTopic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 12,
    eachBatch: async (payload) => {
      const receivedAt = performance.now();
      const receivedWallMs = Date.now();
      if (payload.batch.topic === ordersTopic) {
        for (const r of await decodeBatch<Order>(payload, serde, deadLetters, prefix)) appended.set(r.value.orderId, r.timestamp);
        return;
      }
      for (const { value, timestamp } of await decodeBatch<OrderResult>(payload, serde, deadLetters, prefix)) {
        const known = results.get(value.orderId);
        if (!known) {
          results.set(value.orderId, {
            receivedAt, receivedWallMs, placedAt: value.placedAt, settledAt: value.settledAt, resultAppendedAt: timestamp,
            status: value.status, copies: 1, conflicting: false, fill: value.costCents,
          });
          continue;
        }
        known.copies++;
        if (known.status !== value.status || known.fill !== value.costCents) known.conflicting = true;
      }
    },
  });
  await joined;
  return { get: (orderId) => results.get(orderId), orderAppendedAt: (orderId) => appended.get(orderId), stop: () => consumer.disconnect() };
}
