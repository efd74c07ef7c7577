// `inplay bench pricing`: synthetic matches -> match.events at fixed rates, then
// flat out, through a pricing process of its own (sequencer + processor, as
// deployed); measures match event append -> tick append (both broker
// LogAppendTime, linked by tick.causeEventId) and the sustained event rate.
// It runs once per delivery mode in the same invocation: the default
// (idempotent) and its baseline (transactional: one Kafka transaction per batch),
// each on topics and a database of its own.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cpus, loadavg } from 'node:os';
import type { MatchEvent } from '@inplay/contracts';
import { createPool } from '@inplay/db';
import { DEFAULT_SYNTHETIC_RATES_PER_HOUR, generateSyntheticMatches, type MatchEventDraft, type Roster } from '@inplay/domain';
import { createKafka, createProducer, createSerde, recordSender, waitForGroupCoordinator, type RecordSender, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { formatTable, latencyChartSvg, percentiles, type BenchPricingReport, type ModeReport, type RatePhase, type ThroughputPhase } from './report';
import { EVENT_HEADER, createBenchDatabase, createLogAppendTimeTopics, dropBenchTopicsAndDatabase, observe, spawnPricing, waitUntil, type Observer } from './harness';
import { registerMatch } from '@inplay/feed-ingest';
import { DEFAULT_DELIVERY, PRICING_DELIVERIES, type PricingDelivery } from '@inplay/pricing';

export type { BenchPricingReport };

export interface BenchPricingOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  /** The registry writer (the bench registers its prefix's schemas). */
  registryAuth?: RegistryAuth | undefined;
  registryUrl: string;
  databaseUrl: string;
  /** Offered rates of the latency phases, each held for durationMs. */
  eventsPerSec?: number[];
  durationMs: number;
  /** Where the JSON report goes; the SVG chart goes beside it (.svg). */
  json: string;
  /** Events of the flat-out throughput phase. */
  throughputEvents?: number;
  /** Extra environment of the pricing process, e.g. PRICING_FETCH_MAX_WAIT_MS (PRICING_DELIVERY is set per mode). */
  pricingEnv?: Record<string, string>;
  /** Delivery modes to measure, the first being the one reported on top (default: idempotent, then its transactional baseline). */
  deliveries?: PricingDelivery[];
  log?: (line: string) => void;
}

export const DEFAULT_BENCH_RATES = [500, 1_000, 2_000, 5_000];
export const DEFAULT_THROUGHPUT_EVENTS = 100_000;
const BENCH_MATCHES = 50;
const PLAYERS_PER_TEAM = 11;
const MATCH_DURATION_MS = 90 * 60_000;
const SEND_TICK_MS = 5;
const FLAT_OUT_CHUNK = 1_000;
const FLAT_OUT_IN_FLIGHT = 4;
const DRAIN_TIMEOUT_MS = 120_000;

export async function benchPricing(o: BenchPricingOptions): Promise<BenchPricingReport> {
  const log = o.log ?? ((line: string) => console.log(line));
  const deliveries = [...new Set(o.deliveries ?? [DEFAULT_DELIVERY.mode, ...PRICING_DELIVERIES.filter((d) => d !== DEFAULT_DELIVERY.mode)])];
  if (deliveries.length === 0) throw new Error('benchPricing needs at least one delivery mode');
  const modes: Partial<Record<PricingDelivery, ModeReport>> = {};
  for (const delivery of deliveries) {
    log(`delivery ${delivery}:`);
    modes[delivery] = await benchOneDelivery(o, delivery, log);
  }
  const first = modes[deliveries[0]!]!;
  const report: BenchPricingReport = {
    delivery: first.delivery, eventsPerSec: first.eventsPerSec, latencyMs: first.latencyMs, modes,
    setup: { deliveries, pricingEnv: o.pricingEnv ?? {}, loadAverage: loadavg(), durationMsPerRate: o.durationMs, brokers: o.brokers, cpus: cpus().length },
  };
  await mkdir(dirname(o.json), { recursive: true });
  await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(o.json.replace(/(\.json)?$/, '.svg'), latencyChartSvg(report));
  log(formatTable(report));
  return report;
}

async function benchOneDelivery(o: BenchPricingOptions, delivery: PricingDelivery, log: (line: string) => void): Promise<ModeReport> {
  const rates = o.eventsPerSec ?? DEFAULT_BENCH_RATES;
  const throughputEvents = o.throughputEvents ?? DEFAULT_THROUGHPUT_EVENTS;
  const id = randomBytes(3).toString('hex');
  const prefix = `bench${id}-`;
  const kafka = createKafka({ brokers: o.brokers, ...o.kafkaSecurity, clientId: `${prefix}bench` });
  await waitForGroupCoordinator(kafka);
  await createLogAppendTimeTopics(kafka, prefix);
  const database = `bench_${id}`;
  const databaseUrl = await createBenchDatabase(o.databaseUrl, database);
  const cleanups: (() => Promise<unknown>)[] = [() => dropBenchTopicsAndDatabase(kafka, prefix, o.databaseUrl, database)];
  try {
    const needed = rates.reduce((n, r) => n + Math.ceil((r * o.durationMs) / 1000), 0) + throughputEvents;
    const load = syntheticLoad(needed);
    const pool = createPool(databaseUrl, { max: 1 });
    for (const roster of load.rosters) await registerMatch(pool, roster, { provider: 'synthetic', kickOffAt: load.kickOffAt });
    await pool.end();
    log(`bench ${prefix}: ${load.rosters.length} matches, ${load.players} players, ${load.events.length} events generated`);

    const pricing = await spawnPricing({ ...o, databaseUrl, prefix, env: { ...o.pricingEnv, PRICING_DELIVERY: delivery } });
    cleanups.unshift(() => pricing.stop());
    const serde = createSerde(o.registryUrl, prefix, o.registryAuth);
    const observer = await observe(kafka, serde, prefix);
    cleanups.unshift(() => observer.stop());
    const producer = createProducer(kafka);
    await producer.connect();
    cleanups.unshift(() => producer.disconnect());
    const sender = recordSender(producer, serde, prefix);

    await sendEvents(sender, load.kickOffs);
    await waitUntil(() => observer.initialTicks() >= load.players, DRAIN_TIMEOUT_MS);
    let cursor = 0;
    const phases: RatePhase[] = [];
    for (const rate of rates) {
      const slice = load.events.slice(cursor, (cursor += Math.ceil((rate * o.durationMs) / 1000)));
      phases.push(await runAtRate(sender, observer, slice, rate));
      log(`  ${rate} ev/s: p50 ${phases.at(-1)?.appendToAppendMs.p50} ms, p99 ${phases.at(-1)?.appendToAppendMs.p99} ms`);
    }
    const throughput = await runFlatOut(sender, observer, load.events.slice(cursor, cursor + throughputEvents));
    const reference = phases.find((p) => p.targetEventsPerSec === 1_000) ?? phases[0];
    return {
      delivery,
      eventsPerSec: Math.round(throughput.eventsPerSec),
      latencyMs: { p50: reference?.appendToAppendMs.p50 ?? Number.NaN, p99: reference?.appendToAppendMs.p99 ?? Number.NaN, atEventsPerSec: reference?.targetEventsPerSec ?? 0 },
      rates: phases,
      throughput,
      setup: { matches: load.rosters.length, players: load.players, topicPrefix: prefix },
    };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${(err as Error).message}`));
  }
}

interface Load {
  rosters: Roster[];
  players: number;
  kickOffAt: number;
  kickOffs: MatchEventDraft[];
  events: MatchEventDraft[];
}

/** Enough synthetic events for every phase: the usual mix of a match, every rate scaled up alike. */
function syntheticLoad(neededEvents: number): Load {
  const perMatchPerHour = Object.values(DEFAULT_SYNTHETIC_RATES_PER_HOUR).reduce((a, b) => a + b, 0);
  const scale = Math.ceil((neededEvents * 1.2) / (BENCH_MATCHES * perMatchPerHour * (MATCH_DURATION_MS / 3_600_000)));
  const ratesPerHour = Object.fromEntries(Object.entries(DEFAULT_SYNTHETIC_RATES_PER_HOUR).map(([type, rate]) => [type, rate * scale]));
  const kickOffAt = Date.now();
  const generated = generateSyntheticMatches({ seed: 1, matches: BENCH_MATCHES, playersPerTeam: PLAYERS_PER_TEAM, durationMs: MATCH_DURATION_MS, ratesPerHour, kickOffAt });
  if (!generated.ok) throw new Error(`synthetic matches: ${generated.errors.join('; ')}`);
  const isOpening = (e: MatchEventDraft) => e.type === 'KICK_OFF' && e.period === 1;
  return {
    rosters: generated.rosters,
    players: generated.rosters.reduce((n, r) => n + r.players.length, 0),
    kickOffAt,
    kickOffs: generated.events.filter(isOpening),
    events: generated.events.filter((e) => !isOpening(e)),
  };
}

function sendEvents(sender: RecordSender, drafts: readonly MatchEventDraft[]) {
  const ingestedAt = Date.now();
  return sender.send('match.events', drafts.map((draft) => {
    const value: MatchEvent = { ...draft, ingestedAt };
    return { key: value.matchId, value, ...(value.playerId !== null ? { headers: { [EVENT_HEADER]: value.eventId } } : {}) };
  }));
}

async function runAtRate(sender: RecordSender, observer: Observer, events: readonly MatchEventDraft[], rate: number): Promise<RatePhase> {
  const startedAt = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  while (sent < events.length) {
    const due = Math.min(events.length, Math.floor(((performance.now() - startedAt) * rate) / 1000));
    if (due > sent) {
      const request = sendEvents(sender, events.slice(sent, due));
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      sent = due;
    }
    await new Promise((r) => setTimeout(r, SEND_TICK_MS));
  }
  await Promise.all(inFlight);
  const appendedEventsPerSec = (events.length * 1000) / (performance.now() - startedAt);
  const tracked = events.filter((e) => e.playerId !== null).map((e) => e.eventId);
  const observed = (eventId: string) => observer.tickOf(eventId) !== undefined && observer.eventAppendedAt(eventId) !== undefined;
  await waitUntil(() => tracked.every(observed), DRAIN_TIMEOUT_MS).catch(() => undefined);
  const appendToAppend: number[] = [];
  const appendToVisible: number[] = [];
  for (const eventId of tracked) {
    const appendedAt = observer.eventAppendedAt(eventId);
    const tick = observer.tickOf(eventId);
    if (appendedAt === undefined || !tick) continue;
    appendToAppend.push(tick.appendedAt - appendedAt);
    appendToVisible.push(tick.seenAt - appendedAt);
  }
  return {
    targetEventsPerSec: rate, appendedEventsPerSec, events: events.length, ticked: appendToAppend.length,
    appendToAppendMs: percentiles(appendToAppend), appendToVisibleMs: percentiles(appendToVisible),
  };
}

async function runFlatOut(sender: RecordSender, observer: Observer, events: readonly MatchEventDraft[]): Promise<ThroughputPhase> {
  const startedAt = performance.now();
  const chunks: MatchEventDraft[][] = [];
  for (let i = 0; i < events.length; i += FLAT_OUT_CHUNK) chunks.push(events.slice(i, i + FLAT_OUT_CHUNK));
  await Promise.all(Array.from({ length: FLAT_OUT_IN_FLIGHT }, async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await sendEvents(sender, chunk);
  }));
  const appendedEventsPerSec = (events.length * 1000) / (performance.now() - startedAt);
  const tracked = events.filter((e) => e.playerId !== null).map((e) => e.eventId);
  await waitUntil(() => tracked.every((eventId) => observer.tickOf(eventId) !== undefined && observer.eventAppendedAt(eventId) !== undefined), DRAIN_TIMEOUT_MS);
  const firstAppend = Math.min(...tracked.map((eventId) => observer.eventAppendedAt(eventId) ?? Number.POSITIVE_INFINITY));
  const lastTick = Math.max(...tracked.map((eventId) => observer.tickOf(eventId)?.appendedAt ?? 0));
  const durationMs = lastTick - firstAppend;
  return { events: tracked.length, eventsPerSec: (tracked.length * 1000) / Math.max(1, durationMs), appendedEventsPerSec, durationMs };
}

