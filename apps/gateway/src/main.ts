// The gateway process: read config, start (bootstrap from Kafka, then listen)
// with its HTTP modules (order intake, portfolio, leaderboard, the web page on
// the public port; admin on the internal one), and on SIGTERM/SIGINT close every socket with "going away,
// reconnect" and exit 0. One Kafka client, producer, feed and pool serve all.
import { ConfigError, bool, loadConfig, loadFairnessSettings, z } from '@inplay/config';
import { createLogger } from '@inplay/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';
import { orderRoutes } from './orders';
import { staticRoutes } from './http/static';
import { portfolioRoutes } from './portfolio';
import { adminRoutes, MIN_ADMIN_TOKEN_BYTES } from './admin';
import { leaderboardRoutes } from './leaderboard';

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
  const fairness = loadFairnessSettings(process.env);
  const logger = createLogger('gateway', config.logLevel);
  const gateway = await startGateway({
    config, logger, fairness,
    routeModules: [orderRoutes({ devLogin }), portfolioRoutes(), leaderboardRoutes(), staticRoutes()],
    // Operators only: on GATEWAY_INTERNAL_PORT, never on the public port.
    internalRouteModules: [adminRoutes(adminToken)],
  });
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'gateway stopping: closing sockets with 4000 (reconnect)');
    gateway.stop().then(
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
