// The crash window of order intake: a request claims its Idempotency-Key, then
// produces the order. A gateway that dies in between leaves a claim no record
// will ever settle, and a client that never retries would never get a result.
// Every gateway sweeps: a claim older than a grace with no result yet (no
// orders row, no pending_orders row) gets its stored order sent again, same
// orderId. Settlement executes a (user, key) once, so a claim whose first send
// did arrive (settlement merely slow or down) costs only a duplicate record it
// ignores. Each claim is swept once (swept_at): found settled, or sent again.
// Sending before marking, in one transaction with the rows locked (SKIP LOCKED,
// so gateways side by side share the work): a failure between the two only
// sends again, never loses the claim.
import { inTransaction, type Pool } from '@inplay/db';
import type { Order } from '@inplay/contracts';
import type { RecordSender } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { GatewayMetrics } from '../metrics';

/** Claims looked at per sweep at most (one produce request, one statement). */
export const MAX_CLAIMS_PER_SWEEP = 500;

export interface ClaimSweepLimits {
  /** A claim younger than this may still be on its way (claimed, being produced, being settled): left alone. */
  unsentClaimGraceMs: number;
  /** How often the sweep runs. */
  unsentClaimSweepMs: number;
}

export interface SweepOutcome {
  /** Claims with no result whose order was sent again. */
  resent: number;
  /** Claims found with a result (or waiting under a delayed policy): only marked. */
  settled: number;
}

/** One sweep: claims past the grace not swept yet, oldest first. */
export async function sweepUnsentClaims(pool: Pool, sender: RecordSender, graceMs: number, maxClaims = MAX_CLAIMS_PER_SWEEP): Promise<SweepOutcome> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ user_id: string; idempotency_key: string; order_record: Order | null; has_result: boolean }>(
      `SELECT k.user_id, k.idempotency_key, k.order_record,
              EXISTS (SELECT 1 FROM orders o WHERE o.order_id = k.order_id)
              OR EXISTS (SELECT 1 FROM pending_orders p WHERE p.order_id = k.order_id) AS has_result
         FROM order_keys k
        WHERE k.swept_at IS NULL AND k.created_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY k.created_at
        LIMIT $2
          FOR UPDATE OF k SKIP LOCKED`,
      [graceMs, maxClaims]);
    if (rows.length === 0) return { resent: 0, settled: 0 };
    // A claim from before order_record existed cannot be sent again; its client's retry still can.
    const unsent = rows.filter((r) => !r.has_result && r.order_record !== null);
    if (unsent.length > 0) await sender.send('orders', unsent.map((r) => ({ key: r.user_id, value: r.order_record! })));
    await client.query(
      `UPDATE order_keys k SET swept_at = now() FROM unnest($1::text[], $2::text[]) AS x(u, key) WHERE k.user_id = x.u AND k.idempotency_key = x.key`,
      [rows.map((r) => r.user_id), rows.map((r) => r.idempotency_key)]);
    return { resent: unsent.length, settled: rows.length - unsent.length };
  });
}

export interface ClaimSweeper {
  /** Runs one sweep now (tests); resolves with what it did. */
  sweepNow(): Promise<SweepOutcome>;
  stop(): Promise<void>;
}

/**
 * Sweeps every `unsentClaimSweepMs`. A failed sweep (Postgres or Kafka away) is logged and
 * counted and simply runs again at the next interval: nothing is marked until it was sent.
 */
export function startClaimSweeper(o: { pool: Pool; sender: RecordSender; limits: ClaimSweepLimits; logger: Logger; metrics: GatewayMetrics }): ClaimSweeper {
  let running: Promise<unknown> = Promise.resolve();
  let inFlight = false;
  let stopped = false;
  const sweepNow = async (): Promise<SweepOutcome> => {
    // Full batches mean more may be waiting: keep going until a sweep comes back short.
    const total: SweepOutcome = { resent: 0, settled: 0 };
    for (;;) {
      const outcome = await sweepUnsentClaims(o.pool, o.sender, o.limits.unsentClaimGraceMs);
      total.resent += outcome.resent;
      total.settled += outcome.settled;
      if (stopped || outcome.resent + outcome.settled < MAX_CLAIMS_PER_SWEEP) break;
    }
    if (total.resent > 0) {
      o.metrics.claimsResent.inc(total.resent);
      o.logger.warn({ resent: total.resent }, 'sent again the orders of idempotency claims left without a result (a gateway died between claiming and producing?)');
    }
    return total;
  };
  const timer = setInterval(() => {
    if (inFlight) return; // one sweep at a time, however slow Postgres or Kafka are
    inFlight = true;
    running = sweepNow().catch((err: unknown) => {
      o.metrics.claimSweepFailures.inc();
      o.logger.warn({ err: (err as Error).message }, 'claim sweep failed; it runs again at the next interval');
    }).finally(() => { inFlight = false; });
  }, o.limits.unsentClaimSweepMs);
  timer.unref();
  return {
    sweepNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
