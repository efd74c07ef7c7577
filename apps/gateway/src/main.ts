// The gateway process: read config, start (bootstrap from Kafka, then listen)
// with the HTTP modules (order intake, the web page), and on SIGTERM/SIGINT
// close every socket with "going away, reconnect" and exit 0.
import { ConfigError, bool, loadConfig, z } from '@inplay/config';
import { anomalyReportFrom } from '@inplay/audit';
import { createLogger } from '@inplay/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';
import { parseFairnessSettings } from '@inplay/domain';
import { createOrderIntake, registerOrderRoutes } from './orders';
import { courtesyLock } from './orders/courtesy-lock';
import { staticRoutes } from './http/static';
import { registerPortfolioRoutes } from './portfolio';
import { MIN_ADMIN_TOKEN_BYTES, registerAdminRoutes } from './admin';
import { registerLeaderboardRoutes, startLeaderboardFeed, type LeaderboardFeed } from './leaderboard';

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  // The dev login hands a token to anyone who asks: never on in production.
  const { GATEWAY_DEV_LOGIN: devLogin, GATEWAY_ADMIN_TOKEN: adminToken } = loadConfig({
    GATEWAY_DEV_LOGIN: bool.default(false),
    GATEWAY_ADMIN_TOKEN: z.string().refine((s) => Buffer.byteLength(s) >= MIN_ADMIN_TOKEN_BYTES, { message: `must be at least ${MIN_ADMIN_TOKEN_BYTES} bytes` }).optional(),
  }, process.env, {
    GATEWAY_DEV_LOGIN: 'true only for local demos: POST /dev/login issues a token for any user id',
    GATEWAY_ADMIN_TOKEN: 'bearer token of the admin routes (GET /admin/anomalies); unset turns them off; `inplay up` generates one',
  });
  // The same settings as settlement's: the courtesy lock check applies only where the trade lock is the policy.
  const parsedFairness = parseFairnessSettings(process.env['FAIRNESS_POLICY'], process.env['FAIRNESS_POLICY_BY_MATCH']);
  if (!parsedFairness.ok) throw new ConfigError(parsedFairness.errors);
  const fairness = parsedFairness.settings;
  const logger = createLogger('gateway', config.logLevel);
  const intake = await createOrderIntake({
    brokers: config.kafkaBrokers, registryUrl: config.schemaRegistryUrl, databaseUrl: config.databaseUrl,
    jwtSecret: config.jwtSecret, topicPrefix: config.topicPrefix, devLogin, logger,
  });
  let leaderboards: LeaderboardFeed | undefined;
  const gateway = await startGateway({
    config, logger,
    routeModules: [
      (app, deps) => {
        registerOrderRoutes(app, { ...intake.deps, tradeLock: (playerId, matchId, nowMs) => courtesyLock(fairness, matchId, deps.book.state(playerId)?.lockedUntil, nowMs) });
      },
      (app, deps) => {
        registerPortfolioRoutes(app, { signingKey: deps.signingKey, pool: deps.pool, latestPrice: (playerId) => deps.book.state(playerId)?.priceCents, logger: deps.logger });
      },
      (app, deps) => {
        // Boards arrive from the compacted leaderboard topic; until the first one, GET /leaderboard says so.
        registerLeaderboardRoutes(app, { signingKey: deps.signingKey, snapshot: (boardId) => leaderboards?.snapshot(boardId), logger: deps.logger });
        startLeaderboardFeed({ kafka: deps.kafka, serde: deps.serde, deadLetters: deps.producer, prefix: deps.config.topicPrefix })
          .then((feed) => { leaderboards = feed; }, (err: unknown) => deps.logger.error({ err }, 'leaderboard feed failed'));
      },
      (app, deps) => {
        registerAdminRoutes(app, {
          adminToken, logger: deps.logger,
          anomalies: (query) => anomalyReportFrom({ kafka: deps.kafka, serde: deps.serde, pool: deps.pool, topicPrefix: deps.config.topicPrefix }, query),
        });
      },
      staticRoutes(),
    ],
  });
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'gateway stopping: closing sockets with 4000 (reconnect)');
    gateway.stop().then(() => leaderboards?.stop()).then(() => intake.close()).then(
      () => process.exit(0),
      (err: unknown) => { logger.error({ err }, 'gateway did not stop cleanly'); process.exit(1); },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
