// The settlement benchmark's plumbing: a topic prefix and database of its own
// per strategy, a seeded market (players, their first ticks on price.ticks,
// users with cash and tokens), the intake and settlement child processes (each
// its own process and core, as deployed), and the CPU each of them burns.
import { randomBytes } from 'node:crypto';
import type { PriceTick } from '@inplay/contracts';
import { createDatabase, createPool, dropDatabase, migrate, type Pool } from '@inplay/db';
import { createKafka, createProducer, createSerde, recordSender, waitForGroupCoordinator, type Kafka, type Serde, type KafkaSecurity, kafkaSecurityEnv, type RegistryAuth } from '@inplay/kafka';
import { freePort, startTsProcess } from '@inplay/infra';
import { createLogAppendTimeTopics } from '../shared/topics';
import { createUser, issueDevToken, type StrategyName } from '@inplay/settlement';

/** Bench prices never go stale during a run (the default bound would reject orders as PRICE_UNAVAILABLE). */
export const BENCH_MAX_PRICE_AGE_MS = 3_600_000;
/** The load's tokens outlive the longest bench run, well past libs/auth's 15-minute default. */
export const BENCH_TOKEN_TTL_MS = 6 * 60 * 60 * 1000;

export interface BenchEnv {
  prefix: string;
  databaseUrl: string;
  kafka: Kafka;
  serde: Serde;
  pool: Pool;
  cleanup(): Promise<void>;
}

export interface MarketPlayer { playerId: string; priceCents: number; tickSeq: number }
export interface BenchUser { userId: string; token: string }

/** Fresh topics (unique prefix), registry subjects and a migrated database of the run's own. */
export async function createBenchEnv(o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryAuth?: RegistryAuth | undefined; registryUrl: string; adminDatabaseUrl: string }): Promise<BenchEnv> {
  const id = randomBytes(3).toString('hex');
  const prefix = `sbench${id}-`;
  const database = `sbench_${id}`;
  const kafka = createKafka({ brokers: o.brokers, ...o.kafkaSecurity, clientId: `${prefix}bench` });
  await waitForGroupCoordinator(kafka);
  // Broker-stamped record times: the per-stage breakdown sets them beside each other.
  await createLogAppendTimeTopics(kafka, prefix);
  const serde = createSerde(o.registryUrl, prefix, o.registryAuth);
  await serde.registerAll();
  const databaseUrl = await createDatabase(o.adminDatabaseUrl, database);
  await migrate(databaseUrl);
  const pool = createPool(databaseUrl, { max: 20, applicationName: 'bench' });
  return {
    prefix, databaseUrl, kafka, serde, pool,
    async cleanup() {
      await pool.end();
      const cleaner = kafka.admin();
      await cleaner.connect();
      // Every topic of the run, the ceilings' included.
      const topics = (await cleaner.listTopics()).filter((t) => t.startsWith(prefix));
      await cleaner.deleteTopics({ topics }).finally(() => cleaner.disconnect());
      await dropDatabase(o.adminDatabaseUrl, database);
    },
  };
}

/** Players (rows + a first tick each on price.ticks) and users with starting cash and a dev token. */
export async function seedMarket(env: BenchEnv, o: { players: number; users: number; cashCents: number; jwtSecret: string; userPrefix?: string }): Promise<{ players: MarketPlayer[]; users: BenchUser[] }> {
  const players = Array.from({ length: o.players }, (_, i) => ({ playerId: `bp-${i}`, priceCents: 100 + ((i * 97) % 900), tickSeq: 1 }));
  await env.pool.query(`INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
                        VALUES ('bench', 'bench', 'h', 'Home', 'a', 'Away', now()) ON CONFLICT DO NOTHING`);
  await env.pool.query(`INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents)
                        SELECT p, 'bench', p, 'h', 'Home', 'MID', c FROM unnest($1::text[], $2::bigint[]) AS x(p, c) ON CONFLICT DO NOTHING`,
  [players.map((p) => p.playerId), players.map((p) => p.priceCents)]);
  const producer = createProducer(env.kafka);
  await producer.connect();
  const tickedAt = Date.now();
  await recordSender(producer, env.serde, env.prefix).send('price.ticks', players.map((p) => ({ key: p.playerId, value: {
    playerId: p.playerId, matchId: 'bench', seq: p.tickSeq, priceCents: p.priceCents, previousPriceCents: p.priceCents, cause: 'INITIAL',
    causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt } satisfies PriceTick })))
    .finally(() => producer.disconnect());
  const users: BenchUser[] = [];
  for (let i = 0; i < o.users; i++) {
    const userId = `${o.userPrefix ?? 'bu'}-${i}`;
    await createUser(env.pool, { userId, displayName: userId, cashCents: o.cashCents });
    users.push({ userId, token: await issueDevToken({ jwtSecret: o.jwtSecret, userId, ttlMs: BENCH_TOKEN_TTL_MS }) });
  }
  return { players, users };
}

export interface Child {
  pid: number;
  /** Lines it printed last (for error messages). */
  tail(): string[];
  /** Rejects if the process dies before stop() was called. */
  died: Promise<never>;
  stop(): Promise<void>;
}

/** Starts an entry of the repository under tsx and waits until `ready` matches one of its output lines. */
async function spawnTs(entry: string, env: Record<string, string>, name: string, ready: (line: string) => boolean, profileDir: string | undefined): Promise<Child> {
  const child = await startTsProcess({ entry, env, name, ready, ...(profileDir ? { cpuProfileDir: profileDir } : {}) });
  return { pid: child.pid, tail: child.tail, died: child.died, stop: () => child.stop() };
}

const infraEnv = (o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string }, env: BenchEnv) => ({
  KAFKA_BROKERS: o.brokers.join(','), ...kafkaSecurityEnv(o.kafkaSecurity), SCHEMA_REGISTRY_URL: o.registryUrl, DATABASE_URL: env.databaseUrl, TOPIC_PREFIX: env.prefix,
  // The intake signs each order with it and settlement checks it, as in a deployment.
  ORDER_SIGNING_KEY: BENCH_ORDER_SIGNING_KEY,
});

/** ORDER_SIGNING_KEY of the bench's intake and settlement processes. */
export const BENCH_ORDER_SIGNING_KEY = 'bench-order-signing-key-of-at-least-32-bytes';

/** The gateway's order intake in a process of its own; resolves with its URL. */
export async function spawnIntake(o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string; jwtSecret: string; profileDir?: string | undefined }, env: BenchEnv): Promise<Child & { url: string }> {
  let port = 0;
  const child = await spawnTs('tools/bench/src/settlement/intake.ts', { ...infraEnv(o, env), JWT_SECRET: o.jwtSecret, LOG_LEVEL: 'warn' }, 'bench intake', (line) => {
    const match = /^\{"listening":(\d+)\}$/.exec(line);
    if (match) port = Number(match[1]);
    return match !== null;
  }, o.profileDir);
  return { ...child, url: `http://127.0.0.1:${port}` };
}

/** Settlement as deployed (src/main.ts) with the given strategy; resolves once /health answers, with its metrics URL. */
export async function spawnSettlement(o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string; strategy: StrategyName; profileDir?: string | undefined }, env: BenchEnv): Promise<Child & { metricsUrl: string }> {
  const metricsPort = await freePort();
  const child = await spawnTs('apps/settlement/src/main.ts', {
    ...infraEnv(o, env), SETTLEMENT_STRATEGY: o.strategy, SETTLEMENT_MAX_PRICE_AGE_MS: String(BENCH_MAX_PRICE_AGE_MS),
    METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info',
  }, `settlement (${o.strategy})`, (line) => line.includes('"settlement running"'), o.profileDir);
  return { ...child, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

export { processCpuMs } from '../shared/proc-cpu';


export async function scrapeMetrics(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.text();
}
