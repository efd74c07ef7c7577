// `Prefer: wait=N`: waits for an order's result. Results arrive through the
// gateway's one Kafka feed (order.results, read from the end at start), which
// hands each to deliver(); one settled before we started waiting is read from
// Postgres (settlement's projection).
import type { OrderResult } from '@inplay/contracts';

/** Requests waiting at once, per gateway; beyond it a request is answered from Postgres at once. */
export const MAX_WAITING_REQUESTS = 20_000;

export interface ResultWaiter {
  /** A result read from order.results (the feed calls this). */
  deliver(result: OrderResult): void;
  wait(orderId: string, timeoutMs: number): Promise<OrderResult | null>;
}

export function createResultWaiter(stored: (orderId: string) => Promise<OrderResult | null>): ResultWaiter {
  const waiting = new Map<string, Set<(r: OrderResult | null) => void>>();
  let waitingCount = 0;
  return {
    deliver(result) {
      for (const resolve of waiting.get(result.orderId) ?? []) resolve(result);
    },
    async wait(orderId, timeoutMs) {
      if (waitingCount >= MAX_WAITING_REQUESTS) return stored(orderId);
      let resolveResult: (r: OrderResult | null) => void = () => undefined;
      const arrived = new Promise<OrderResult | null>((resolve) => { resolveResult = resolve; });
      const set = waiting.get(orderId) ?? new Set();
      set.add(resolveResult);
      waiting.set(orderId, set);
      waitingCount++;
      const timer = setTimeout(() => resolveResult(null), timeoutMs);
      try {
        // Registered first, then Postgres: a result that lands in between is caught by one or the other.
        const settled = await stored(orderId);
        if (settled) return settled;
        return (await arrived) ?? (await stored(orderId));
      } finally {
        clearTimeout(timer);
        set.delete(resolveResult);
        if (set.size === 0) waiting.delete(orderId);
        waitingCount--;
      }
    },
  };
}
