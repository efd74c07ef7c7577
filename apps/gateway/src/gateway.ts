// startGateway: wires the adapters (Kafka feed, Postgres pool, uWS app) to the
// in-memory price book and the fan-out, registers the HTTP route modules and
// the WebSocket endpoint, then listens. stop() drains and releases everything.
import uWS from 'uWebSockets.js';
import type { us_listen_socket } from 'uWebSockets.js';
import { signingKey } from '@inplay/auth';
import { createPool } from '@inplay/db';
import { createKafka, createProducer, createSerde, recordSender } from '@inplay/kafka';
import { createLogger, type Logger } from '@inplay/telemetry';
import type { GatewayConfig } from './config';
import { validateLimits } from './config';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import { PriceBook } from './fanout/price-book';
import { PublishThrottle } from './fanout/publish-throttle';
import { Fanout } from './fanout/fanout';
import { MatchBoard } from './fanout/match-board';
import { startKafkaFeed, type FeedHandlers, type KafkaFeed } from './feed/kafka-feed';
import { SocketServer } from './ws/socket-server';
import { registerHealthRoutes } from './http/health';
import { registerPriceRoutes } from './http/prices';
import { errorAnswer, writeAnswer } from './http/respond';
import type { GatewayDeps, GatewayStatus, RouteModule } from './http/routes';

export const POSTGRES_POOL_SIZE = 4;

export interface GatewayOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** Extra HTTP route modules (e.g. order intake), registered after the built-in ones. */
  routeModules?: RouteModule[];
  now?: () => number;
}

export interface RunningGateway {
  port: number;
  serverId: string;
  metrics: GatewayMetrics;
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
  const app = uWS.App();
  const fanout = new Fanout(book, new PublishThrottle(config.limits.conflateMs), {
    publish: (topic, message) => app.publish(topic, message, false),
    numSubscribers: (topic) => app.numSubscribers(topic),
  }, metrics, now, config.limits.leaderboardTopEntries);

  const matches = new MatchBoard((topic, message) => app.publish(topic, message, false));
  // The WebSocket behaviour first: uWS has no topic tree (publish, numSubscribers) before app.ws() is registered.
  const sockets = new SocketServer({ app, config, book, fanout, metrics, logger, signingKey: key, now });

  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `gateway-${config.serverId}`, logger });
  const serde = createSerde(config.schemaRegistryUrl, config.topicPrefix);
  const pool = createPool(config.databaseUrl, { max: POSTGRES_POOL_SIZE, applicationName: `gateway-${config.serverId}` });
  const producer = createProducer(kafka);
  let feed: KafkaFeed | undefined;
  try {
    await producer.connect();
    feed = await startKafkaFeed({
      kafka, serde, prefix: config.topicPrefix, serverId: config.serverId, logger, metrics,
      rewindTicksPerPartition: config.limits.bootstrapRewindTicksPerPartition,
      bootstrapTimeoutMs: config.limits.bootstrapTimeoutMs,
      handlers: { ...bindHandlers(fanout), onMatchEvent: (event, live) => matches.onMatchEvent(event, live) },
    });
  } catch (err) {
    fanout.stop();
    sockets.beginShutdown();
    await producer.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw err;
  }

  let draining = false;
  const status = (): GatewayStatus => ({ draining, connections: sockets.connections.size, slowConsumers: sockets.slowConsumers, startedAtMs });
  const deps: GatewayDeps = { config, logger, metrics, book, matches, pool, kafka, serde, producer, records: recordSender(producer, serde, config.topicPrefix), signingKey: key, now, status };
  for (const register of [registerHealthRoutes, registerPriceRoutes, ...(options.routeModules ?? [])]) register(app, deps);
  app.any('/*', (res, req) => writeAnswer(res, errorAnswer(404, 'NOT_FOUND', `no route for ${req.getMethod().toUpperCase()} ${req.getUrl()}`)));

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) => (socket ? resolve(socket) : reject(new Error(`cannot listen on ${config.host}:${config.port}`))));
  }).catch(async (err: unknown) => {
    fanout.stop();
    sockets.beginShutdown();
    await feed?.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw err;
  });
  const port = uWS.us_socket_local_port(listenSocket as unknown as Parameters<typeof uWS.us_socket_local_port>[0]);
  logger.info({ serverId: config.serverId, host: config.host, port, players: book.size }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      uWS.us_listen_socket_close(listenSocket);
      sockets.beginShutdown();
      fanout.stop();
      // Releasing Kafka and Postgres takes a moment, in which the close frames drain.
      await feed?.stop().catch((err: unknown) => logger.warn({ err }, 'Kafka consumer did not stop cleanly'));
      await producer.disconnect().catch((err: unknown) => logger.warn({ err }, 'Kafka producer did not stop cleanly'));
      await pool.end().catch((err: unknown) => logger.warn({ err }, 'Postgres pool did not close cleanly'));
      (app as unknown as { close?: () => void }).close?.();
      logger.info({ serverId: config.serverId }, 'gateway stopped');
    })();
    return stopping;
  };
  return { port, serverId: config.serverId, metrics, status, stop };
}

/** The fan-out's feed handlers as plain functions (its methods use `this`). */
function bindHandlers(fanout: Fanout): Omit<FeedHandlers, 'onMatchEvent'> {
  return {
    onLatest: (latest) => fanout.onLatest(latest),
    onTick: (tick, appendedAtMs, live) => fanout.onTick(tick, appendedAtMs, live),
    onOrderResult: (result) => fanout.onOrderResult(result),
    onLeaderboard: (board) => fanout.onLeaderboard(board),
  };
}
