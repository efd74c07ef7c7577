// The benchmark's plumbing: its own topics (LogAppendTime) and database schema,
// a pricing child process, and an observer reading both ends of the pipeline.
import { createLogAppendTimeTopics } from '../shared/topics';
import { TOPICS, type PriceTick } from '@inplay/contracts';
import { createDatabase, dropDatabase, migrate } from '@inplay/db';
import { freePort, startTsProcess } from '@inplay/infra';
import { topicName, type Kafka, type Serde, type KafkaSecurity, kafkaSecurityEnv } from '@inplay/kafka';

/** Header naming the event on match.events records, so the observer needs no decoding there. */
export const EVENT_HEADER = 'x-bench-event';

export interface Observer {
  eventAppendedAt(eventId: string): number | undefined;
  tickOf(eventId: string): { appendedAt: number; seenAt: number } | undefined;
  initialTicks(): number;
  stop(): Promise<void>;
}

/** Reads both ends: event append times from headers (no decoding), ticks read-committed. */
export async function observe(kafka: Kafka, serde: Serde, prefix: string): Promise<Observer> {
  const eventAppends = new Map<string, number>();
  const ticks = new Map<string, { appendedAt: number; seenAt: number }>();
  let initial = 0;
  const events = kafka.consumer({ groupId: `${prefix}bench-events`, maxWaitTimeInMs: 20 });
  const priced = kafka.consumer({ groupId: `${prefix}bench-ticks`, maxWaitTimeInMs: 20, readUncommitted: false });
  await Promise.all([events.connect(), priced.connect()]);
  await events.subscribe({ topic: topicName(prefix, 'match.events'), fromBeginning: true });
  await priced.subscribe({ topic: topicName(prefix, 'price.ticks'), fromBeginning: true });
  await events.run({ eachBatch: async ({ batch }) => {
    for (const m of batch.messages) {
      const eventId = m.headers?.[EVENT_HEADER]?.toString();
      if (eventId) eventAppends.set(eventId, Number(m.timestamp));
    }
  } });
  await priced.run({ eachBatch: async ({ batch }) => {
    const seenAt = Date.now();
    for (const m of batch.messages) {
      if (!m.value) continue;
      const tick = await serde.decode<PriceTick>(m.value);
      if (tick.cause === 'INITIAL') initial += 1;
      if (tick.causeEventId && !ticks.has(tick.causeEventId)) ticks.set(tick.causeEventId, { appendedAt: Number(m.timestamp), seenAt });
    }
  } });
  return {
    eventAppendedAt: (eventId) => eventAppends.get(eventId),
    tickOf: (eventId) => ticks.get(eventId),
    initialTicks: () => initial,
    stop: async () => { await Promise.all([events.disconnect(), priced.disconnect()]); },
  };
}

export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every topic of the bench prefix stamps records with the broker's append time, so both ends share one clock. */
export { createLogAppendTimeTopics };

/** A database of the bench's own (created from a connection to the given one: needs CREATEDB), migrated. */
export async function createBenchDatabase(databaseUrl: string, name: string): Promise<string> {
  const url = await createDatabase(databaseUrl, name);
  await migrate(url);
  return url;
}

export async function dropBenchTopicsAndDatabase(kafka: Kafka, prefix: string, databaseUrl: string, name: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: TOPICS.map((t) => topicName(prefix, t.name)) }).finally(() => admin.disconnect());
  await dropDatabase(databaseUrl, name);
}

export interface PricingProcess {
  /** Its pid, for the driver's CPU reading (/proc/<pid>/stat). */
  pid: number;
  /** Its last output lines (for error messages). */
  tail(): string[];
  /** SIGTERM: a graceful stop, which must exit 0. */
  stop(): Promise<void>;
}

/** The pricing process as deployed (its own process, its own core), on the bench prefix. */
export async function spawnPricing(o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string; databaseUrl: string; prefix: string; env?: Record<string, string>; profileDir?: string }): Promise<PricingProcess> {
  const child = await startTsProcess({
    entry: 'apps/pricing/src/main.ts', name: 'pricing', ...(o.profileDir ? { cpuProfileDir: o.profileDir } : {}), ready: (line) => line.includes('"pricing started"'),
    env: {
      KAFKA_BROKERS: o.brokers.join(','), ...kafkaSecurityEnv(o.kafkaSecurity), SCHEMA_REGISTRY_URL: o.registryUrl, DATABASE_URL: o.databaseUrl,
      TOPIC_PREFIX: o.prefix, METRICS_PORT: String(await freePort()), LOG_LEVEL: 'info', ...o.env,
    },
  });
  return { pid: child.pid, tail: () => child.tail(), stop: () => child.stop({ expectCleanExit: true }) };
}
