// Settles orders the fairness policy executes later (delayed execution, sealed
// batches) once they are due. The orders sit in pending_orders, written with
// the consumed offset, so a restart loses none of them; several settlement
// instances share the work (FOR UPDATE SKIP LOCKED). A Postgres, Kafka or
// registry restart is ridden out (ride-out.ts); only what retrying cannot fix is fatal.
import type { Pool } from '@inplay/db';
import type { OrderToSettle } from '@inplay/domain';
import type { Logger } from '@inplay/telemetry';
import { rideOut, type RideOutLimits, type RideOutOptions } from './ride-out';
import { inTransactionWithRetry, MAX_ORDERS_PER_TRANSACTION, settleOrders, type SettleContext, type SettledBatch } from './settle-orders';

/** How often the executor looks for due orders. */
export const DEFAULT_PENDING_POLL_MS = 100;
/**
 * How long after its execution time an order waits before it is priced, so the
 * ticks computed up to that time (an event's tick, say) have reached the price table.
 */
export const DEFAULT_PENDING_GRACE_MS = 1_000;

export interface PendingExecutorOptions {
  pool: Pool;
  settle: SettleContext;
  logger: Logger;
  pollMs?: number;
  graceMs?: number;
  onSettled: (batch: SettledBatch) => void;
  /** Called with what could not be ridden out (settlement: onFatal). */
  onError: (err: Error) => void;
  /** Called before each retry of a run that met a dependency away (metrics). */
  onRetry?: RideOutOptions['onRetry'];
  rideOutLimits?: RideOutLimits;
}

export interface PendingExecutor {
  /** Settles everything due now; resolves with how many orders it settled. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startPendingExecutor(options: PendingExecutorOptions): PendingExecutor {
  const pollMs = options.pollMs ?? DEFAULT_PENDING_POLL_MS;
  const graceMs = options.graceMs ?? DEFAULT_PENDING_GRACE_MS;
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);
  const stopping = new AbortController();
  const ride: RideOutOptions = {
    worker: 'pending-executor', logger: options.logger, signal: stopping.signal,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}), ...(options.rideOutLimits ? { limits: options.rideOutLimits } : {}),
  };

  const runOnce = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const settled = await inTransactionWithRetry(options.pool, async (client) => {
        const dueBy = options.settle.now() - graceMs;
        const { rows } = await client.query<{ payload: OrderToSettle }>(
          `SELECT payload FROM pending_orders WHERE execute_at <= to_timestamp($1 / 1000.0)
            ORDER BY execute_at, order_id LIMIT $2 FOR UPDATE SKIP LOCKED`, [dueBy, MAX_ORDERS_PER_TRANSACTION]);
        if (rows.length === 0) return null;
        return settleOrders(client, rows.map((r) => r.payload), options.settle, { executingPending: true });
      }, (err, attempt) => options.logger.warn({ err: err.message, attempt }, 'pending batch diverged; retrying'));
      if (!settled) return total;
      total += settled.events.length;
      options.onSettled(settled);
    }
  };

  const loop = async () => {
    while (!stopped) {
      running = rideOut(runOnce, ride);
      await running.catch((err: Error) => {
        if (stopped) return;
        stopped = true;
        options.onError(err);
      });
      if (!stopped) await new Promise((r) => setTimeout(r, pollMs));
    }
  };
  void loop();
  return {
    runOnce: () => runOnce(),
    async stop() {
      stopped = true;
      stopping.abort();
      await running.catch(() => undefined);
    },
  };
}
