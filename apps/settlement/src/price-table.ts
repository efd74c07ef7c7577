// Settlement's price table: the latest tick (price, seq, lockedUntil) per
// player, kept in memory from price.ticks. Read from the start of the topic
// under a private group id; `ready` resolves once the topic's end at start-up
// has been reached, so no order is settled against a half-loaded table.
import { randomUUID } from 'node:crypto';
import type { PriceTick } from '@inplay/contracts';
import type { PriceInForce } from '@inplay/domain';
import { decodeBatch, topicName, type Kafka, type OnDeadLetter, type Producer, type Serde } from '@inplay/kafka';

/** Ticks kept per player for policies that price from the past (delayed execution, sealed batches). */
export const PRICE_HISTORY_MS = 15 * 60_000;
/** Upper bound of the per-player history, whatever its age. */
export const MAX_HISTORY_TICKS_PER_PLAYER = 2_000;

export interface PriceTable {
  get(playerId: string): PriceInForce | undefined;
  /** The player's ticks of the last PRICE_HISTORY_MS, ascending by seq. */
  history(playerId: string): readonly PriceInForce[];
  /** The match the player's latest tick belongs to, if any. */
  matchOf(playerId: string): string | null;
  /** Called for every new tick after it was applied (event-time voids listen here). */
  onTick(listener: (tick: PriceTick) => void): void;
  /** Applies a tick (older or equal seqs are ignored). Exposed for tests and tools. */
  apply(tick: PriceTick): void;
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function inMemoryPriceTable(): Pick<PriceTable, 'get' | 'apply' | 'history' | 'matchOf' | 'onTick'> {
  const histories = new Map<string, PriceInForce[]>();
  const matches = new Map<string, string | null>();
  const listeners: ((tick: PriceTick) => void)[] = [];
  return {
    get: (playerId) => histories.get(playerId)?.at(-1),
    history: (playerId) => histories.get(playerId) ?? [],
    matchOf: (playerId) => matches.get(playerId) ?? null,
    onTick: (listener) => { listeners.push(listener); },
    apply(tick) {
      const history = histories.get(tick.playerId) ?? [];
      const known = history.at(-1);
      if (known && known.seq >= tick.seq) return;
      history.push({
        playerId: tick.playerId, priceCents: tick.priceCents, seq: tick.seq, tickedAt: tick.tickedAt, lockedUntil: tick.lockedUntil,
        cause: tick.cause, causeOccurredAt: tick.causeOccurredAt,
      });
      let drop = 0;
      while (drop < history.length - 1 && (history.length - drop > MAX_HISTORY_TICKS_PER_PLAYER || history[drop]!.tickedAt < tick.tickedAt - PRICE_HISTORY_MS)) drop += 1;
      if (drop > 0) history.splice(0, drop);
      histories.set(tick.playerId, history);
      matches.set(tick.playerId, tick.matchId);
      for (const listener of listeners) listener(tick);
    },
  };
}

export async function startPriceTable(options: { kafka: Kafka; serde: Serde; deadLetters: Producer; prefix: string; onDeadLetter?: OnDeadLetter }): Promise<PriceTable> {
  const table = inMemoryPriceTable();
  const topic = topicName(options.prefix, 'price.ticks');
  const admin = options.kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  if (pending.size === 0) markReady();
  const consumer = options.kafka.consumer({ groupId: `${options.prefix}settlement-prices-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      for (const record of await decodeBatch<PriceTick>(payload, options.serde, options.deadLetters, options.prefix, { onDeadLetter: options.onDeadLetter })) table.apply(record.value);
      const { batch } = payload;
      if (pending.has(batch.partition) && BigInt(batch.lastOffset()) + 1n >= (ends.get(batch.partition) ?? 0n)) {
        pending.delete(batch.partition);
        if (pending.size === 0) markReady();
      }
    },
  });
  return { ...table, ready, stop: () => consumer.disconnect() };
}
