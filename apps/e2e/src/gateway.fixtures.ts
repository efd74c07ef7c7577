// A real gateway in the test process, on this file's topics and database,
// listening on a free port, with the HTTP modules a spec needs. Every HTTP
// answer a spec gets from it is checked against docs/api/openapi.yaml.
import { DEFAULT_LIMITS, startGateway, type GatewayLimits, type RouteModule, type RunningGateway } from '@inplay/gateway';
import { createLogger } from '@inplay/telemetry';
import { roleDatabaseUrl, type IsolatedEnv, TEST_ORDER_SIGNING_KEY } from '@inplay/testing';
import { checkAgainstContract } from '@inplay/testing/openapi';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

export async function startTestGateway(env: IsolatedEnv, routeModules: RouteModule[], limits: Partial<GatewayLimits> = {}): Promise<RunningGateway & { url: string }> {
  const gateway = await startGateway({
    config: {
      kafkaBrokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, schemaRegistryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'gateway'), topicPrefix: env.prefix,
      logLevel: 'warn', jwtSecret: JWT_SECRET, orderSigningKey: TEST_ORDER_SIGNING_KEY, host: '127.0.0.1', port: 0, internalHost: '127.0.0.1', internalPort: 0, serverId: `e2e-${env.prefix}`, allowedOrigins: ['*'],
      limits: { ...DEFAULT_LIMITS, ...limits },
    },
    logger: createLogger('e2e-gateway', 'silent'),
    routeModules,
  });
  const uncheck = checkAgainstContract({ [`http://127.0.0.1:${gateway.port}`]: 'gateway-public', [`http://127.0.0.1:${gateway.internalPort}`]: 'gateway-internal' });
  return { ...gateway, url: `http://127.0.0.1:${gateway.port}`, stop: () => gateway.stop().finally(uncheck) };
}
