// The gateway's feed while the schema registry is away and an order result
// arrives under a schema id the gateway has not cached (a new compatible
// version of the schema): the result is held, not skipped as undecodable, and
// reaches its handler exactly once when the registry is back. The registry is
// taken from this feed alone, through a TCP proxy that resets its connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueSubject, type OrderResult } from '@inplay/contracts';
import { schemaOf } from '@inplay/contracts/schemas';
import { createProducer, createSerde, DECODE_RETRY, topicName } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { eventually, startTcpProxy, type TcpProxy, registryWriterHeaders } from '@inplay/testing';
import { gatewayHarness, type GatewayHarness } from '../../test/harness';
import { createGatewayMetrics } from '../metrics';
import { startKafkaFeed, type KafkaFeed } from './kafka-feed';

let harness: GatewayHarness;
let registry: TcpProxy;
let feed: KafkaFeed | undefined;
const metrics = createGatewayMetrics('feed-test');
const received: OrderResult[] = [];

const result = (orderId: string): OrderResult => ({
  orderId, userId: 'ada', idempotencyKey: orderId, playerId: 'p1', side: 'BUY', quantity: 1, status: 'FILLED', reason: null,
  fillPriceCents: 100, tickSeq: 1, costCents: 100, retryAfterMs: null, cashAfterCents: 900, placedAt: Date.now(), settledAt: Date.now(),
});

beforeAll(async () => {
  harness = await gatewayHarness({ database: false });
  registry = await startTcpProxy(harness.env.infra.schemaRegistryUrl);
  const ignore = () => undefined;
  feed = await startKafkaFeed({
    kafka: harness.env.kafka, serde: createSerde(registry.proxied(harness.env.infra.schemaRegistryUrl), harness.env.prefix), prefix: harness.env.prefix,
    serverId: 'feed-test', rewindTicksPerPartition: 10, bootstrapTimeoutMs: 30_000, logger: createLogger('feed-test', 'silent'), metrics,
    handlers: { onLatest: ignore, onTick: ignore, onLeaderboard: ignore, onMatchEvent: ignore, onOrderResult: (r) => { received.push(r); } },
  });
});
afterAll(async () => {
  registry?.restore();
  await feed?.stop();
  await registry?.close();
  await harness?.close();
});

/** Registers a schema version over the registry's REST API, as a producer with a newer schema would; returns its id. */
async function registerSchema(subject: string, schema: unknown): Promise<number> {
  const res = await fetch(`${harness.env.infra.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    // As an operator rolling out the newer schema: registry writes need the writer's credentials.
    method: 'POST', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...registryWriterHeaders(harness.env.infra) }, body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  if (!res.ok) throw new Error(`registering ${subject}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

describe('the gateway feed while the schema registry is away', () => {
  it('holds a record with an uncached schema id until the registry is back, then delivers it once and skips nothing', async () => {
    await harness.sendOrderResults([result('before')]);
    await eventually('the first result (its schema now cached)', () => received.some((r) => r.orderId === 'before'));

    registry.cut();
    const schema = schemaOf('OrderResult');
    const newSchemaId = await registerSchema(valueSubject(topicName(harness.env.prefix, 'order.results')),
      { ...schema, fields: [...schema.fields, { name: 'note', type: ['null', 'string'], default: null }] });
    const producer = createProducer(harness.env.kafka);
    await producer.connect();
    await producer.send({ topic: topicName(harness.env.prefix, 'order.results'), acks: -1,
      messages: [{ key: 'ada', value: await harness.env.serde.registry.encode(newSchemaId, { ...result('during'), note: 'v2' }) }] });
    await producer.disconnect();

    // Past one whole decode budget of refusals: the batch failed and is being read again, not skipped.
    await eventually('the feed retrying past one decode budget', () => {
      const { firstAtMs, lastAtMs } = registry.refused();
      return firstAtMs !== null && lastAtMs !== null && lastAtMs - firstAtMs > DECODE_RETRY.decodeRetryBudgetMs;
    }, 60_000);
    expect(received.map((r) => r.orderId)).toEqual(['before']);

    registry.restore();
    await eventually('the held result delivered', () => received.some((r) => r.orderId === 'during'), 60_000);
    await harness.sendOrderResults([result('after')]);
    await eventually('a later result delivered', () => received.some((r) => r.orderId === 'after'), 30_000);
    expect(received.map((r) => r.orderId)).toEqual(['before', 'during', 'after']);
    expect((await metrics.undecodableRecords.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);
  }, 120_000);
});
