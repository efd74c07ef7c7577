// Idempotent delivery across a crash: the processor, in its own process, is
// SIGKILLed while match events stream in, then restarted. It restores the
// snapshots, replays what they do not reflect yet and re-emits byte-identical
// ticks: every player's seqs stay gap-free, every repeat equals the original,
// and the unique ticks are exactly what a clean replay of pricing.commands gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchEvent, PriceTick } from '@inplay/contracts';
import { DEFAULT_PRICING_CONFIG, pricingDecider } from '@inplay/domain';
import { createProducer, createSerde, ensureTopics, recordSender, topicName, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger, Registry } from '@inplay/telemetry';
import { eventually, isolate, type IsolatedEnv } from '@inplay/testing';
import { spawnPricing, type PricingProcess } from '../test/pricing-process';
import { DEFAULT_DELIVERY } from './delivery';
import { collect, insertRoster, ticksByPlayer, type Collected } from '../test/int.fixtures';
import { createPricingMetrics } from './metrics';
import { startPricing, type PricingHandle } from './pricing';
import { kickOff, matchEvent, rosterFor } from '../test/pricing.fixtures';
import { startProcessor } from './processor';
import { DEFAULT_CONSUMER_TUNING } from './tuning';

const config = { ...DEFAULT_PRICING_CONFIG, driftIntervalMs: 300 };
const rosters = [rosterFor('c1'), rosterFor('c2')];
/** No timer snapshots: they come every few commands of a partition, so the kill always lands between two of them. */
const processorEnv = {
  PRICING_STAGES: 'processor', PRICING_DELIVERY: 'idempotent', PRICING_DRIFT_INTERVAL_MS: String(config.driftIntervalMs),
  PRICING_SNAPSHOT_INTERVAL_MS: '60000', PRICING_SNAPSHOT_EVERY_COMMANDS: '25',
};
const EVENT_EVERY_MS = 15;
const logger = createLogger('pricing-crash-test', process.env['LOG_LEVEL'] ?? 'error');
const fatal: unknown[] = [];
let env: IsolatedEnv;
let producer: Producer;
let send: RecordSender;
let sequencer: PricingHandle;
let processor: PricingProcess;
let ticks: Collected<PriceTick>;

function spawnProcessor(): Promise<PricingProcess> {
  return spawnPricing({ brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, prefix: env.prefix, env: processorEnv });
}

/** The i-th event of the stream: a shot or a card for one player of one of the two matches, in turn. */
function streamEvent(i: number): MatchEvent {
  const roster = rosters[i % rosters.length]!;
  const player = roster.players[Math.floor(i / rosters.length) % roster.players.length]!;
  return matchEvent({
    eventId: `crash:${i}`, providerEventId: `crash-${i}`, matchId: roster.matchId, type: i % 3 === 0 ? 'YELLOW_CARD' : 'SHOT_ON_TARGET',
    playerId: player.playerId, relatedPlayerId: null, teamId: player.teamId, ingestedAt: Date.now(),
  });
}

async function snapshotsWritten(): Promise<number> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topicName(env.prefix, 'pricing.snapshots'));
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  env = await isolate();
  for (const roster of rosters) await insertRoster(env.databaseUrl, roster);
  producer = createProducer(env.kafka);
  await producer.connect();
  send = recordSender(producer, env.serde, env.prefix);
  sequencer = await startPricing({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
    pricing: config, delivery: { mode: 'idempotent' }, stages: { sequencer: true, processor: false }, logger, onFatal: (err) => fatal.push(err),
  });
  processor = await spawnProcessor();
  ticks = await collect<PriceTick>(env.kafka, env.serde, topicName(env.prefix, 'price.ticks'), `${env.prefix}ticks-reader`);
}, 60_000);

afterAll(async () => {
  await processor?.kill();
  await sequencer?.stop();
  await ticks?.stop();
  await producer?.disconnect();
  await env?.cleanup();
});

describe('idempotent delivery across a processor crash', () => {
  it('keeps every player gap-free after a SIGKILL and re-emits only exact copies of ticks already sent', async () => {
    await send.send('match.events', rosters.map((r) => ({ key: r.matchId, value: kickOff(r.matchId, Date.now()) })));
    let sent = 0;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        const event = streamEvent(sent++);
        await send.send('match.events', [{ key: event.matchId, value: event }]);
        await new Promise((r) => setTimeout(r, EVENT_EVERY_MS));
      }
    })();
    try {
      await eventually('snapshots written and 80 events priced', async () =>
        (await snapshotsWritten()) > 0 && ticks.values.some((t) => t.causeEventId === 'crash:80'), 30_000);
      await processor.kill();
      const killedAfter = sent;
      await eventually('events sent while the processor is down', () => sent >= killedAfter + 40);
      processor = await spawnProcessor();
      const resumedAt = sent;
      await eventually('events after the restart priced', () => ticks.values.some((t) => t.causeEventId === `crash:${resumedAt + 40}`), 30_000);
    } finally {
      streaming = false;
      await stream;
    }
    await sequencer.stop(); // no more commands: the processor drains what is left
    const lastEvent = `crash:${sent - 1}`;
    await eventually('the last event priced', () => ticks.values.some((t) => t.causeEventId === lastEvent), 30_000);
    await processor.stop();
    expect(fatal).toEqual([]);

    const bySeq = new Map<string, PriceTick>();
    let repeats = 0;
    for (const tick of ticks.values) {
      const key = `${tick.playerId}#${tick.seq}`;
      const first = bySeq.get(key);
      if (first) {
        repeats += 1;
        expect(tick, key).toEqual(first);
      } else bySeq.set(key, tick);
    }
    expect(repeats).toBeGreaterThan(0); // the crash did make it replay
    const unique = [...bySeq.values()];
    for (const [playerId, list] of ticksByPlayer(unique)) {
      expect(list.map((t) => t.seq), playerId).toEqual(list.map((_, i) => i + 1));
    }

    // The same commands replayed once, cleanly, into fresh topics give exactly the unique ticks.
    const prefix = `${env.prefix}clean-`;
    const admin = env.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, prefix);
    await admin.disconnect();
    const clean = await startProcessor({
      kafka: env.kafka, serde: createSerde(env.infra.schemaRegistryUrl, prefix, env.infra.credentials?.registry), inputPrefix: env.prefix, outputPrefix: prefix,
      groupId: `${prefix}pricing-processor`, decider: pricingDecider(config), tuning: DEFAULT_CONSUMER_TUNING, delivery: DEFAULT_DELIVERY, logger,
      metrics: createPricingMetrics(new Registry()), clock: Date.now, onFatal: (err) => fatal.push(err),
    });
    const replayed = await collect<PriceTick>(env.kafka, env.serde, topicName(prefix, 'price.ticks'), `${prefix}ticks-reader`);
    const byPlayer = (list: readonly PriceTick[]) => [...ticksByPlayer(list)].sort(([a], [b]) => a.localeCompare(b));
    try {
      await eventually('the clean replay caught up', () => replayed.values.length >= unique.length, 30_000);
      expect(byPlayer(replayed.values)).toEqual(byPlayer(unique));
    } finally {
      await clean.stop();
      await replayed.stop();
    }
    expect(fatal).toEqual([]);
  }, 120_000);
});
