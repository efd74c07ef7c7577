// `inplay bench replay`: the audit's throughput on a larger recorded history
// (goal: ≥ 150,000 events/s, equal: true). Records a history with real
// settlement into topics and a database of its own ONCE, then replays and
// proves it with the streaming pipeline and with the sequential one (the
// baseline), alternating, `repetitions` times each; CPU of the driver (and of
// the infrastructure's processes it is given) read from /proc. Prints a table
// and writes the JSON report with a chart (SVG) beside it.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKafka, createSerde, ensureTopics, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { createDatabase, createPool, dropDatabase, migrate } from '@inplay/db';
import type { IsolatedEnv } from '@inplay/testing';
import { REPLAY_PIPELINES, runReplayAudit, type ReplayAuditReport, type ReplayPipeline } from '@inplay/audit';
import { recordHistory } from './history';
import { replayChartSvg } from './chart';
import { DEFAULT_REPETITIONS, formatSpread, repeatAlternating, spreadOf, spreadOfRuns, type RepeatedRun, type Spread } from '../shared/repeat';
import { startCpuWindow, type CpuWindow } from '../shared/proc-cpu';
import { cleanUpOnInterrupt } from '../shared/interrupt';

/** Issue 18's goal for the audit replay. */
export const REPLAY_GOAL_EVENTS_PER_SEC = 150_000;
export const REPLAY_BENCH_DEFAULTS = { orders: 60_000, users: 2_000, ticksPerPlayer: 5_000, players: 40 } as const;

export interface BenchReplayOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  /** The registry writer (the bench registers its prefix's schemas). */
  registryAuth?: RegistryAuth | undefined;
  registryUrl: string;
  adminDatabaseUrl: string;
  json: string;
  orders?: number;
  users?: number;
  ticksPerPlayer?: number;
  repetitions?: number;
  /** Processes besides this one whose CPU the driver reads from /proc (the broker, say): name → pid. */
  processes?: Record<string, number>;
  log?: (line: string) => void;
}

interface RunResult {
  report: ReplayAuditReport;
  cpu: CpuWindow;
}

export interface ReplayVariantSummary {
  eventsPerSec: Spread;
  durationMs: Spread;
  driverCpuMs: Spread;
  machineCores: Spread;
  equal: boolean;
  discrepancies: number[];
  /** Median duration of each stage over the runs. */
  phasesMs: Record<string, number>;
  /** Stage spans of the run with the median duration. */
  medianRunSpansMs: Record<string, [number, number]>;
  medianRunDurationMs: number;
}

export function summarise(runs: readonly RepeatedRun<ReplayPipeline, RunResult>[], variant: ReplayPipeline): ReplayVariantSummary {
  const mine = runs.filter((r) => r.variant === variant).map((r) => r.result);
  const durationMs = spreadOfRuns(runs, variant, (r) => r.report.durationMs);
  const medianRun = [...mine].sort((a, b) => Math.abs(a.report.durationMs - durationMs.median) - Math.abs(b.report.durationMs - durationMs.median))[0]!;
  const phases = [...new Set(mine.flatMap((r) => Object.keys(r.report.phasesMs)))];
  return {
    eventsPerSec: spreadOfRuns(runs, variant, (r) => r.report.eventsPerSec),
    durationMs,
    driverCpuMs: spreadOfRuns(runs, variant, (r) => r.cpu.processes['driver']?.cpuMs ?? Number.NaN),
    machineCores: spreadOfRuns(runs, variant, (r) => r.cpu.machine?.cores ?? Number.NaN),
    equal: mine.every((r) => r.report.equal),
    discrepancies: mine.map((r) => r.report.discrepancies.length),
    phasesMs: Object.fromEntries(phases.map((p) => [p, spreadOf(mine.map((r) => r.report.phasesMs[p] ?? Number.NaN)).median])),
    medianRunSpansMs: medianRun.report.phaseSpansMs,
    medianRunDurationMs: medianRun.report.durationMs,
  };
}

export async function benchReplay(o: BenchReplayOptions): Promise<{ eventsPerSec: number; events: number; equal: boolean }> {
  const log = o.log ?? console.log;
  const repetitions = o.repetitions ?? DEFAULT_REPETITIONS;
  const id = randomBytes(4).toString('hex');
  const prefix = `bench-replay-${id}-`;
  const kafka = createKafka({ brokers: o.brokers, ...o.kafkaSecurity, clientId: `bench-replay-${id}` });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, prefix);
  const databaseUrl = await createDatabase(o.adminDatabaseUrl, `bench_replay_${id}`);
  await migrate(databaseUrl);
  const serde = createSerde(o.registryUrl, prefix, o.registryAuth);
  await serde.registerAll();
  const env = { infra: { kafkaBrokers: o.brokers, ...(o.kafkaSecurity ? { kafkaSecurity: o.kafkaSecurity } : {}), schemaRegistryUrl: o.registryUrl, databaseUrl, adminDatabaseUrl: o.adminDatabaseUrl }, prefix, kafka, kafkaSecurity: o.kafkaSecurity ?? {}, serde, databaseUrl, cleanup: async () => undefined } as IsolatedEnv;
  const pool = createPool(databaseUrl, { max: 4 });
  const dropTopicsAndDatabase = async (): Promise<void> => {
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(prefix)) }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(o.adminDatabaseUrl, `bench_replay_${id}`).catch(() => undefined);
  };
  const release = cleanUpOnInterrupt(async () => { await pool.end(); await dropTopicsAndDatabase(); });
  const shape = { users: o.users ?? REPLAY_BENCH_DEFAULTS.users, players: REPLAY_BENCH_DEFAULTS.players, ticksPerPlayer: o.ticksPerPlayer ?? REPLAY_BENCH_DEFAULTS.ticksPerPlayer, orders: o.orders ?? REPLAY_BENCH_DEFAULTS.orders };
  try {
    log(`recording a history once: ${shape.orders} orders, ${shape.users} users, ${shape.ticksPerPlayer * shape.players} ticks...`);
    const settlement = await recordHistory(env, pool, { ...shape, seed: 'bench' });
    await settlement.stop();
    const variants = REPLAY_PIPELINES;
    const runs = await repeatAlternating(variants, repetitions, async (pipeline) => {
      const cpu = startCpuWindow({ driver: process.pid, ...o.processes });
      const report = await runReplayAudit({
        brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, adminDatabaseUrl: o.adminDatabaseUrl, liveDatabaseUrl: databaseUrl,
        topicPrefix: prefix, dropRebuiltDatabase: true, progressOut: null, verdictOut: null, pipeline,
      });
      const window = cpu.stop();
      log(`  ${pipeline}: ${report.events.total} events in ${report.durationMs} ms = ${report.eventsPerSec} events/s; equal: ${report.equal}; driver CPU ${window.processes['driver']?.cpuMs ?? '?'} ms; phases ${JSON.stringify(report.phasesMs)}`);
      return { report, cpu: window };
    }, (variant, round, index, total) => log(`run ${index}/${total}: ${variant} (round ${round + 1})`));
    const summaries = Object.fromEntries(variants.map((v) => [v, summarise(runs, v)])) as Record<ReplayPipeline, ReplayVariantSummary>;
    const best = summaries.streaming;
    const base = summaries.sequential;
    const events = runs[0]!.result.report.events;
    const equal = Object.values(summaries).every((s) => s.equal);
    const speedup = Math.round((best.eventsPerSec.median / base.eventsPerSec.median) * 100) / 100;

    const table = [
      ['pipeline', 'events/s', 'duration ms', 'driver CPU ms', 'machine cores', 'equal', ...Object.keys(best.phasesMs).map((p) => `${p} ms`)],
      ...variants.map((v) => {
        const s = summaries[v];
        return [v, formatSpread(s.eventsPerSec), formatSpread(s.durationMs), formatSpread(s.driverCpuMs), formatSpread(s.machineCores, 2), String(s.equal), ...Object.keys(best.phasesMs).map((p) => String(s.phasesMs[p] ?? '-'))];
      }),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    log(`\naudit replay, ${events.total} events (orders ${events.orders}, results ${events.results}, ticks ${events.ticks}, genesis ${events.genesis}), ${repetitions} runs each, median (min–max):`);
    for (const row of table) log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    log(`streaming / sequential: ${speedup}×; goal ${REPLAY_GOAL_EVENTS_PER_SEC} events/s ${best.eventsPerSec.median >= REPLAY_GOAL_EVENTS_PER_SEC ? 'reached' : 'NOT reached'}; equal: ${equal}`);

    mkdirSync(dirname(o.json), { recursive: true });
    writeFileSync(o.json, `${JSON.stringify({
      eventsPerSec: best.eventsPerSec.median, equal, events, repetitions, goalEventsPerSec: REPLAY_GOAL_EVENTS_PER_SEC,
      goalReached: best.eventsPerSec.median >= REPLAY_GOAL_EVENTS_PER_SEC, speedupOverSequential: speedup, history: shape, variants: summaries,
      runs: runs.map((r) => ({ pipeline: r.variant, round: r.round, eventsPerSec: r.result.report.eventsPerSec, durationMs: r.result.report.durationMs, equal: r.result.report.equal,
        discrepancies: r.result.report.discrepancies.length, phasesMs: r.result.report.phasesMs, phaseSpansMs: r.result.report.phaseSpansMs, cpu: r.result.cpu })),
    }, null, 2)}\n`);
    const svg = o.json.replace(/\.json$/, '') + '.svg';
    writeFileSync(svg, replayChartSvg(variants.map((v) => ({
      name: v, equal: summaries[v].equal, eventsPerSec: summaries[v].eventsPerSec, spans: summaries[v].medianRunSpansMs, durationMs: summaries[v].medianRunDurationMs,
    })), REPLAY_GOAL_EVENTS_PER_SEC, `inplay replay: ${events.total.toLocaleString('en-US')} events, ${repetitions} runs per pipeline`));
    log(`wrote ${o.json} and ${svg}`);
    return { eventsPerSec: best.eventsPerSec.median, events: events.total, equal };
  } finally {
    release();
    await pool.end();
    await dropTopicsAndDatabase();
  }
}
