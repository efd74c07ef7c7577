// What an HTTP route module gets: the gateway's adapters and in-memory state.
// A module is `register(app, deps)`; startGateway registers the built-in ones
// and any given in its options (order intake plugs in here).
import type { TemplatedApp } from 'uWebSockets.js';
import type { Pool } from '@inplay/db';
import type { Kafka, Producer, RecordSender, Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { GatewayConfig } from '../config';
import type { GatewayMetrics } from '../metrics';
import type { PriceBook } from '../fanout/price-book';
import type { MatchBoard } from '../fanout/match-board';

export interface GatewayStatus {
  draining: boolean;
  connections: number;
  slowConsumers: number;
  startedAtMs: number;
}

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  book: PriceBook;
  /** Score, clock and recent events of each match (from match.events). */
  matches: MatchBoard;
  pool: Pool;
  kafka: Kafka;
  serde: Serde;
  /** Idempotent producer, connected. */
  producer: Producer;
  records: RecordSender;
  /** JWT key (libs/auth verifyToken) for authenticated routes. */
  signingKey: Uint8Array;
  now: () => number;
  status(): GatewayStatus;
}

export type RouteModule = (app: TemplatedApp, deps: GatewayDeps) => void;
