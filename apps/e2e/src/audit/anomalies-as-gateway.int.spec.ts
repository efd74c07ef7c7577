// The anomaly report as the gateway computes it for GET /admin/anomalies: logged
// in as the gateway's own Kafka principal, with the ACLs a deployment gives it.
// Found by the schemathesis run: the report's private consumer group was not the
// gateway's to use, the consumer crashed, and the request hung for a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyReportFrom, readTopic } from '@inplay/audit';
import type { Pool } from '@inplay/db';
import { kafkaSecurityFor } from '@inplay/infra';
import { createKafka } from '@inplay/kafka';
import { grantServiceAcls, isolate, seedMarket, testPool, type IsolatedEnv } from '@inplay/testing';

/** Far below readTopic's READ_STALL_TIMEOUT_MS: an answer, not a stall. */
const REPORT_TIMEOUT_MS = 15_000;

describe('the anomaly report read as the gateway principal', () => {
  let env: IsolatedEnv | undefined;
  let pool: Pool | undefined;

  beforeAll(async () => {
    env = await isolate();
    pool = testPool(env);
    // One tick on price.ticks: the report has a topic with records to read.
    await seedMarket(env, pool);
    await grantServiceAcls(env);
  });

  afterAll(async () => {
    await pool?.end();
    await env?.cleanup();
  });

  const kafkaAs = (principal: 'gateway' | 'feed-ingest') => createKafka({ brokers: env!.infra.kafkaBrokers, ...kafkaSecurityFor(env!.infra, principal), clientId: `anomalies-${principal}` });

  it('reads price.ticks and match.events with a group the gateway may use, and answers', async () => {
    const report = await anomalyReportFrom({ kafka: kafkaAs('gateway'), serde: env!.serde, pool: pool!, topicPrefix: env!.prefix });
    expect(report.users).toEqual([]);
    expect(report.ordersConsidered).toBe(0);
  }, REPORT_TIMEOUT_MS);

  it('fails at once, not after the stall timeout, when the reader may not use a consumer group', async () => {
    if (!env!.kafkaSecurity.sasl) return expect(env!.kafkaSecurity.sasl).toBeUndefined();
    // feed-ingest has no consumer groups at all (libs/kafka acls.ts).
    await expect(readTopic({ kafka: kafkaAs('feed-ingest'), serde: env!.serde, prefix: env!.prefix, topic: 'price.ticks', onRecord: () => undefined })).rejects.toThrow();
  }, REPORT_TIMEOUT_MS);
});
