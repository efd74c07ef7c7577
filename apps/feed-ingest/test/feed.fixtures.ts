// Test support for feed-ingest's integration specs: an isolated environment
// (own topics and database) with adapters, and ways to look at what reached
// match.events without sleeping.
import { isolate, eventually, roleDatabaseUrl, type IsolatedEnv } from '@inplay/testing';
import { topicName, type IncomingRecord } from '@inplay/kafka';
import type { MatchEvent } from '@inplay/contracts';
import { createLogger } from '@inplay/telemetry';
import { connectFeedAdapters, type FeedAdapters } from '../src/adapters';

export interface FeedTestEnv {
  env: IsolatedEnv;
  adapters: FeedAdapters;
  /** Records on match.events so far (sum of end offsets; no transactions, so offsets count records). */
  recordCount(): Promise<number>;
  /** Reads match.events from the start until `count` records arrived. */
  readMatchEvents(count: number): Promise<IncomingRecord<MatchEvent>[]>;
  rowCount(table: 'feed_events' | 'webhook_deliveries' | 'matches' | 'players', where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function feedTestEnv(): Promise<FeedTestEnv> {
  const env = await isolate();
  const adapters = await connectFeedAdapters(
    { kafkaBrokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, schemaRegistryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'feed-ingest'), topicPrefix: env.prefix },
    { logger: createLogger('feed-ingest-test', 'silent'), clientId: `feed-test-${env.prefix}` },
  );
  const topic = topicName(env.prefix, 'match.events');
  const admin = env.kafka.admin();
  await admin.connect();
  return {
    env,
    adapters,
    async recordCount() {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, p) => n + Number(p.high), 0);
    },
    async readMatchEvents(count) {
      const consumer = env.kafka.consumer({ groupId: `${env.prefix}reader-${Math.random().toString(36).slice(2)}` });
      const records: IncomingRecord<MatchEvent>[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            records.push({
              topic: 'match.events', partition, offset: message.offset, key: message.key?.toString() ?? null,
              value: await env.serde.decode<MatchEvent>(message.value as Buffer), timestamp: Number(message.timestamp), headers: message.headers ?? {},
            });
          },
        });
        await eventually(`${count} records on match.events`, () => records.length >= count, 30_000);
        return records;
      } finally {
        await consumer.disconnect();
      }
    },
    async rowCount(table, where = 'true', params = []) {
      const { rows } = await adapters.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await admin.disconnect();
      await adapters.close();
      await env.cleanup();
    },
  };
}
