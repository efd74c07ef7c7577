// `inplay bench pricing`: synthetic matches -> match.events at fixed rates, then
// flat out, through a pricing process of its own (sequencer + processor, as
// deployed); measures match event append -> tick append (both broker
// LogAppendTime, linked by tick.causeEventId) and the sustained event rate.
// It runs each delivery mode `repetitions` times in the same invocation, the
// order alternating between rounds: the default (idempotent) and its baseline
// (transactional: one Kafka transaction per batch), each run on topics, a
// database and a pricing process of its own. A warm-up phase precedes the
// measured ones; a tick not seen within the drain timeout is reported as
// missing and fails the bench (after the report is written). The headline is
// the visible latency (tick seen by a read-committed reader) at the worst rate.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cpus, loadavg } from 'node:os';
import type { MatchEvent } from '@inplay/contracts';
import { createPool } from '@inplay/db';
import { DEFAULT_SYNTHETIC_RATES_PER_HOUR, generateSyntheticMatches, type MatchEventDraft, type Roster } from '@inplay/domain';
import { createKafka, createProducer, createSerde, recordSender, waitForGroupCoordinator, type RecordSender, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { formatTable, latencyChartSvg, percentiles, summarizeMode, type BenchPricingReport, type ModeReport, type RatePhase, type RunReport, type ThroughputPhase } from './report';
import { DEFAULT_REPETITIONS, repeatAlternating } from '../shared/repeat';
import { startCpuWindow, type CpuWindow } from '../shared/proc-cpu';
import { EVENT_HEADER, createBenchDatabase, createLogAppendTimeTopics, dropBenchTopicsAndDatabase, observe, spawnPricing, waitUntil, type Observer } from './harness';
import { registerMatch } from '@inplay/feed-ingest';
import { cleanUpOnInterrupt, runCleanups } from '../shared/interrupt';
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
  /** Runs of each delivery, alternating in order (default DEFAULT_REPETITIONS). */
  repetitions?: number;
  /** Write V8 CPU profiles of the pricing processes (--cpu-prof) into this folder. */
  profileDir?: string;
  log?: (line: string) => void;
}

/** The rates the latency goal names (issue 18: p99 <= 10 ms at each). */
export const DEFAULT_BENCH_RATES = [500, 1_000, 5_000];
/** Before the measured phases: JIT, connections, roster cache and fetch sessions warm; not counted. */
export const WARM_UP_EVENTS_PER_SEC = 1_000;
export const WARM_UP_MS = 3_000;
export const DEFAULT_THROUGHPUT_EVENTS = 100_000;
const BENCH_MATCHES = 50;
const PLAYERS_PER_TEAM = 11;
const MATCH_DURATION_MS = 90 * 60_000;
const SEND_TICK_MS = 5;
const FLAT_OUT_CHUNK = 1_000;
const FLAT_OUT_IN_FLIGHT = 4;
/** How long a phase waits for the ticks of its events after the last was sent; what is still missing then is reported. */
const DRAIN_TIMEOUT_MS = 60_000;

export async function benchPricing(o: BenchPricingOptions): Promise<BenchPricingReport> {
  const log = o.log ?? ((line: string) => console.log(line));
  const deliveries = [...new Set(o.deliveries ?? [DEFAULT_DELIVERY.mode, ...PRICING_DELIVERIES.filter((d) => d !== DEFAULT_DELIVERY.mode)])];
  if (deliveries.length === 0) throw new Error('benchPricing needs at least one delivery mode');
  const repetitions = o.repetitions ?? DEFAULT_REPETITIONS;
  const runs = await repeatAlternating(deliveries, repetitions, (delivery, round) => benchOneDelivery(o, delivery, round, log),
    (delivery, round, index, total) => log(`run ${index}/${total}: ${delivery} (round ${round + 1})`));
  const modes: Partial<Record<PricingDelivery, ModeReport>> = {};
  for (const delivery of deliveries) modes[delivery] = summarizeMode(delivery, runs.filter((r) => r.variant === delivery).map((r) => r.result));
  const first = modes[deliveries[0]!]!;
  const complete = Object.values(modes).every((m) => m.missing === 0);
  const report: BenchPricingReport = {
    delivery: first.delivery, eventsPerSec: first.eventsPerSec, latencyMs: first.latencyMs, complete, modes,
    setup: {
      deliveries, repetitions, order: runs.map((r) => r.variant), pricingEnv: o.pricingEnv ?? {}, loadAverage: loadavg(), durationMsPerRate: o.durationMs,
      warmUp: { eventsPerSec: WARM_UP_EVENTS_PER_SEC, durationMs: WARM_UP_MS }, drainTimeoutMs: DRAIN_TIMEOUT_MS, brokers: o.brokers, cpus: cpus().length,
    },
  };
  await mkdir(dirname(o.json), { recursive: true });
  await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(o.json.replace(/(\.json)?$/, '.svg'), latencyChartSvg(report));
  log(formatTable(report));
  if (!complete) throw new Error(`bench pricing: ticks missing after the ${DRAIN_TIMEOUT_MS} ms drain timeout (${Object.values(modes).map((m) => `${m.delivery}: ${m.missing}`).join(', ')}); the report says which phases`);
  return report;
}

async function benchOneDelivery(o: BenchPricingOptions, delivery: PricingDelivery, round: number, log: (line: string) => void): Promise<RunReport> {
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
  const release = cleanUpOnInterrupt(() => runCleanups(cleanups, log));
  try {
    const warmUpEvents = Math.ceil((WARM_UP_EVENTS_PER_SEC * WARM_UP_MS) / 1000);
    const needed = warmUpEvents + rates.reduce((n, r) => n + Math.ceil((r * o.durationMs) / 1000), 0) + throughputEvents;
    const load = syntheticLoad(needed);
    const pool = createPool(databaseUrl, { max: 1 });
    for (const roster of load.rosters) await registerMatch(pool, roster, { provider: 'synthetic', kickOffAt: load.kickOffAt });
    await pool.end();
    log(`bench ${prefix}: ${load.rosters.length} matches, ${load.players} players, ${load.events.length} events generated`);

    // Pricing only looks its schemas up (no writer credentials): the bench registers its prefix's first.
    const serde = createSerde(o.registryUrl, prefix, o.registryAuth);
    await serde.registerAll();
    const pricing = await spawnPricing({ ...o, databaseUrl, prefix, env: { ...o.pricingEnv, PRICING_DELIVERY: delivery }, ...(o.profileDir ? { profileDir: o.profileDir } : {}) });
    const cpuWindow = () => startCpuWindow({ pricing: pricing.pid, driver: process.pid });
    cleanups.unshift(() => pricing.stop());
    const observer = await observe(kafka, serde, prefix);
    cleanups.unshift(() => observer.stop());
    const producer = createProducer(kafka);
    await producer.connect();
    cleanups.unshift(() => producer.disconnect());
    const sender = recordSender(producer, serde, prefix);

    await sendEvents(sender, load.kickOffs);
    await waitUntil(() => observer.initialTicks() >= load.players, DRAIN_TIMEOUT_MS).catch((err: unknown) => {
      throw new Error(`${observer.initialTicks()} of ${load.players} initial ticks seen: ${(err as Error).message}; pricing's last lines:\n${pricing.tail().join('\n')}`);
    });
    const warmUpSlice = load.events.slice(0, warmUpEvents);
    const warm = await runAtRate(sender, observer, warmUpSlice, WARM_UP_EVENTS_PER_SEC, cpuWindow);
    log(`  warm-up ${WARM_UP_EVENTS_PER_SEC} ev/s for ${WARM_UP_MS} ms (visible p99 ${warm.appendToVisibleMs.p99} ms): not counted${warm.missing > 0 ? `, ${warm.missing} ticks MISSING` : ''}`);
    let cursor = warmUpEvents;
    const phases: RatePhase[] = [];
    for (const rate of rates) {
      const slice = load.events.slice(cursor, (cursor += Math.ceil((rate * o.durationMs) / 1000)));
      const phase = await runAtRate(sender, observer, slice, rate, cpuWindow);
      phases.push(phase);
      log(`  ${rate} ev/s: visible p50 ${phase.appendToVisibleMs.p50} ms, p99 ${phase.appendToVisibleMs.p99} ms (append p99 ${phase.appendToAppendMs.p99} ms), pricing ${phase.cpu.processes.pricing?.cores ?? 'n/a'} cores${phase.missing > 0 ? `, ${phase.missing} ticks MISSING` : ''}`);
    }
    const throughput = await runFlatOut(sender, observer, load.events.slice(cursor, cursor + throughputEvents), cpuWindow);
    log(`  flat out: ${Math.round(throughput.eventsPerSec)} events/s priced (appended at ${Math.round(throughput.appendedEventsPerSec)}/s), ${throughput.pricingCpuUsPerEvent} µs pricing CPU per event, cores: pricing ${throughput.cpu.processes.pricing?.cores ?? 'n/a'}, driver ${throughput.cpu.processes.driver?.cores ?? 'n/a'}, machine ${throughput.cpu.machine?.cores ?? 'n/a'}${throughput.missing > 0 ? `, ${throughput.missing} ticks MISSING` : ''}`);
    return {
      delivery, round,
      warmUp: { eventsPerSec: WARM_UP_EVENTS_PER_SEC, durationMs: WARM_UP_MS, events: warm.events, ticked: warm.ticked, missing: warm.missing, appendToVisibleMs: warm.appendToVisibleMs },
      rates: phases,
      throughput,
      setup: { matches: load.rosters.length, players: load.players, topicPrefix: prefix },
    };
  } finally {
    release();
    await runCleanups(cleanups, log);
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

async function runAtRate(sender: RecordSender, observer: Observer, events: readonly MatchEventDraft[], rate: number, cpuWindow: () => { stop(): CpuWindow }): Promise<RatePhase> {
  const cpu = cpuWindow();
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
  const drained = await drain(tracked, observed);
  const cpuUsed = cpu.stop();
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
    targetEventsPerSec: rate, appendedEventsPerSec, events: events.length, ticked: appendToAppend.length, missing: drained.missing,
    appendToAppendMs: percentiles(appendToAppend), appendToVisibleMs: percentiles(appendToVisible), cpu: cpuUsed,
  };
}

/** Waits for every tracked event's tick up to the drain timeout; how many are still missing then (never silently dropped). */
async function drain(tracked: readonly string[], observed: (eventId: string) => boolean): Promise<{ missing: number }> {
  const timedOut = await waitUntil(() => tracked.every(observed), DRAIN_TIMEOUT_MS).then(() => false, () => true);
  return { missing: timedOut ? tracked.filter((eventId) => !observed(eventId)).length : 0 };
}

async function runFlatOut(sender: RecordSender, observer: Observer, events: readonly MatchEventDraft[], cpuWindow: () => { stop(): CpuWindow }): Promise<ThroughputPhase> {
  const cpu = cpuWindow();
  const startedAt = performance.now();
  const chunks: MatchEventDraft[][] = [];
  for (let i = 0; i < events.length; i += FLAT_OUT_CHUNK) chunks.push(events.slice(i, i + FLAT_OUT_CHUNK));
  await Promise.all(Array.from({ length: FLAT_OUT_IN_FLIGHT }, async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await sendEvents(sender, chunk);
  }));
  const appendedEventsPerSec = (events.length * 1000) / (performance.now() - startedAt);
  const tracked = events.filter((e) => e.playerId !== null).map((e) => e.eventId);
  const observed = (eventId: string) => observer.tickOf(eventId) !== undefined && observer.eventAppendedAt(eventId) !== undefined;
  const { missing } = await drain(tracked, observed);
  const cpuUsed = cpu.stop();
  const seen = tracked.filter(observed);
  let firstAppend = Number.POSITIVE_INFINITY;
  let lastTick = 0;
  for (const eventId of seen) {
    firstAppend = Math.min(firstAppend, observer.eventAppendedAt(eventId)!);
    lastTick = Math.max(lastTick, observer.tickOf(eventId)!.appendedAt);
  }
  const durationMs = lastTick - firstAppend;
  const pricingCpuMs = cpuUsed.processes.pricing?.cpuMs ?? Number.NaN;
  return {
    events: tracked.length, ticked: seen.length, missing, eventsPerSec: (seen.length * 1000) / Math.max(1, durationMs), appendedEventsPerSec, durationMs, cpu: cpuUsed,
    pricingCpuUsPerEvent: Math.round((pricingCpuMs * 1000) / Math.max(1, events.length)),
  };
}
