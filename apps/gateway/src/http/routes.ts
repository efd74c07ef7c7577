// What an HTTP route module gets: the gateway's adapters and in-memory state.
// A module is `register(app, deps)`; startGateway registers the built-in ones
// and any given in its options (orders, portfolio, leaderboard, admin, the page).
// Every module shares the gateway's one Kafka client, producer, feed and pool.
import type { TemplatedApp } from 'uWebSockets.js';
import type { Pool } from '@inplay/db';
import type { Kafka, Producer, RecordSender, Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { GatewayConfig } from '../config';
import type { GatewayMetrics } from '../metrics';
import type { PriceBook } from '../fanout/price-book';
import type { MatchBoard } from '../fanout/match-board';
import type { FairnessSettings } from '@inplay/domain';
import type { LeaderboardBoards } from '../leaderboard/boards';
import type { OrderStore } from '../orders/order-store';
import type { ResultWaiter } from '../orders/result-waiter';
import type { TokenGuard } from '../auth/token-guard';

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
  /** JWT key (libs/auth) the gateway signs and verifies tokens with. */
  signingKey: Uint8Array;
  /** Checks every bearer token (signature, expiry, revocation) and issues and revokes tokens: use it, never verifyToken alone. */
  tokens: TokenGuard;
  /** The fairness policy of each match (the same settings as settlement's). */
  fairness: FairnessSettings;
  /** Order keys and results in Postgres (intake's idempotency record, settlement's projection). */
  orders: OrderStore;
  /** Results of orders as they arrive on the feed, for `Prefer: wait`. */
  results: ResultWaiter;
  /** The latest snapshot of each leaderboard, from the feed. */
  leaderboards: LeaderboardBoards;
  now: () => number;
  status(): GatewayStatus;
  /** A module with work in the background (the order intake's claim sweeper) says how to stop it: run before Kafka and Postgres are released. */
  onStop(stop: () => Promise<void>): void;
}

export type RouteModule = (app: TemplatedApp, deps: GatewayDeps) => void;
