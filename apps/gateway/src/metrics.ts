// The gateway's Prometheus metrics, on a registry of its own so several
// instances can live in one process (tests) without clashing.
import { Counter, Gauge, Histogram, createMetrics, type Registry } from '@inplay/telemetry';

/** Kafka append (record timestamp) to publish, in ms. */
export const TICK_LAG_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics(serverId: string) {
  const registry: Registry = createMetrics('gateway');
  registry.setDefaultLabels({ service: 'gateway', server_id: serverId });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({ name: 'gateway_connections', help: 'Open WebSocket connections', labelNames: ['auth'], registers }),
    slowConsumers: new Gauge({ name: 'gateway_slow_consumers', help: 'Connections currently in slow mode (conflated snapshots only)', registers }),
    messagesSent: new Counter({ name: 'gateway_messages_sent_total', help: 'Messages sent to clients (a publish counts once per subscriber)', labelNames: ['type'], registers }),
    tickFrames: new Counter({ name: 'gateway_tick_frames_total', help: 'WebSocket frames that carried ticks (a batch frame carries several)', registers }),
    messagesDropped: new Counter({ name: 'gateway_messages_dropped_total', help: 'Messages not sent: conflated ticks, sends refused by backpressure', labelNames: ['reason'], registers }),
    backpressureCloses: new Counter({ name: 'gateway_backpressure_closes_total', help: 'Connections closed by the slow-consumer policy', labelNames: ['code'], registers }),
    closes: new Counter({ name: 'gateway_closes_total', help: 'Connections closed by the gateway, by close code', labelNames: ['code'], registers }),
    upgradesRefused: new Counter({ name: 'gateway_upgrades_refused_total', help: 'WebSocket upgrades refused', labelNames: ['reason'], registers }),
    clientErrors: new Counter({ name: 'gateway_client_errors_total', help: 'Error messages sent to clients', labelNames: ['name'], registers }),
    tickLagMs: new Histogram({ name: 'gateway_tick_lag_ms', help: 'Kafka record timestamp of a tick to its publish, ms', buckets: TICK_LAG_BUCKETS_MS, registers }),
    inputGaps: new Counter({ name: 'gateway_input_gaps_total', help: 'Ticks whose seq skipped ahead of what this gateway held', registers }),
    claimsResent: new Counter({ name: 'gateway_order_claims_resent_total', help: 'Orders of idempotency claims left without a result past the grace, sent again by the claim sweeper', registers }),
    claimSweepFailures: new Counter({ name: 'gateway_order_claim_sweep_failures_total', help: 'Claim sweeps that failed (Postgres or Kafka away) and run again at the next interval', registers }),
    revocationRefreshFailures: new Counter({ name: 'gateway_revocation_refresh_failures_total', help: 'Reads of the revoked tokens from Postgres that failed (tried again next interval; past revocationMaxStaleMs token checks fail closed)', registers }),
    revokedTokensKnown: new Gauge({ name: 'gateway_revocations_known', help: 'Revoked token ids and per-user cut-offs held in memory', registers }),
    tokenRefusals: new Counter({ name: 'gateway_token_refusals_total', help: 'Tokens refused on HTTP or WebSocket, by code', labelNames: ['code'], registers }),
    undecodableRecords: new Counter({ name: 'gateway_undecodable_records_total', help: 'Records skipped because they could not be decoded', labelNames: ['topic'], registers }),
  };
}
