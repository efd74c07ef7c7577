// The consumer group on `orders`. Each batch is cut into transactions of at
// most MAX_ORDERS_PER_TRANSACTION records; each transaction settles them and
// stores the partition's next offset. On assignment we seek to the offsets
// stored in Postgres (the GROUP_JOIN event is kafkajs' only assignment hook);
// Kafka's committed offset is only a hint that shortens replays.
import type { Order } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import type { OrderToSettle } from '@inplay/domain';
import { decodeBatch, topicName, verifyRecordSignature, type Consumer, type Kafka, type OnDeadLetter, type Producer, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import { advanceNextOffset, lockNextOffset, storedOffsets } from './offsets';
import { inTransactionWithRetry, MAX_ORDERS_PER_TRANSACTION, settleOrders, type SettleContext, type SettledBatch } from './settle-orders';

/**
 * Kafka's committed offset is only a hint (the offsets that count are stored with the
 * effects), so it is sent at most this often per partition and not waited for: a
 * commit round trip per batch was serial time on every small batch.
 */
export const OFFSET_HINT_INTERVAL_MS = 1_000;

export interface OrdersConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  serde: Serde;
  deadLetters: Producer;
  /** Counts each record sent to dead.letter (the alert metric). */
  onDeadLetter?: OnDeadLetter;
  prefix: string;
  groupId: string;
  /** ORDER_SIGNING_KEY: only records the gateway signed are settled; the rest go to dead.letter as `forged`. */
  orderSigningKey: string;
  settle: SettleContext;
  logger: Logger;
  /** Called after each committed transaction (wakes the outbox relay, records metrics). */
  onSettled: (batch: SettledBatch, timing: SettlementTiming) => void;
  /** Called before a transaction is run again (divergence, deadlock, serialization or constraint failure). */
  onRetry?: (err: Error, attempt: number) => void;
  /** Orders per transaction at most (default MAX_ORDERS_PER_TRANSACTION). */
  maxOrdersPerTransaction?: number;
}

export interface SettlementTiming {
  /** From the first BEGIN to the COMMIT that stuck, retries included. */
  durationMs: number;
  attempts: number;
}

export function orderToSettle(order: Order): OrderToSettle {
  return {
    orderId: order.orderId, userId: order.userId, idempotencyKey: order.idempotencyKey, playerId: order.playerId,
    side: order.side, quantity: order.quantity, limitPriceCents: order.limitPriceCents, placedAt: order.placedAt,
  };
}

export async function startOrdersConsumer(options: OrdersConsumerOptions): Promise<Consumer> {
  const { kafka, pool, serde, prefix, groupId, logger } = options;
  const topic = topicName(prefix, 'orders');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  consumer.on(consumer.events.GROUP_JOIN, async (event) => {
    const assigned = event.payload.memberAssignment[topic] ?? [];
    const stored = await storedOffsets(pool, groupId, topic).catch((err: Error) => { logger.error({ err }, 'cannot read stored offsets'); return new Map<number, bigint>(); });
    for (const partition of assigned) {
      const offset = stored.get(partition);
      if (offset !== undefined) consumer.seek({ topic, partition, offset: offset.toString() });
    }
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const perTransaction = options.maxOrdersPerTransaction ?? MAX_ORDERS_PER_TRANSACTION;
  const hintedAt = new Map<number, number>();
  const hintOffset = (partition: number, next: bigint) => {
    const now = performance.now();
    if (now - (hintedAt.get(partition) ?? -Infinity) < OFFSET_HINT_INTERVAL_MS) return;
    hintedAt.set(partition, now);
    consumer.commitOffsets([{ topic, partition, offset: next.toString() }]).catch(() => undefined);
  };
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async (payload) => {
      const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
      const records = await decodeBatch<Order>(payload, serde, options.deadLetters, prefix, {
        onDeadLetter: options.onDeadLetter,
        authenticate: (message) => verifyRecordSignature(options.orderSigningKey, message),
      });
      const ref = { groupId, topic, partition: batch.partition };
      const messages = batch.messages;
      for (let start = 0; start < messages.length; start += perTransaction) {
        if (!isRunning() || isStale()) return;
        const chunk = messages.slice(start, start + perTransaction);
        const firstOffset = BigInt(chunk[0]!.offset);
        const lastOffset = BigInt(chunk.at(-1)!.offset);
        const startedAt = performance.now();
        let attempts = 1;
        const outcome = await inTransactionWithRetry(pool, async (client) => {
          const next = await lockNextOffset(client, ref);
          if (firstOffset > next) return { gapFrom: next, settled: null };
          const orders = records.filter((r) => { const o = BigInt(r.offset); return o >= next && o >= firstOffset && o <= lastOffset; }).map((r) => orderToSettle(r.value));
          const settled = await settleOrders(client, orders, options.settle);
          await advanceNextOffset(client, ref, lastOffset + 1n);
          return { gapFrom: null, settled };
        }, (err, attempt) => {
          attempts = attempt + 1;
          options.onRetry?.(err, attempt);
          logger.warn({ err: err.message, attempt, partition: batch.partition }, 'settlement batch diverged; retrying');
        });
        if (outcome.gapFrom !== null || outcome.settled === null) {
          // Kafka handed us records past what Postgres says we consumed: go back.
          logger.warn({ partition: batch.partition, from: String(outcome.gapFrom), got: firstOffset.toString() }, 'seeking back to the stored offset');
          consumer.seek({ topic, partition: batch.partition, offset: String(outcome.gapFrom) });
          return;
        }
        resolveOffset(lastOffset.toString());
        options.onSettled(outcome.settled, { durationMs: performance.now() - startedAt, attempts });
        await heartbeat();
      }
      const last = messages.at(-1);
      if (last) hintOffset(batch.partition, BigInt(last.offset) + 1n);
    },
  });
  return consumer;
}
