// Settlement's Prometheus metrics, fed from each settled batch (and each retry),
// served with /health on METRICS_PORT. The outbox lag is read from Postgres
// when Prometheus scrapes.
import { deadLetterCounter, type OnDeadLetter } from '@inplay/kafka';
import { Counter, Gauge, Histogram, createMetrics, type Registry } from '@inplay/telemetry';
import type { OutboxBacklog } from './settlement';
import type { SettledBatch } from './settle-orders';
import type { SettlementTiming } from './orders-consumer';
import { SettlementDivergence } from './strategies';

export const DEFAULT_SETTLEMENT_METRICS_PORT = 9403;

/** Postgres error codes a batch is retried on, by what they mean (settle-orders RETRYABLE_PG_CODES). */
const RETRY_CAUSES: Record<string, string> = { '40001': 'serialization', '40P01': 'deadlock', '23505': 'unique', '23514': 'check' };

export interface SettlementMetrics {
  registry: Registry;
  observe(batch: SettledBatch, nowMs: number, timing?: SettlementTiming): void;
  observeRetry(err: Error): void;
  /** A background worker retrying after meeting a dependency away. */
  observeDependencyRetry(worker: string, dependency: string): void;
  /** A record of orders or price.ticks sent to dead.letter (inplay_dead_letters_total). */
  observeDeadLetter: OnDeadLetter;
  /** Rows the outbox relay published in one round trip. */
  observeRelayed(rows: number): void;
  /** Reads the outbox backlog on every scrape. */
  watchOutbox(backlog: () => Promise<OutboxBacklog>): void;
}

/** Why a batch was retried: the strategy saw a divergence, or Postgres refused (deadlock, serialization...). */
export function retryCause(err: Error): string {
  if (err instanceof SettlementDivergence) return 'divergence';
  return RETRY_CAUSES[(err as { code?: string }).code ?? ''] ?? 'other';
}

export function createSettlementMetrics(strategy: string): SettlementMetrics {
  const registry = createMetrics('settlement');
  const results = new Counter({ name: 'inplay_settlement_results_total', help: 'order results by status and reason', labelNames: ['strategy', 'status', 'reason'], registers: [registry] });
  const batchSize = new Histogram({ name: 'inplay_settlement_batch_orders', help: 'orders per settled batch', buckets: [1, 5, 10, 50, 100, 250, 500], registers: [registry] });
  const batchDuration = new Histogram({
    name: 'inplay_settlement_batch_duration_ms', help: 'one batch transaction, first BEGIN to COMMIT, retries included, ms', labelNames: ['strategy'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 5_000], registers: [registry],
  });
  const retries = new Counter({ name: 'inplay_settlement_batch_retries_total', help: 'batch transactions rolled back and run again, by cause (divergence = a guard failed)', labelNames: ['strategy', 'cause'], registers: [registry] });
  const dependencyRetries = new Counter({
    name: 'inplay_settlement_dependency_retries_total', help: 'retries of a background worker (outbox relay, pending executor, late-event voids) that met Postgres, Kafka or the registry away',
    labelNames: ['worker', 'dependency'], registers: [registry],
  });
  const published = new Counter({ name: 'inplay_settlement_outbox_published_rows_total', help: 'outbox rows (results and trades) published to Kafka', registers: [registry] });
  const latency = new Histogram({ name: 'inplay_settlement_order_latency_ms', help: 'order placed -> settled, ms', buckets: [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 5_000], registers: [registry] });
  const observeDeadLetter = deadLetterCounter(registry, ['orders', 'price.ticks']);
  let readBacklog: (() => Promise<OutboxBacklog>) | null = null;
  let lastBacklog: Promise<OutboxBacklog> | null = null;
  // Both gauges come from one query per scrape.
  const backlog = () => (lastBacklog ??= (readBacklog?.() ?? Promise.resolve({ unsentRows: 0, oldestUnsentAgeMs: 0 })).finally(() => { lastBacklog = null; }));
  new Gauge({
    name: 'inplay_settlement_outbox_unsent_rows', help: 'outbox rows (results and trades) not yet published', registers: [registry],
    async collect() { this.set((await backlog()).unsentRows); },
  });
  new Gauge({
    name: 'inplay_settlement_outbox_lag_seconds', help: 'age of the oldest outbox row not yet published (0 when drained)', registers: [registry],
    async collect() { this.set((await backlog()).oldestUnsentAgeMs / 1_000); },
  });
  return {
    registry,
    observe(batch, nowMs, timing) {
      batchSize.observe(batch.results.length);
      if (timing) batchDuration.observe({ strategy }, timing.durationMs);
      for (const r of batch.results) {
        results.inc({ strategy, status: r.status, reason: r.reason ?? '' });
        latency.observe(Math.max(0, nowMs - r.placedAt));
      }
    },
    observeRetry(err) {
      retries.inc({ strategy, cause: retryCause(err) });
    },
    observeDependencyRetry(worker, dependency) {
      dependencyRetries.inc({ worker, dependency });
    },
    observeDeadLetter,
    observeRelayed(rows) {
      published.inc(rows);
    },
    watchOutbox(read) {
      readBacklog = read;
    },
  };
}
