// Pricing on real Kafka, Postgres and the registry, in both delivery modes:
// match events and trades in, gap-free ticks out, across a processor restart,
// and the same ticks again when the processor replays pricing.commands into
// fresh topics.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LatestPrice, MatchEvent, PriceTick } from '@inplay/contracts';
import { DEFAULT_PRICING_CONFIG, pricingDecider } from '@inplay/domain';
import { createProducer, createSerde, ensureTopics, recordSender, topicName, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger, Registry } from '@inplay/telemetry';
import { eventually, isolate, roleDatabaseUrl, type IsolatedEnv } from '@inplay/testing';
import { collect, insertRoster, playersWithSeqGaps, ticksByPlayer, type Collected } from '../test/int.fixtures';
import { DEFAULT_DELIVERY, PRICING_DELIVERIES, type PricingDelivery } from './delivery';
import { createPricingMetrics } from './metrics';
import { startPricing, type PricingHandle } from './pricing';
import { kickOff, matchEvent, roster, trade } from '../test/pricing.fixtures';
import { startProcessor } from './processor';
import { DEFAULT_CONSUMER_TUNING } from './tuning';

const config = { ...DEFAULT_PRICING_CONFIG, driftIntervalMs: 400 };
const logger = createLogger('pricing-test', process.env['LOG_LEVEL'] ?? 'error');
describe.each(PRICING_DELIVERIES)('with %s delivery', (delivery: PricingDelivery) => {
  const fatal: unknown[] = [];
  let env: IsolatedEnv;
  let producer: Producer;
  let send: RecordSender;
  let sequencer: PricingHandle;
  let processor: PricingHandle;
  let ticks: Collected<PriceTick>;

  function startStage(stage: 'sequencer' | 'processor'): Promise<PricingHandle> {
    return startPricing({
      brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'pricing'), topicPrefix: env.prefix,
      pricing: config, delivery: { mode: delivery }, stages: { sequencer: stage === 'sequencer', processor: stage === 'processor' }, logger, onFatal: (err) => fatal.push(err),
    });
  }

  const event = (overrides: Partial<MatchEvent>): MatchEvent => matchEvent({ ingestedAt: Date.now(), ...overrides });
  const publish = (...events: MatchEvent[]) => send.send('match.events', events.map((e) => ({ key: e.matchId, value: e })));
  const ticksOf = (playerId: string) => ticks.values.filter((t) => t.playerId === playerId);
  const ticksCausedBy = (eventId: string) => ticks.values.filter((t) => t.causeEventId === eventId);

  beforeAll(async () => {
    env = await isolate();
    await insertRoster(env.databaseUrl, roster);
    producer = createProducer(env.kafka);
    await producer.connect();
    send = recordSender(producer, env.serde, env.prefix);
    processor = await startStage('processor');
    sequencer = await startStage('sequencer');
    ticks = await collect<PriceTick>(env.kafka, env.serde, topicName(env.prefix, 'price.ticks'), `${env.prefix}ticks-reader`);
  });

  afterEach(() => expect(fatal).toEqual([]));

  afterAll(async () => {
    await sequencer?.stop();
    await processor?.stop();
    await ticks?.stop();
    await producer?.disconnect();
    await env?.cleanup();
  });

  describe('pricing a match on real Kafka', () => {
    it('initializes every player of the roster at kick-off with an INITIAL tick of seq 1', async () => {
      await publish(kickOff('m1', Date.now()));
      await eventually('an INITIAL tick for every player', () => roster.players.every((p) => ticksOf(p.playerId).some((t) => t.cause === 'INITIAL')));
      for (const p of roster.players) expect(ticksOf(p.playerId)[0]).toMatchObject({ seq: 1, cause: 'INITIAL', priceCents: p.initialPriceCents, matchId: 'm1' });
    });

    it('raises the scorer and the assister and lowers the conceding keeper in the ticks the goal causes', async () => {
      const goal = event({ eventId: 'test:goal', type: 'GOAL', playerId: 'h-fw', relatedPlayerId: 'h-mf', teamId: 'home' });
      await publish(goal);
      await eventually('three goal ticks', () => ticksCausedBy('test:goal').length === 3);
      const byPlayer = new Map(ticksCausedBy('test:goal').map((t) => [t.playerId, t]));
      expect(byPlayer.get('h-fw')!.priceCents).toBeGreaterThan(byPlayer.get('h-fw')!.previousPriceCents);
      expect(byPlayer.get('h-mf')!.priceCents).toBeGreaterThan(byPlayer.get('h-mf')!.previousPriceCents);
      expect(byPlayer.get('a-gk')!.priceCents).toBeLessThan(byPlayer.get('a-gk')!.previousPriceCents);
      // The lock counts from when the feed delivered the event (the tick's own time may be later: commands keep time monotonic).
      expect(byPlayer.get('h-fw')).toMatchObject({ cause: 'EVENT', causeEventType: 'GOAL', lockedUntil: goal.ingestedAt + config.lockWindowMs });
    });

    it('ticks nothing more for a redelivered event id', async () => {
      const goal = ticksCausedBy('test:goal')[0]!;
      await publish(event({ eventId: 'test:goal', type: 'GOAL', playerId: 'h-fw', relatedPlayerId: 'h-mf', teamId: 'home', ingestedAt: goal.tickedAt }));
      await publish(event({ eventId: 'test:marker', type: 'SHOT_ON_TARGET', playerId: 'a-fw', relatedPlayerId: null, teamId: 'away' }));
      await eventually('the event after the duplicate ticked', () => ticksCausedBy('test:marker').length === 1);
      expect(ticksCausedBy('test:goal')).toHaveLength(3);
    });

    it('drifts idle players between events', async () => {
      await eventually('the idle defender drifted twice', () => ticksOf('a-df').filter((t) => t.cause === 'DRIFT').length >= 2);
      const drifts = ticksOf('a-df').filter((t) => t.cause === 'DRIFT');
      expect(drifts[1]!.tickedAt - drifts[0]!.tickedAt).toBeGreaterThanOrEqual(config.driftIntervalMs);
    });

    it('moves the price up with demand when shares are bought', async () => {
      await send.send('trades', [{ key: 'h-gk', value: trade({ tradeId: 'test:t1', playerId: 'h-gk', side: 'BUY', quantity: 200, executedAt: Date.now() }) }]);
      const demand = await eventually('a DEMAND tick on the keeper', () => ticksOf('h-gk').find((t) => t.cause === 'DEMAND'));
      expect(demand.priceCents).toBeGreaterThan(demand.previousPriceCents);
    });

    it('sends an undecodable input record to dead.letter with the reason and keeps pricing', async () => {
      const deadLetters: { source?: string; error?: string }[] = [];
      const reader = env.kafka.consumer({ groupId: `${env.prefix}dead-letter-reader`, maxWaitTimeInMs: 50 });
      await reader.connect();
      await reader.subscribe({ topic: topicName(env.prefix, 'dead.letter'), fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => {
        deadLetters.push({ source: message.headers?.['x-source-topic']?.toString(), error: message.headers?.['x-error']?.toString() });
      } });
      try {
        await producer.send({ topic: topicName(env.prefix, 'match.events'), messages: [{ key: 'm1', value: Buffer.from('not avro') }] });
        await publish(event({ eventId: 'test:after-poison', type: 'YELLOW_CARD', playerId: 'a-df', relatedPlayerId: null, teamId: 'away' }));
        await eventually('the event after the poison record ticked', () => ticksCausedBy('test:after-poison').length === 1);
        await eventually('the poison record in dead.letter', () => deadLetters.length === 1);
        expect(deadLetters[0]?.source).toBe(topicName(env.prefix, 'match.events'));
        expect(deadLetters[0]?.error).toBeTruthy();
      } finally {
        await reader.disconnect();
      }
    });

    it('resumes from snapshots after a processor restart, without a gap or a repeat in any player seq', async () => {
      const before = ticksOf('h-gk').length;
      await processor.stop();
      await publish(event({ eventId: 'test:save', type: 'SAVE', playerId: 'h-gk', relatedPlayerId: null, teamId: 'home' }));
      processor = await startStage('processor');
      const save = await eventually('the save ticked after the restart', () => ticksCausedBy('test:save')[0]);
      expect(save.seq).toBeGreaterThan(before);
      await eventually('more drift after the restart', () => ticksOf('a-df').filter((t) => t.tickedAt > save.tickedAt).length >= 2);
      expect(playersWithSeqGaps(ticks.values)).toEqual([]);
    });
  });

  describe('determinism', () => {
    it('gives the same ticks when the processor replays pricing.commands twice into fresh topics', async () => {
      await sequencer.stop();
      await processor.stop();
      const admin = env.kafka.admin();
      await admin.connect();
      for (const suffix of ['r1-', 'r2-']) await ensureTopics(admin, `${env.prefix}${suffix}`);
      await admin.disconnect();
      const replays = await Promise.all(['r1-', 'r2-'].map(async (suffix) => {
        const prefix = `${env.prefix}${suffix}`;
        const stage = await startProcessor({
          kafka: env.kafka, serde: createSerde(env.infra.schemaRegistryUrl, prefix, env.infra.credentials?.registry), inputPrefix: env.prefix, outputPrefix: prefix,
          groupId: `${prefix}pricing-processor`, decider: pricingDecider(config), tuning: DEFAULT_CONSUMER_TUNING, delivery: { ...DEFAULT_DELIVERY, mode: delivery }, logger,
          metrics: createPricingMetrics(new Registry()), clock: Date.now, onFatal: (err) => fatal.push(err),
        });
        const out = await collect<PriceTick>(env.kafka, env.serde, topicName(prefix, 'price.ticks'), `${prefix}ticks-reader`);
        return { stage, out };
      }));
      const sorted = (list: readonly PriceTick[]) => [...ticksByPlayer(list)].sort(([a], [b]) => a.localeCompare(b));
      try {
        await eventually('both replays caught up with the live run', () =>
          replays.every((r) => JSON.stringify(sorted(r.out.values)) === JSON.stringify(sorted(ticks.values))), 30_000).catch(() => undefined);
        for (const r of replays) expect(sorted(r.out.values)).toEqual(sorted(ticks.values));
        expect(ticks.values.length).toBeGreaterThan(30);
      } finally {
        for (const r of replays) {
          await r.stage.stop();
          await r.out.stop();
        }
      }
    });

    it('leaves each player last tick in price.latest', async () => {
      const latest = await collect<LatestPrice>(env.kafka, env.serde, topicName(env.prefix, 'price.latest'), `${env.prefix}latest-reader`);
      const lastTicks = new Map([...ticksByPlayer(ticks.values)].map(([playerId, list]) => [playerId, list.at(-1)!]));
      try {
        await eventually('every player latest price', () => roster.players.every((p) => latest.values.findLast((l) => l.playerId === p.playerId)?.seq === lastTicks.get(p.playerId)?.seq));
        for (const [playerId, tick] of lastTicks) {
          expect(latest.values.findLast((l) => l.playerId === playerId)).toEqual({
            playerId, matchId: tick.matchId, seq: tick.seq, priceCents: tick.priceCents, lockedUntil: tick.lockedUntil, updatedAt: tick.tickedAt,
          });
        }
      } finally {
        await latest.stop();
      }
    });
  });
});
