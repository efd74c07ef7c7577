// `inplay bench replay`: the audit's throughput on a larger recorded history
// (goal: ≥ 50,000 events/s on this machine). Records a history with real
// settlement into topics and a database of its own, replays and proves it,
// and writes the report.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKafka, createSerde, ensureTopics, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { createDatabase, createPool, dropDatabase, migrate } from '@inplay/db';
import type { IsolatedEnv } from '@inplay/testing';
import { runReplayAudit } from '@inplay/audit';
import { recordHistory } from './history';

export interface BenchReplayOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  /** The registry writer (the bench registers its prefix's schemas). */
  registryAuth?: RegistryAuth | undefined;
  registryUrl: string;
  adminDatabaseUrl: string;
  json: string;
  orders?: number;
  users?: number;
  ticksPerPlayer?: number;
  log?: (line: string) => void;
}

export async function benchReplay(o: BenchReplayOptions): Promise<{ eventsPerSec: number; events: number; equal: boolean }> {
  const log = o.log ?? console.log;
  const id = randomBytes(4).toString('hex');
  const prefix = `bench-replay-${id}-`;
  const kafka = createKafka({ brokers: o.brokers, ...o.kafkaSecurity, clientId: `bench-replay-${id}` });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, prefix);
  const databaseUrl = await createDatabase(o.adminDatabaseUrl, `bench_replay_${id}`);
  await migrate(databaseUrl);
  const serde = createSerde(o.registryUrl, prefix, o.registryAuth);
  await serde.registerAll();
  const env = { infra: { kafkaBrokers: o.brokers, ...(o.kafkaSecurity ? { kafkaSecurity: o.kafkaSecurity } : {}), schemaRegistryUrl: o.registryUrl, databaseUrl, adminDatabaseUrl: o.adminDatabaseUrl }, prefix, kafka, kafkaSecurity: o.kafkaSecurity ?? {}, serde, databaseUrl, cleanup: async () => undefined } as IsolatedEnv;
  const pool = createPool(databaseUrl, { max: 4 });
  try {
    log(`recording a history: ${o.orders ?? 60_000} orders, ${o.users ?? 2_000} users, ${(o.ticksPerPlayer ?? 5_000) * 40} ticks...`);
    const settlement = await recordHistory(env, pool, { users: o.users ?? 2_000, players: 40, ticksPerPlayer: o.ticksPerPlayer ?? 5_000, orders: o.orders ?? 60_000, seed: 'bench' });
    await settlement.stop();
    const report = await runReplayAudit({
      brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, adminDatabaseUrl: o.adminDatabaseUrl, liveDatabaseUrl: databaseUrl,
      topicPrefix: prefix, dropRebuiltDatabase: true, progressOut: process.stderr, verdictOut: null,
    });
    log(`replay: ${report.events.total} events in ${report.durationMs} ms = ${report.eventsPerSec} events/s; equal: ${report.equal}; phases ${JSON.stringify(report.phasesMs)}`);
    mkdirSync(dirname(o.json), { recursive: true });
    writeFileSync(o.json, JSON.stringify({ eventsPerSec: report.eventsPerSec, events: report.events, durationMs: report.durationMs, phasesMs: report.phasesMs, equal: report.equal, discrepancies: report.discrepancies.length }, null, 2));
    return { eventsPerSec: report.eventsPerSec, events: report.events.total, equal: report.equal };
  } finally {
    await pool.end();
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(prefix)) }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(o.adminDatabaseUrl, `bench_replay_${id}`).catch(() => undefined);
  }
}
