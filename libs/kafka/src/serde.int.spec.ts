// Every record of every topic goes through the serde to real Kafka and comes
// back equal, framed in the Confluent wire format; schema evolution is checked
// by the real registry.
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { valueSubject, type RecordTypes, type TopicName } from '@inplay/contracts';
import { schemaOf } from '@inplay/contracts/schemas';
import { eventually, kafkaTestEnv, suiteInfra, type KafkaTestEnv } from '../test/kafka-env';
import { createProducer, createSerde, topicName, wireSchemaId } from './index';

const NOW = Date.UTC(2026, 10, 24, 18, 0, 0);

const samples: { [K in keyof RecordTypes]: { topic: TopicName; key: string; value: RecordTypes[K] } } = {
  MatchEvent: { topic: 'match.events', key: 'm1', value: {
    eventId: 'statsbomb:e1', provider: 'statsbomb', providerEventId: 'e1', matchId: 'm1', type: 'GOAL', playerId: 'p9',
    relatedPlayerId: 'p10', teamId: 't1', period: 1, matchClockMs: 1_234_000, occurredAt: NOW - 20_000, ingestedAt: NOW,
    homeScore: 1, awayScore: 0, attributes: { outcome: 'Goal' } } },
  PriceTick: { topic: 'price.ticks', key: 'p9', value: {
    playerId: 'p9', matchId: 'm1', seq: 42, priceCents: 1_250, previousPriceCents: 1_100, cause: 'EVENT',
    causeEventId: 'statsbomb:e1', causeEventType: 'GOAL', causeOccurredAt: NOW - 20_000, lockedUntil: NOW + 60_000, tickedAt: NOW } },
  LatestPrice: { topic: 'price.latest', key: 'p9', value: {
    playerId: 'p9', matchId: null, seq: 42, priceCents: 1_250, lockedUntil: null, updatedAt: NOW } },
  Order: { topic: 'orders', key: 'u1', value: {
    orderId: 'o1', userId: 'u1', idempotencyKey: 'k1', bodyHash: 'abc', playerId: 'p9', side: 'BUY', quantity: 3,
    limitPriceCents: 1_300, placedAt: NOW } },
  OrderResult: { topic: 'order.results', key: 'u1', value: {
    orderId: 'o1', userId: 'u1', idempotencyKey: 'k1', playerId: 'p9', side: 'BUY', quantity: 3, status: 'FILLED',
    reason: null, fillPriceCents: 1_250, tickSeq: 42, costCents: 3_750, retryAfterMs: null, cashAfterCents: 96_250,
    placedAt: NOW, settledAt: NOW + 5 } },
  Trade: { topic: 'trades', key: 'p9', value: {
    tradeId: 't1', orderId: 'o1', userId: 'u1', playerId: 'p9', side: 'SELL', quantity: 3, priceCents: 1_250, tickSeq: 42,
    executedAt: NOW } },
  LeaderboardSnapshot: { topic: 'leaderboard', key: 'overall', value: {
    boardId: 'overall', computedAt: NOW, totalUsers: 2,
    entries: [{ rank: 1, userId: 'u1', valueCents: 101_000 }, { rank: 2, userId: 'u2', valueCents: 99_000 }] } },
  PricingCommand: { topic: 'pricing.commands', key: 'p9', value: {
    kind: 'TRADE', playerId: 'p9', at: NOW, initialize: null, matchEvent: null, trade: {
      tradeId: 't1', orderId: 'o1', userId: 'u1', playerId: 'p9', side: 'BUY', quantity: 3, priceCents: 1_250, tickSeq: 42, executedAt: NOW } } },
  PricingSnapshot: { topic: 'pricing.snapshots', key: 'p9', value: {
    playerId: 'p9', commandPartition: 2, commandOffset: 1_234, matchId: 'm1', teamId: 't1', position: 'FWD', priceCents: 1_250,
    anchorPriceCents: 1_250, seq: 42, lockedUntil: NOW + 60_000, lastTickAt: NOW, pendingDemandShares: 0, rngSeed: 123_456_789,
    seenEventIds: ['statsbomb:e1'], seenTradeIds: [], matchEndedAt: null } },
};

let env: KafkaTestEnv;

beforeAll(async () => {
  env = await kafkaTestEnv({ topics: true });
  await env.serde.registerAll();
});

describe('serde on real Kafka and the registry', () => {
  it('round-trips a record of every schema through Kafka, with the schema id in the first bytes', async () => {
    const producer = createProducer(env.kafka);
    await producer.connect();
    const encoded = new Map<string, Buffer>();
    for (const [name, sample] of Object.entries(samples)) {
      const buffer = await env.serde.encode(sample.topic, sample.value as never);
      encoded.set(name, buffer);
      await producer.send({ topic: topicName(env.prefix, sample.topic), acks: -1, messages: [{ key: sample.key, value: buffer }] });
    }
    await producer.disconnect();

    const consumer = env.kafka.consumer({ groupId: `${env.prefix}serde`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: Object.values(samples).map((s) => topicName(env.prefix, s.topic)), fromBeginning: true });
    const received = new Map<string, { schemaId: number | null; value: unknown }>();
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value as Buffer;
        received.set(topic.slice(env.prefix.length), { schemaId: wireSchemaId(value), value: await env.serde.decode(value) });
      },
    });
    await eventually('every record back', () => received.size === Object.keys(samples).length, 30_000);
    await consumer.disconnect();

    for (const [name, sample] of Object.entries(samples)) {
      const got = received.get(sample.topic);
      expect(got?.value, name).toEqual(sample.value);
      expect(got?.schemaId, name).toBe(env.serde.schemaId(sample.topic));
      expect(encoded.get(name)?.[0]).toBe(0);
      const registered = await env.serde.registry.getLatestSchemaId(valueSubject(topicName(env.prefix, sample.topic)));
      expect(got?.schemaId).toBe(registered);
    }
  });

  it('encodes synchronously (encoderFor) to the very bytes of encode, for every schema, and says where a value does not fit', async () => {
    for (const [name, sample] of Object.entries(samples)) {
      const encode = await env.serde.encoderFor(sample.topic);
      const synchronous = encode(sample.value as never);
      expect(synchronous.equals(await env.serde.encode(sample.topic, sample.value as never)), name).toBe(true);
      expect(await env.serde.decode(synchronous), name).toEqual(sample.value);
    }
    // Larger than the first scratch buffer: it grows, and the record still round-trips.
    const big = { ...samples.LeaderboardSnapshot.value, entries: Array.from({ length: 5_000 }, (_, i) => ({ rank: i + 1, userId: `user-${i}-${'x'.repeat(20)}`, valueCents: i })) };
    const encodeBoard = await env.serde.encoderFor('leaderboard');
    expect(encodeBoard(big).length).toBeGreaterThan(64 * 1024);
    expect(await env.serde.decode(encodeBoard(big))).toEqual(big);
    expect(await env.serde.decode(encodeBoard(samples.LeaderboardSnapshot.value))).toEqual(samples.LeaderboardSnapshot.value);
    const encodeTick = await env.serde.encoderFor('price.ticks');
    expect(() => encodeTick({ ...samples.PriceTick.value, priceCents: 'lots' } as never)).toThrow(/price\.ticks value does not match its schema .* at priceCents/);
  });

  it('refuses an incompatible change to a schema and accepts a compatible one', async () => {
    const subject = valueSubject(topicName(env.prefix, 'orders'));
    const order = schemaOf('Order');
    const breaking = { ...order, fields: [...order.fields, { name: 'venue', type: 'string' }] };
    await expect(env.serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(breaking) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    )).rejects.toThrow(/409|incompatible/i);

    const compatible = { ...order, fields: [...order.fields, { name: 'venue', type: ['null', 'string'], default: null }] };
    const { id } = await env.serde.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(compatible) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    expect(id).not.toBe(env.serde.schemaId('orders'));
  });

  it('a record that does not fit its schema is refused before it reaches Kafka', async () => {
    await expect(env.serde.encode('orders', { orderId: 'o1' } as never)).rejects.toThrow();
  });
});

describe('a serde without the registry writer\'s credentials (a service at run time)', () => {
  it('looks up the ids the writer registered, registering nothing', async () => {
    const service = createSerde(suiteInfra().schemaRegistryUrl, env.prefix);
    expect(service.canRegister).toBe(false);
    const ids = await service.lookUpAll();
    expect(ids.get(valueSubject(topicName(env.prefix, 'trades')))).toBe(env.serde.schemaId('trades'));
    expect(service.schemaId('trades')).toBe(env.serde.schemaId('trades'));
    const encoded = await service.encode('trades', samples.Trade.value);
    expect(wireSchemaId(encoded)).toBe(env.serde.schemaId('trades'));
  });

  it('fails naming the missing subject and saying to run the bootstrap, and registers nothing', async () => {
    const prefix = `${env.prefix}unbootstrapped-`;
    const service = createSerde(suiteInfra().schemaRegistryUrl, prefix);
    const subject = valueSubject(topicName(prefix, 'match.events'));
    await expect(service.lookUpAll()).rejects.toThrow(new RegExp(`not registered under subject ${subject}.*run \`npx inplay bootstrap\``));
    await expect(service.encode('trades', samples.Trade.value)).rejects.toThrow(/trades-value.*npx inplay bootstrap/);
    const subjects = await (await fetch(`${suiteInfra().schemaRegistryUrl}/subjects`)).json() as string[];
    expect(subjects.filter((s) => s.startsWith(prefix))).toEqual([]);
  });
});
