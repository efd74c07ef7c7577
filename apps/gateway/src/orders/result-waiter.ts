// `Prefer: wait=N`: waits for an order's result on order.results (read by a
// private consumer group from the latest offset), falling back to Postgres
// when the result was settled before we started waiting.
import { randomUUID } from 'node:crypto';
import type { OrderResult } from '@inplay/contracts';
import { decodeBatch, topicName, type Kafka, type Producer, type Serde } from '@inplay/kafka';
import type { OrderStore } from './order-store';

/** Requests waiting at once, per gateway; beyond it a request answers 202 at once. */
export const MAX_WAITING_REQUESTS = 20_000;

export interface ResultWaiter {
  wait(orderId: string, timeoutMs: number): Promise<OrderResult | null>;
  stop(): Promise<void>;
}

export async function startResultWaiter(options: { kafka: Kafka; serde: Serde; deadLetters: Producer; prefix: string; store: OrderStore }): Promise<ResultWaiter> {
  const waiting = new Map<string, Set<(r: OrderResult) => void>>();
  let waitingCount = 0;
  const consumer = options.kafka.consumer({ groupId: `${options.prefix}gateway-order-results-${randomUUID()}`, maxWaitTimeInMs: 20 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(options.prefix, 'order.results'), fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      if (waiting.size === 0) return;
      for (const record of await decodeBatch<OrderResult>(payload, options.serde, options.deadLetters, options.prefix)) {
        for (const resolve of waiting.get(record.value.orderId) ?? []) resolve(record.value);
      }
    },
  });
  await joined;
  return {
    async wait(orderId, timeoutMs) {
      if (waitingCount >= MAX_WAITING_REQUESTS) return options.store.resultOf(orderId);
      let resolveResult: (r: OrderResult | null) => void = () => undefined;
      const arrived = new Promise<OrderResult | null>((resolve) => { resolveResult = resolve; });
      const set = waiting.get(orderId) ?? new Set();
      set.add(resolveResult);
      waiting.set(orderId, set);
      waitingCount++;
      const timer = setTimeout(() => resolveResult(null), timeoutMs);
      try {
        const stored = await options.store.resultOf(orderId);
        if (stored) return stored;
        return (await arrived) ?? (await options.store.resultOf(orderId));
      } finally {
        clearTimeout(timer);
        set.delete(resolveResult);
        if (set.size === 0) waiting.delete(orderId);
        waitingCount--;
      }
    },
    stop: () => consumer.disconnect(),
  };
}
