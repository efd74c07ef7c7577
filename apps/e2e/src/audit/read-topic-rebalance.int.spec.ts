// readTopic hands each record of a topic over once, in log order per partition: the audit folds what it
// is handed, and a record handed over twice would count twice. Two ways it could repeat itself: a
// partition longer than one fetch (the next fetch must go on from where the last ended), and a
// rebalance in the middle of a read (another member joining, a coordinator moving after a broker
// restart), after which the group, which commits nothing, starts its partitions over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { readTopic } from '@inplay/audit';
import type { MatchEvent } from '@inplay/contracts';
import { topicName } from '@inplay/kafka';
import { eventually, isolate, type IsolatedEnv } from '@inplay/testing';

const PARTITIONS = 3;
const RECORDS_PER_PARTITION = 200;
const RECORDS_PER_SEND = 10;
/** The reader heartbeats after every batch (kafkajs waits 3 s by default), so it hears of a rebalance at once. */
const READER_HEARTBEAT_INTERVAL_MS = 0;
/** Small fetches (readTopic asks for 8 MiB): each partition takes many, so a read outlasts a rebalance. */
const READER_MAX_BYTES_PER_PARTITION = 2048;

function matchEvent(partition: number, i: number): MatchEvent {
  return {
    eventId: `test:${partition}-${i}`, provider: 'test', providerEventId: `${partition}-${i}`, matchId: `m${partition}`, type: 'SHOT_ON_TARGET',
    playerId: 'p1', relatedPlayerId: null, teamId: null, period: 1, matchClockMs: i, occurredAt: i, ingestedAt: i, homeScore: 0, awayScore: 0, attributes: {},
  };
}

describe('readTopic through a rebalance', () => {
  let env: IsolatedEnv | undefined;

  beforeAll(async () => {
    env = await isolate({ database: false });
    const producer = env.kafka.producer();
    await producer.connect();
    // Many small record batches: a fetch returns whole batches, so small fetches need small batches.
    for (let first = 0; first < RECORDS_PER_PARTITION; first += RECORDS_PER_SEND) {
      const messages = await Promise.all(Array.from({ length: PARTITIONS * RECORDS_PER_SEND }, async (_, n) => {
        const partition = n % PARTITIONS;
        const i = first + Math.floor(n / PARTITIONS);
        return { partition, key: `m${partition}`, value: await env!.serde.encode('match.events', matchEvent(partition, i)) };
      }));
      await producer.send({ topic: topicName(env.prefix, 'match.events'), messages });
    }
    await producer.disconnect();
  });

  afterAll(async () => { await env?.cleanup(); });

  /** The real client, its reader's consumer captured (its group and its events), heartbeating often, fetching little. */
  function capturingKafka(): { kafka: Kafka; reader: () => Consumer; groupId: () => string } {
    let reader: Consumer | undefined;
    let groupId = '';
    const kafka = new Proxy(env!.kafka, {
      get(target, property) {
        if (property === 'consumer') {
          return (config: ConsumerConfig) => {
            groupId = config.groupId;
            reader = target.consumer({ ...config, heartbeatInterval: READER_HEARTBEAT_INTERVAL_MS, maxBytesPerPartition: READER_MAX_BYTES_PER_PARTITION });
            return reader;
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Kafka;
    return { kafka, reader: () => reader!, groupId: () => groupId };
  }

  function expectEachRecordOnceInOrder(handed: readonly string[]): void {
    expect(new Set(handed).size).toBe(handed.length);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const ofPartition = handed.filter((h) => h.startsWith(`${partition}@`));
      expect(ofPartition).toEqual(Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => `${partition}@${i}:test:${partition}-${i}`));
    }
  }

  it('reads partitions longer than one fetch to their end, each record once', async () => {
    const { kafka, reader } = capturingKafka();
    const handed: string[] = [];
    const batches = new Map<number, number>();
    const end = await readTopic<MatchEvent>({
      kafka, serde: env!.serde, prefix: env!.prefix, topic: 'match.events',
      onRecord: (value, partition, offset) => {
        if (handed.length === 0) reader().on(reader().events.START_BATCH_PROCESS, ({ payload }) => { batches.set(payload.partition, (batches.get(payload.partition) ?? 0) + 1); });
        handed.push(`${partition}@${offset}:${value.eventId}`);
      },
    });
    expect(end.total).toBe(BigInt(PARTITIONS * RECORDS_PER_PARTITION));
    expect(Math.min(...[...batches.values()]), 'fetched batches per partition').toBeGreaterThan(1);
    expectEachRecordOnceInOrder(handed);
  }, 60_000);

  it('hands every record over once when another member joins its group mid-read and leaves again', async () => {
    const topic = topicName(env!.prefix, 'match.events');
    const { kafka, reader, groupId } = capturingKafka();
    const handed: string[] = [];
    /** Next offset handed over per partition. */
    const handedNext = new Map<number, bigint>();
    /** Batches the reader was given that started below what it had already handed over. */
    const redelivered: string[] = [];
    let intruder: Consumer | undefined;
    let intruderLeft: Promise<void> | undefined;
    const admin = env!.kafka.admin();
    await admin.connect();
    const read = readTopic<MatchEvent>({
      kafka, serde: env!.serde, prefix: env!.prefix, topic: 'match.events',
      onRecord: async (value, partition, offset) => {
        handed.push(`${partition}@${offset}:${value.eventId}`);
        handedNext.set(partition, offset + 1n);
        if (intruder) return;
        reader().on(reader().events.START_BATCH_PROCESS, ({ payload }) => {
          const first = BigInt(payload.firstOffset);
          if (first < (handedNext.get(payload.partition) ?? 0n)) redelivered.push(`${payload.partition}@${first}`);
        });
        // A second member joins the group; once it has partitions it leaves, and the reader gets them all again.
        intruder = env!.kafka.consumer({ groupId: groupId() });
        let intruderAssigned = false;
        intruder.on(intruder.events.GROUP_JOIN, ({ payload }) => { intruderAssigned ||= Object.keys(payload.memberAssignment).length > 0; });
        // Not from inside its GROUP_JOIN listener: a disconnect there waits for the join it is part of.
        // Started, not awaited: its first join completes only once the reader has rejoined, after this batch.
        const joined = (async () => {
          await intruder!.connect();
          await intruder!.subscribe({ topic, fromBeginning: true });
          await intruder!.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
        })();
        intruderLeft = joined.then(() => eventually('the second member has partitions', () => intruderAssigned, 60_000)).then(() => intruder!.disconnect());
        // The reader goes on only once the broker is rebalancing the group: its next heartbeat, after this
        // batch, is told so, and with small fetches the read cannot end before the rebalance.
        await eventually('the group rebalancing', async () => (await admin.describeGroups([groupId()])).groups[0]?.state === 'PreparingRebalance', 20_000);
      },
    });
    const end = await read;
    await intruderLeft;
    await admin.disconnect();

    // The rebalance really gave the reader records again that it had handed over already.
    expect(redelivered.length, 'batches fetched again from below what was handed over').toBeGreaterThan(0);
    expect(end.total).toBe(BigInt(PARTITIONS * RECORDS_PER_PARTITION));
    expectEachRecordOnceInOrder(handed);
  }, 120_000);
});
