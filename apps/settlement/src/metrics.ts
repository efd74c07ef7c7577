// Settlement's Prometheus metrics, fed from each settled batch, served with
// /health on METRICS_PORT.
import { Counter, Histogram, createMetrics, type Registry } from '@inplay/telemetry';
import type { SettledBatch } from './settle-orders';

export const DEFAULT_SETTLEMENT_METRICS_PORT = 9403;

export interface SettlementMetrics {
  registry: Registry;
  observe(batch: SettledBatch, nowMs: number): void;
}

export function createSettlementMetrics(strategy: string): SettlementMetrics {
  const registry = createMetrics('settlement');
  const results = new Counter({ name: 'inplay_settlement_results_total', help: 'order results by status and reason', labelNames: ['strategy', 'status', 'reason'], registers: [registry] });
  const batchSize = new Histogram({ name: 'inplay_settlement_batch_orders', help: 'orders per settled batch', buckets: [1, 5, 10, 50, 100, 250, 500], registers: [registry] });
  const latency = new Histogram({ name: 'inplay_settlement_order_latency_ms', help: 'order placed -> settled, ms', buckets: [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 5_000], registers: [registry] });
  return {
    registry,
    observe(batch, nowMs) {
      batchSize.observe(batch.results.length);
      for (const r of batch.results) {
        results.inc({ strategy, status: r.status, reason: r.reason ?? '' });
        latency.observe(Math.max(0, nowMs - r.placedAt));
      }
    },
  };
}
