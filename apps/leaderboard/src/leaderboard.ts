// The leaderboard service: standings in memory, folded from order.results and
// price.ticks; every recomputeMs the boards are ranked and the changed ones
// published to the compacted `leaderboard` topic and upserted in Postgres.
//
// Start-up: opening balances come from Postgres (each user's issuance, the
// genesis of their ledger chain) and order.results is read from its start:
// results carry absolute effects (fills, cash after), so folding the whole log
// is exact and equals a backfill by construction; reading from a Postgres
// snapshot would need offsets consistent with it, which the outbox relay
// (publishing after commit) cannot give. Results are deduplicated by orderId.
import type { OrderResult, PriceTick } from '@inplay/contracts';
import { createPool, openingBalances, playersOfMatches } from '@inplay/db';
import { applyResult, applyTick, computeAllBoards, DEFAULT_TOP_ENTRIES, initialStandings, openAccount, playersOfAllMatches, snapshotOf } from '@inplay/domain';
import { connectServiceKafka, recordSender, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { createLogger, type Logger } from '@inplay/telemetry';
import { followTopic } from './follow';
import { createLeaderboardMetrics, type LeaderboardMetrics } from './metrics';
import { saveSnapshots } from './store';

export const DEFAULT_RECOMPUTE_MS = 1_000;
/** New users and matches are looked up in Postgres this often. */
export const DIRECTORY_REFRESH_MS = 5_000;

export interface LeaderboardOptions {
  brokers: string[];
  /** The service's Kafka principal and TLS (KAFKA_SASL_*, KAFKA_TLS_CA_FILE); empty for a broker without authentication. */
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  /** The registry writer's credentials (SCHEMA_REGISTRY_USER/PASSWORD); without them (production) schemas are only looked up. */
  registryAuth?: RegistryAuth;
  databaseUrl: string;
  topicPrefix?: string;
  recomputeMs?: number;
  topEntries?: number;
  logger?: Logger;
  metrics?: LeaderboardMetrics;
  now?: () => number;
  onFatal?: (err: Error) => void;
}

export interface RunningLeaderboard {
  /** Resolves once the history present at start-up has been folded and the first boards published. */
  ready: Promise<void>;
  metrics: LeaderboardMetrics;
  stop(): Promise<void>;
}

export async function startLeaderboard(options: LeaderboardOptions): Promise<RunningLeaderboard> {
  const prefix = options.topicPrefix ?? '';
  const logger = options.logger ?? createLogger('leaderboard');
  const now = options.now ?? Date.now;
  const onFatal = options.onFatal ?? ((err: Error) => { logger.fatal({ err }, 'leaderboard failed'); process.exit(1); });
  const metrics = options.metrics ?? createLeaderboardMetrics();
  const { kafka, serde, producer } = await connectServiceKafka({ service: 'leaderboard', brokers: options.brokers, security: options.kafkaSecurity, registryUrl: options.registryUrl, prefix, ...(options.registryAuth ? { registryAuth: options.registryAuth } : {}) });
  const pool = createPool(options.databaseUrl, { max: 2, applicationName: 'leaderboard' });
  const sender = recordSender(producer, serde, prefix);

  const state = initialStandings();
  let matchesFromDb = new Map<string, Set<string>>();
  const refreshDirectory = async () => {
    for (const u of await openingBalances(pool)) openAccount(state, u.userId, u.cashCents);
    matchesFromDb = await playersOfMatches(pool);
  };
  await refreshDirectory();
  const ticks = await followTopic<PriceTick>({ kafka, serde, deadLetters: producer, onDeadLetter: metrics.deadLetters, prefix, topic: 'price.ticks', onRecord: (t) => { applyTick(state, t); metrics.ticks.inc(); } });
  const results = await followTopic<OrderResult>({ kafka, serde, deadLetters: producer, onDeadLetter: metrics.deadLetters, prefix, topic: 'order.results', onRecord: (r) => { if (applyResult(state, r)) metrics.results.inc(); } });

  const published = new Map<string, string>();
  const topEntries = options.topEntries ?? DEFAULT_TOP_ENTRIES;
  const recompute = async () => {
    const startedAt = performance.now();
    const computedAt = now();
    const boards = computeAllBoards(state, playersOfAllMatches(state, matchesFromDb), topEntries);
    // Only boards whose ranking changed are published (the topic is compacted: the latest one per board is what counts).
    const changed = boards.filter((b) => published.get(b.boardId) !== JSON.stringify([b.totalUsers, b.entries]));
    const snapshots = changed.map((b) => snapshotOf(b, computedAt));
    await sender.send('leaderboard', snapshots.map((s) => ({ key: s.boardId, value: s })));
    await saveSnapshots(pool, snapshots);
    for (const b of changed) published.set(b.boardId, JSON.stringify([b.totalUsers, b.entries]));
    metrics.recomputeMs.observe(performance.now() - startedAt);
    metrics.users.set(state.users.size);
    metrics.boards.set(boards.length);
  };

  let running = true;
  let timer: NodeJS.Timeout | null = null;
  let directoryTimer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  const ready = (async () => {
    await Promise.all([ticks.caughtUp, results.caughtUp]);
    await recompute();
    logger.info({ users: state.users.size, prefix }, 'leaderboard caught up');
    const loop = () => {
      if (!running) return;
      inFlight = recompute().catch((err: Error) => { if (running) onFatal(err); });
      void inFlight.then(() => { if (running) timer = setTimeout(loop, options.recomputeMs ?? DEFAULT_RECOMPUTE_MS); });
    };
    timer = setTimeout(loop, options.recomputeMs ?? DEFAULT_RECOMPUTE_MS);
    const refresh = () => {
      if (!running) return;
      refreshDirectory().catch((err: Error) => logger.warn({ err }, 'cannot refresh users and matches')).finally(() => { if (running) directoryTimer = setTimeout(refresh, DIRECTORY_REFRESH_MS); });
    };
    directoryTimer = setTimeout(refresh, DIRECTORY_REFRESH_MS);
  })();
  ready.catch((err: Error) => onFatal(err));

  return {
    ready,
    metrics,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      if (directoryTimer) clearTimeout(directoryTimer);
      await inFlight;
      await ticks.stop();
      await results.stop();
      await producer.disconnect();
      await pool.end();
    },
  };
}
