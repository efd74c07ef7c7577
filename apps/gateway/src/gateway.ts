// startGateway: wires the adapters (Kafka feed, Postgres pool, uWS app) to the
// in-memory price book and the fan-out, registers the HTTP route modules and
// the WebSocket endpoint, then listens on two ports: the public one (page, API,
// WebSocket, /health, /openapi.yaml) and the internal one (/metrics, /health, /admin/*).
// stop() drains and releases everything.
import uWS from 'uWebSockets.js';
import type { us_listen_socket } from 'uWebSockets.js';
import { signingKey } from '@inplay/auth';
import { createPool } from '@inplay/db';
import { batchingSender, createKafka, createProducer, createSerde, recordSender, type BatchingLimits, signatureHeaders } from '@inplay/kafka';
import { DEFAULT_FAIRNESS_SETTINGS, type FairnessSettings } from '@inplay/domain';
import { createLogger, type Logger } from '@inplay/telemetry';
import type { GatewayConfig } from './config';
import { validateLimits } from './config';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import { PriceBook } from './fanout/price-book';
import { PublishThrottle } from './fanout/publish-throttle';
import { Fanout, isPriceTopic } from './fanout/fanout';
import { TickBatcher } from './fanout/tick-batcher';
import { MatchBoard } from './fanout/match-board';
import { startKafkaFeed, type FeedHandlers, type KafkaFeed } from './feed/kafka-feed';
import { SocketServer } from './ws/socket-server';
import { sendFrame, type Connection } from './ws/connection';
import { registerHealthRoutes, registerInternalRoutes } from './http/health';
import { registerPriceRoutes } from './http/prices';
import { registerOpenApiRoute } from './http/openapi';
import { errorAnswer, writeAnswer } from './http/respond';
import type { GatewayDeps, GatewayStatus, RouteModule } from './http/routes';
import { createLeaderboardBoards } from './leaderboard/boards';
import { createOrderStore } from './orders/order-store';
import { createRevocationStore } from './auth/revocation-store';
import { createTokenGuard } from './auth/token-guard';
import { recordingRoutes, type RouteName } from './http/route-list';
import { createResultWaiter } from './orders/result-waiter';

export const POSTGRES_POOL_SIZE = 4;

export interface GatewayOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** Extra HTTP route modules (orders, portfolio, ...) on the public port, registered after the built-in ones. */
  routeModules?: RouteModule[];
  /** Operator-only route modules (admin) on the internal port, beside /metrics and /health. */
  internalRouteModules?: RouteModule[];
  /** The fairness settings (default: the domain's); the courtesy lock check and GET /matches use them. */
  fairness?: FairnessSettings;
  now?: () => number;
}

export interface RunningGateway {
  port: number;
  /** The internal listener's port: /metrics, /health, /admin/*. */
  internalPort: number;
  serverId: string;
  metrics: GatewayMetrics;
  /** Every route registered on each listener ("GET /orders/:id", "WS /ws", "ANY /*"). */
  routes: { public: RouteName[]; internal: RouteName[] };
  status(): GatewayStatus;
  /** Stops accepting, closes every socket with SERVER_GOING_AWAY (4000), then releases Kafka, Postgres and the app. */
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  validateLimits(config.limits);
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  const key = signingKey(config.jwtSecret);
  const metrics = createGatewayMetrics(config.serverId);
  const book = new PriceBook(config.limits.ringBufferTicksPerPlayer);
  const routes = { public: [] as RouteName[], internal: [] as RouteName[] };
  const server = uWS.App();
  // Route modules register through `app` (recorded); the hot paths (publish) use `server` directly.
  const app = recordingRoutes(server, routes.public);
  // Ticks go through the batcher (one frame per connection per flushIntervalMs); the users' private topics stay uWS topics.
  const ticks = new TickBatcher<Connection>(config.limits.flushIntervalMs, (conn, frame) => sendFrame(conn, frame, metrics), (stats) => metrics.tickFrames.inc(stats.frames));
  const fanout = new Fanout(book, new PublishThrottle(config.limits.conflateMs), {
    publish: (topic, message) => (isPriceTopic(topic) ? ticks.publish(topic, message) > 0 : server.publish(topic, message, false)),
    numSubscribers: (topic) => (isPriceTopic(topic) ? ticks.subscriberCount(topic) : server.numSubscribers(topic)),
  }, metrics, now, config.limits.leaderboardTopEntries);
  const matches = new MatchBoard((topic, message) => server.publish(topic, message, false));
  // One Kafka client, producer, feed and pool for the whole gateway: every module shares them.
  const adapters = gatewayAdapters(config, logger);
  // Every token, on every route and socket, is checked against the revocations every gateway shares in Postgres.
  const tokens = createTokenGuard({ signingKey: key, store: createRevocationStore(adapters.pool), limits: config.limits, metrics, logger, now });
  // The WebSocket behaviour first: uWS has no topic tree (publish, numSubscribers) before app.ws() is registered.
  const sockets = new SocketServer({ app, config, book, fanout, ticks, metrics, logger, tokens, now });
  const orders = createOrderStore(adapters.pool, now);
  const results = createResultWaiter((orderId) => orders.resultOf(orderId));
  const leaderboards = createLeaderboardBoards();
  const moduleStops: (() => Promise<void>)[] = [];
  const release = async (feed?: KafkaFeed): Promise<void> => {
    fanout.stop();
    ticks.stop();
    tokens.stop();
    sockets.beginShutdown();
    for (const stopModule of moduleStops.splice(0)) await stopModule().catch((err: unknown) => logger.warn({ err }, 'a route module did not stop cleanly'));
    // Releasing Kafka and Postgres takes a moment, in which the close frames drain.
    await feed?.stop().catch((err: unknown) => logger.warn({ err }, 'Kafka consumer did not stop cleanly'));
    await adapters.close();
  };
  let feed: KafkaFeed;
  try {
    await adapters.producer.connect();
    feed = await startKafkaFeed({
      kafka: adapters.kafka, serde: adapters.serde, prefix: config.topicPrefix, serverId: config.serverId, logger, metrics,
      rewindTicksPerPartition: config.limits.bootstrapRewindTicksPerPartition,
      bootstrapTimeoutMs: config.limits.bootstrapTimeoutMs,
      handlers: {
        ...bindHandlers(fanout),
        onOrderResult: (result) => { fanout.onOrderResult(result); results.deliver(result); },
        onLeaderboard: (board) => { fanout.onLeaderboard(board); leaderboards.apply(board); },
        onMatchEvent: (event, live) => matches.onMatchEvent(event, live),
      },
    });
    // Before listening: until the revocations are read once, every token check fails closed (AUTH_UNAVAILABLE).
    await tokens.refresh().catch((err: unknown) => logger.warn({ err }, 'could not read revoked tokens at start: token checks fail closed until they are read'));
  } catch (err) {
    await release();
    throw err;
  }

  let draining = false;
  const status = (): GatewayStatus => ({ draining, connections: sockets.connections.size, slowConsumers: sockets.slowConsumers, startedAtMs });
  const deps: GatewayDeps = {
    config, logger, metrics, book, matches, kafka: adapters.kafka, serde: adapters.serde, pool: adapters.pool, producer: adapters.producer,
    // Orders from many HTTP requests share produce requests (see libs/kafka batching-sender).
    records: recordSender(adapters.producer, adapters.serde, config.topicPrefix, {
      batching: batchingSender(adapters.producer, intakeBatching(config.limits)),
      // Settlement settles only orders this signature vouches for (a record changed or written by anyone else is dead-lettered).
      sign: { orders: (key, value) => signatureHeaders(config.orderSigningKey, key, value) },
    }),
    signingKey: key, tokens, now, status,
    fairness: options.fairness ?? DEFAULT_FAIRNESS_SETTINGS, orders, results, leaderboards,
    onStop: (stopModule) => { moduleStops.push(stopModule); },
  };
  for (const register of [registerHealthRoutes, registerPriceRoutes, registerOpenApiRoute, ...(options.routeModules ?? [])]) register(app, deps);
  const internal = recordingRoutes(uWS.App(), routes.internal);
  for (const register of [registerInternalRoutes, ...(options.internalRouteModules ?? [])]) register(internal, deps);
  for (const each of [app, internal]) each.any('/*', (res, req) => writeAnswer(res, errorAnswer(404, 'NOT_FOUND', `no route for ${req.getMethod().toUpperCase()} ${req.getUrl()}`)));

  const listening: us_listen_socket[] = [];
  // Each listen socket is closed once: splice empties the list.
  const stopListening = (): void => { for (const socket of listening.splice(0)) uWS.us_listen_socket_close(socket); };
  const closeApps = (): void => {
    stopListening();
    for (const each of [app, internal]) (each as unknown as { close?: () => void }).close?.();
  };
  try {
    listening.push(await listen(app, config.host, config.port, 'public'));
    listening.push(await listen(internal, config.internalHost, config.internalPort, 'internal (GATEWAY_INTERNAL_PORT)'));
  } catch (err) {
    stopListening();
    await release(feed);
    closeApps();
    throw err;
  }
  const [port, internalPort] = listening.map((socket) => uWS.us_socket_local_port(socket as unknown as Parameters<typeof uWS.us_socket_local_port>[0])) as [number, number];
  logger.info({ serverId: config.serverId, host: config.host, port, internalHost: config.internalHost, internalPort, players: book.size }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      stopListening();
      await release(feed);
      closeApps();
      logger.info({ serverId: config.serverId }, 'gateway stopped');
    })();
    return stopping;
  };
  return { port, internalPort, serverId: config.serverId, metrics, routes, status, stop };
}

function gatewayAdapters(config: GatewayConfig, logger: Logger) {
  const kafka = createKafka({ brokers: config.kafkaBrokers, ...config.kafkaSecurity, clientId: `gateway-${config.serverId}`, logger });
  const pool = createPool(config.databaseUrl, { max: POSTGRES_POOL_SIZE, applicationName: `gateway-${config.serverId}` });
  const producer = createProducer(kafka);
  return {
    kafka, pool, producer,
    serde: createSerde(config.schemaRegistryUrl, config.topicPrefix, config.registryAuth),
    async close(): Promise<void> {
      await producer.disconnect().catch((err: unknown) => logger.warn({ err }, 'Kafka producer did not stop cleanly'));
      await pool.end().catch((err: unknown) => logger.warn({ err }, 'Postgres pool did not close cleanly'));
    },
  };
}

/** Below the broker's message.max.bytes (1 MiB by default). */
export const INTAKE_MAX_REQUEST_BYTES = 512 * 1024;

function intakeBatching(limits: GatewayConfig['limits']): BatchingLimits {
  return { maxRequestRecords: limits.intakeMaxBatchOrders, maxRequestBytes: INTAKE_MAX_REQUEST_BYTES, lingerMs: limits.intakeLingerMs };
}

function listen(app: uWS.TemplatedApp, host: string, port: number, role: string): Promise<us_listen_socket> {
  return new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(host, port, (socket) => (socket ? resolve(socket) : reject(new Error(`cannot listen on ${host}:${port} (${role} port): is it in use?`))));
  });
}

/** The fan-out's feed handlers as plain functions (its methods use `this`). */
function bindHandlers(fanout: Fanout): Pick<FeedHandlers, 'onLatest' | 'onTick'> {
  return {
    onLatest: (latest, live) => fanout.onLatest(latest, live),
    onTick: (tick, appendedAtMs, live) => fanout.onTick(tick, appendedAtMs, live),
  };
}
