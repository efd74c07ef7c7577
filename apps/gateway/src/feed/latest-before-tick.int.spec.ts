// The gateway's feed on real Kafka when a live tick's compacted copy on
// price.latest is read before the tick itself (two topics, read in separate
// fetches): the tick is still published, each tick's prevSeq names the one
// before it, and a client holding the snapshot taken in between misses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@inplay/telemetry';
import { eventually } from '@inplay/testing';
import { latest, tick } from '../../test/fanout.fixtures';
import { gatewayHarness, type GatewayHarness } from '../../test/harness';
import { Fanout, priceTopic, type TopicPublisher } from '../fanout/fanout';
import { PriceBook } from '../fanout/price-book';
import { PublishThrottle } from '../fanout/publish-throttle';
import { createGatewayMetrics } from '../metrics';
import { startKafkaFeed, type KafkaFeed } from './kafka-feed';

let harness: GatewayHarness;
let feed: KafkaFeed | undefined;
const book = new PriceBook(16);
const published: { seq: number; prevSeq: number; conflated?: boolean }[] = [];
/** A client subscribes once the gateway listens, after the bootstrap. */
let subscribed = false;
const publisher: TopicPublisher = {
  publish: (topic, message) => { if (topic === priceTopic('p1')) published.push(JSON.parse(message) as (typeof published)[number]); return true; },
  numSubscribers: (topic) => (subscribed && topic === priceTopic('p1') ? 1 : 0),
};
const metrics = createGatewayMetrics('latest-test');
const fanout = new Fanout(book, new PublishThrottle(0), publisher, metrics, Date.now, 10);
const latestRead: number[] = [];

beforeAll(async () => {
  harness = await gatewayHarness({ database: false });
  await harness.sendTicks([tick('p1', 1)]);
  await harness.sendLatest([latest('p1', 1)]);
  const ignore = () => undefined;
  feed = await startKafkaFeed({
    kafka: harness.env.kafka, serde: harness.env.serde, prefix: harness.env.prefix, serverId: 'latest-test', rewindTicksPerPartition: 10,
    bootstrapTimeoutMs: 30_000, logger: createLogger('latest-test', 'silent'), metrics,
    handlers: {
      onLatest: (l, live) => { fanout.onLatest(l, live); latestRead.push(l.seq); },
      onTick: (t, appendedAtMs, live) => fanout.onTick(t, appendedAtMs, live),
      onOrderResult: ignore, onLeaderboard: ignore, onMatchEvent: ignore,
    },
  });
});
afterAll(async () => {
  fanout.stop();
  await feed?.stop();
  await harness?.close();
});

describe('a live tick whose price.latest copy arrives first', () => {
  it('is published, and the next tick points at it', async () => {
    subscribed = true;
    const snapshotSeq = book.state('p1')?.seq;
    expect(snapshotSeq).toBe(1);
    await harness.sendLatest([latest('p1', 2)]);
    await eventually('price.latest seq 2 read by the feed', () => latestRead.includes(2));
    await harness.sendTicks([tick('p1', 2), tick('p1', 3)]);
    await eventually('tick 3 published', () => published.some((m) => m.seq === 3));
    expect(published.map((m) => [m.seq, m.prevSeq, m.conflated])).toEqual([[2, 1, undefined], [3, 2, undefined]]);
    expect(published[0]?.prevSeq).toBe(snapshotSeq);
  });
});
