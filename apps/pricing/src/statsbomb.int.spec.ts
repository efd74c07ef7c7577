// The recorded match (Barcelona 2-2 Girona, StatsBomb Open Data) through the
// whole pricing pipeline on real Kafka: roster in Postgres, every feed event on
// match.events as fast as Kafka takes them, ticks out.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchEvent, PriceTick } from '@inplay/contracts';
import { DEFAULT_PRICING_CONFIG, mapStatsBombEvents, rosterFromLineups, statsBombTeams, type SbEvent, type SbLineup } from '@inplay/domain';
import { createProducer, recordSender, topicName, type Producer } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { eventually, isolate, type IsolatedEnv } from '@inplay/testing';
import { collect, insertRoster, playersWithSeqGaps, type Collected } from '../test/int.fixtures';
import { startPricing, type PricingHandle } from './pricing';

const DATA_DIR = new URL('../../../data/statsbomb/', import.meta.url);
const MATCH_ID = '15986';
const SCORING_TYPES = ['GOAL', 'PENALTY_SCORED'];

let env: IsolatedEnv;
let producer: Producer;
let pricing: PricingHandle;
let ticks: Collected<PriceTick>;
let events: MatchEvent[];
const fatal: unknown[] = [];

async function loadJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(new URL(file, DATA_DIR), 'utf8')) as T;
}

beforeAll(async () => {
  env = await isolate();
  const [sbEvents, lineups] = await Promise.all([loadJson<SbEvent[]>(`events/${MATCH_ID}.json`), loadJson<SbLineup[]>(`lineups/${MATCH_ID}.json`)]);
  const teams = statsBombTeams(sbEvents);
  if (!teams.ok) throw new Error(teams.reason);
  const roster = rosterFromLineups(lineups, sbEvents, { matchId: MATCH_ID, teams: teams.teams });
  await insertRoster(env.databaseUrl, roster);
  const feed = mapStatsBombEvents(sbEvents, { matchId: MATCH_ID, kickOffAt: Date.now() - 3 * 3_600_000, teams: teams.teams });
  const ingestedFrom = Date.now();
  events = feed.events.map((e, i) => ({ ...e, ingestedAt: ingestedFrom + i }));
  pricing = await startPricing({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
    pricing: DEFAULT_PRICING_CONFIG, logger: createLogger('pricing-test', process.env['LOG_LEVEL'] ?? 'error'), onFatal: (err) => fatal.push(err),
  });
  ticks = await collect<PriceTick>(env.kafka, env.serde, topicName(env.prefix, 'price.ticks'), `${env.prefix}ticks-reader`);
  producer = createProducer(env.kafka);
  await producer.connect();
  await recordSender(producer, env.serde, env.prefix).send('match.events', events.map((e) => ({ key: e.matchId, value: e })));
});

afterAll(async () => {
  await pricing?.stop();
  await ticks?.stop();
  await producer?.disconnect();
  await env?.cleanup();
});

describe('pricing the recorded match end to end', () => {
  it('raises each scorer in the EVENT tick of each of the four goals, with gap-free seqs for every player', async () => {
    const goals = events.filter((e) => SCORING_TYPES.includes(e.type));
    expect(goals).toHaveLength(4);
    const goalTick = (goal: MatchEvent) => ticks.values.find((t) => t.causeEventId === goal.eventId && t.playerId === goal.playerId);
    await eventually('a tick for every goal scorer', () => goals.every((g) => goalTick(g) !== undefined), 30_000);
    for (const goal of goals) {
      const tick = goalTick(goal)!;
      expect(tick, goal.eventId).toMatchObject({ cause: 'EVENT', causeEventType: goal.type, tickedAt: goal.ingestedAt });
      expect(tick.priceCents, goal.eventId).toBeGreaterThan(tick.previousPriceCents);
    }
    const lastPlayerEvent = events.filter((e) => e.playerId !== null).at(-1)!;
    await eventually('the last player event priced', () => ticks.values.some((t) => t.causeEventId === lastPlayerEvent.eventId), 30_000);
    expect(playersWithSeqGaps(ticks.values)).toEqual([]);
    expect(fatal).toEqual([]);
  });
});
