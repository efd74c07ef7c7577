// Integration-test harness: gateways on an isolated topic prefix and database,
// a typed producer for the topics the gateway reads, and tokens. Every HTTP
// answer a test gets from a gateway started here is checked against
// docs/api/openapi.yaml (libs/testing openapi-contract.ts).
import { issueToken, signingKey } from '@inplay/auth';
import type { LatestPrice, LeaderboardSnapshot, OrderResult, PriceTick } from '@inplay/contracts';
import { createProducer, recordSender, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { eventually, isolate, roleDatabaseUrl, type IsolatedEnv, TEST_ORDER_SIGNING_KEY } from '@inplay/testing';
import { checkAgainstContract } from '@inplay/testing/openapi';
import { DEFAULT_LIMITS, type GatewayConfig, type GatewayLimits } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import type { RouteModule } from '../src/http/routes';
import { TestWsClient, type ConnectOptions } from './ws-client';

export const TEST_JWT_SECRET = 'test-secret-of-at-least-thirty-two-bytes!';
/** Records per produce request when sending many ticks. */
const SEND_CHUNK = 1_000;

export interface GatewayHarness {
  env: IsolatedEnv;
  records: RecordSender;
  start(options?: { serverId?: string; limits?: Partial<GatewayLimits>; allowedOrigins?: string[]; routeModules?: RouteModule[]; internalRouteModules?: RouteModule[] }): Promise<TestGateway>;
  sendTicks(ticks: PriceTick[]): Promise<void>;
  sendLatest(latest: LatestPrice[]): Promise<void>;
  sendOrderResults(results: OrderResult[]): Promise<void>;
  sendLeaderboard(board: LeaderboardSnapshot): Promise<void>;
  token(userId: string, options?: { ttlMs?: number; nowMs?: number; secret?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface TestGateway extends RunningGateway {
  wsUrl(query?: string): string;
  httpUrl(path: string): string;
  /** On the internal listener: /metrics, /health, /admin/*. */
  internalUrl(path: string): string;
  connect(query?: string, options?: ConnectOptions): Promise<TestWsClient>;
}

export async function gatewayHarness(options: { database?: boolean } = {}): Promise<GatewayHarness> {
  const env = await isolate({ database: options.database ?? true });
  await env.serde.registerAll();
  const producer: Producer = createProducer(env.kafka);
  await producer.connect();
  const records = recordSender(producer, env.serde, env.prefix);
  const started: RunningGateway[] = [];
  const clients: TestWsClient[] = [];
  const unchecks: (() => void)[] = [];
  let count = 0;

  return {
    env,
    records,
    async start(startOptions = {}) {
      count += 1;
      const config: GatewayConfig = {
        kafkaBrokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity,
        schemaRegistryUrl: env.infra.schemaRegistryUrl,
        // As the gateway's own Postgres role: a query its GRANTs do not allow fails here.
        databaseUrl: roleDatabaseUrl(env, 'gateway'),
        topicPrefix: env.prefix,
        logLevel: process.env['LOG_LEVEL'] ?? 'warn',
        jwtSecret: TEST_JWT_SECRET,
        orderSigningKey: TEST_ORDER_SIGNING_KEY,
        host: '127.0.0.1',
        port: 0,
        internalHost: '127.0.0.1',
        internalPort: 0,
        serverId: startOptions.serverId ?? `gw-test-${count}`,
        allowedOrigins: startOptions.allowedOrigins ?? ['http://localhost:5173'],
        limits: { ...DEFAULT_LIMITS, conflateMs: 0, backpressureSweepMs: 50, bootstrapTimeoutMs: 30_000, ...startOptions.limits },
      };
      const gateway = await startGateway({
        config, logger: createLogger(config.serverId, config.logLevel),
        ...(startOptions.routeModules ? { routeModules: startOptions.routeModules } : {}),
        ...(startOptions.internalRouteModules ? { internalRouteModules: startOptions.internalRouteModules } : {}),
      });
      started.push(gateway);
      unchecks.push(checkAgainstContract({ [`http://127.0.0.1:${gateway.port}`]: 'gateway-public', [`http://127.0.0.1:${gateway.internalPort}`]: 'gateway-internal' }));
      const wsUrl = (query = '') => `ws://127.0.0.1:${gateway.port}/ws${query ? `?${query}` : ''}`;
      return {
        ...gateway,
        wsUrl,
        httpUrl: (path) => `http://127.0.0.1:${gateway.port}${path}`,
        internalUrl: (path) => `http://127.0.0.1:${gateway.internalPort}${path}`,
        async connect(query, connectOptions) {
          const client = await TestWsClient.connect(wsUrl(query), connectOptions);
          clients.push(client);
          return client;
        },
      };
    },
    async sendTicks(ticks) {
      for (let i = 0; i < ticks.length; i += SEND_CHUNK) {
        await records.send('price.ticks', ticks.slice(i, i + SEND_CHUNK).map((t) => ({ key: t.playerId, value: t })));
      }
    },
    async sendLatest(latest) {
      await records.send('price.latest', latest.map((l) => ({ key: l.playerId, value: l })));
    },
    async sendOrderResults(results) {
      await records.send('order.results', results.map((r) => ({ key: r.userId, value: r })));
    },
    async sendLeaderboard(board) {
      await records.send('leaderboard', [{ key: board.boardId, value: board }]);
    },
    token(userId, tokenOptions = {}) {
      const { secret, ...issue } = tokenOptions;
      return issueToken(signingKey(secret ?? TEST_JWT_SECRET), userId, issue);
    },
    async close() {
      for (const client of clients) client.destroy();
      for (const gateway of started) await gateway.stop();
      for (const uncheck of unchecks) uncheck();
      await producer.disconnect();
      await env.cleanup();
    },
  };
}

/** The seqs of one player's ticks and snapshots as a client received them, in order. */
export function seqsOf(client: TestWsClient, player: string, types: string[] = ['tick']): number[] {
  return client.messages.filter((m) => m['player'] === player && types.includes(String(m['type']))).map((m) => Number(m['seq']));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** Waits until a gateway holds `player` at `seq` (GET /prices). */
export async function gatewayAt(gateway: TestGateway, player: string, seq: number): Promise<void> {
  await eventually(`${gateway.serverId} to hold ${player} at seq ${seq}`, async () => {
    const body = (await (await fetch(gateway.httpUrl('/prices'))).json()) as { prices: { player: string; seq: number }[] };
    return body.prices.some((p) => p.player === player && p.seq === seq);
  });
}
