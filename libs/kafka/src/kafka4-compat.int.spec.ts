// kafkajs 2.2.4 is unmaintained and Kafka 4 removed old protocol versions
// (KIP-896): this proves that everything we use works against the broker we pin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import { eventually, kafkaTestEnv, type KafkaTestEnv } from '../test/kafka-env';
import { createProducer, createTopicsServed } from './index';

let env: KafkaTestEnv;
const consumers: Consumer[] = [];

beforeAll(async () => {
  env = await kafkaTestEnv({ topics: false });
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
});

function consumer(groupId: string, readUncommitted = false): Consumer {
  const c = env.kafka.consumer({ groupId, maxWaitTimeInMs: 200, readUncommitted, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  consumers.push(c);
  return c;
}

describe('kafkajs 2.2.4 against the pinned Kafka 4 broker', () => {
  it('admin: creates, describes, lists and deletes topics with partitions and configs', async () => {
    const admin = env.kafka.admin();
    await admin.connect();
    const topic = `${env.prefix}admin`;
    expect(await createTopicsServed(admin, [{
      topic, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '-1' }],
    }])).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]?.partitions).toHaveLength(3);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }] });
    const entries = Object.fromEntries(configs.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]) ?? []);
    expect(entries).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics({ topics: [topic] });
    await eventually('topic deleted', async () => !(await admin.listTopics()).includes(topic));
    await admin.disconnect();
  });

  it('consumer groups: join, rebalance to a second member, commit offsets', async () => {
    const admin = env.kafka.admin();
    await admin.connect();
    const topic = `${env.prefix}groups`;
    const groupId = `${env.prefix}g`;
    await createTopicsServed(admin, [{ topic, numPartitions: 2 }]);
    const producer = createProducer(env.kafka);
    await producer.connect();
    const send = (n: number, tag: string) => producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}` })) });
    await send(20, 'a');

    const assignments = new Map<string, number[]>();
    const seen: string[] = [];
    const start = async (name: string): Promise<void> => {
      const c = consumer(groupId);
      c.on(c.events.GROUP_JOIN, (e) => assignments.set(name, e.payload.memberAssignment[topic] ?? []));
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          seen.push(String(message.value));
          await c.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
        },
      });
    };
    await start('c1');
    await eventually('c1 owns both partitions and read everything', () => assignments.get('c1')?.length === 2 && seen.length === 20, 30_000);
    await start('c2');
    await eventually('rebalanced to one partition each', () => assignments.get('c1')?.length === 1 && assignments.get('c2')?.length === 1, 30_000);
    expect([...(assignments.get('c1') ?? []), ...(assignments.get('c2') ?? [])].sort()).toEqual([0, 1]);
    await send(10, 'b');
    await eventually('new records consumed after the rebalance', () => seen.filter((v) => v.startsWith('b-')).length === 10, 30_000);
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(30);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('transactions: committed records and offsets are seen by read-committed consumers, aborted ones are not', async () => {
    const admin = env.kafka.admin();
    await admin.connect();
    const out = `${env.prefix}tx-out`;
    const input = `${env.prefix}tx-in`;
    await createTopicsServed(admin, [{ topic: out }, { topic: input }]);
    const producer = createProducer(env.kafka, { transactionalId: `${env.prefix}tx` });
    await producer.connect();
    const groupId = `${env.prefix}tx-group`;
    for (const [value, outcome] of [['committed-1', 'commit'], ['aborted-1', 'abort'], ['committed-2', 'commit']] as const) {
      const tx = await producer.transaction();
      await tx.send({ topic: out, messages: [{ key: 'k', value }] });
      if (outcome === 'commit') {
        await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }] });
        await tx.commit();
      } else {
        await tx.abort();
      }
    }
    await producer.disconnect();

    const read = async (readUncommitted: boolean): Promise<string[]> => {
      const values: string[] = [];
      const c = consumer(`${env.prefix}reader-${readUncommitted}`, readUncommitted);
      await c.connect();
      await c.subscribe({ topic: out, fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => { values.push(String(message.value)); } });
      await eventually('records read', () => values.length >= (readUncommitted ? 3 : 2), 30_000);
      return values;
    };
    expect(await read(false)).toEqual(['committed-1', 'committed-2']);
    expect(await read(true)).toEqual(['committed-1', 'aborted-1', 'committed-2']);
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(offsets[0]?.partitions[0]?.offset).toBe('1');
    await admin.disconnect();
  });
});
