// `inplay fairness`: the latency-arbitrage experiment for every seed, speed
// and policy (policies rotated per seed, several runs at once where the speed
// is low), each run wired to the audit replay and the anomaly report; per
// speed a table of medians and ranges with a noise verdict, the CPU of the
// driver and the machine, the report as JSON and a chart beside it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { anomalyReport, runReplayAudit } from '@inplay/audit';
import { DEFAULT_HONEST_MEAN_INTERVAL_MS, DEFAULT_SELL_AFTER_FEED_MS, type FairnessPolicyConfig, type FairnessPolicyName } from '@inplay/domain';
import { isKafkaUnavailable, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { textTable } from '@inplay/telemetry';
import { startCpuWindow, type CpuWindow } from '../shared/proc-cpu';
import { formatSpread, type Spread } from '../shared/repeat';
import { fairnessChartSvg } from './chart';
import { experimentSetup, loadExperimentMatch, runFairnessPolicy, type ExperimentOptions, type ExperimentReport } from './experiment';
import { EXPERIMENT_FEED_JITTER_MS, EXPERIMENT_FEED_LAG_MS } from './policies';
import {
  aggregateSweep, noiseVerdicts, planSweep, runLimited, speedEffects, speedKey, SWEEP_FIGURES, type FigureSpreads, type SweepFigure, type SweepRun, type Verdict,
} from './sweep';

export interface FairnessRunOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  registryAuth?: RegistryAuth;
  adminDatabaseUrl: string;
  /** Where the JSON report goes; the chart beside it (.svg). */
  json: string;
  policies: { name: FairnessPolicyName; config: FairnessPolicyConfig }[];
  speeds: number[];
  seeds: number[];
  /** Runs at once per speed (1: one after another). */
  concurrency: Record<number, number>;
  honestUsers: number;
  frontRunMs: number;
  untilMinute?: number;
  keep: boolean;
  /** Other processes whose CPU is read from /proc over each speed's runs (Kafka, Postgres), beside this one's and the machine's. */
  cpuPids?: Record<string, number>;
}

/** CPU over one speed's runs: this process (pricing, settlement and the traders of every run), the named infrastructure and the machine; and the event loop's delay. */
export interface SpeedCpu extends CpuWindow {
  concurrency: number;
  /** Event-loop delay of this process (ms of wall time); × speed is what a stall costs in match time. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

export interface FairnessSweepReport {
  match: ExperimentReport['match'];
  setup: Omit<ExperimentReport['setup'], 'speed' | 'seed' | 'pendingGraceMs'> & { pendingGraceMs: Record<string, number>; speeds: number[]; seeds: number[]; concurrency: Record<string, number>; policies: string[]; baseline: string };
  /** `policies[policy][speed]`: median and range over the seeds of each figure (null values: run without that figure). */
  policies: Record<string, Record<string, FigureSpreads>>;
  /** `verdicts[speed][figure][policy]`: against the baseline, 'differs' only where the ranges do not overlap. */
  verdicts: Record<string, Record<SweepFigure, Record<string, Verdict>>>;
  /** Per policy and figure: slowest against fastest speed. */
  speedEffects: ReturnType<typeof speedEffects>;
  cpu: Record<string, SpeedCpu>;
  wallSeconds: Record<string, number>;
  /** Every run in launch order. */
  runs: (SweepRun & { launched: number })[];
  /** Each failure of a run on a transient Kafka error after which it ran again from scratch (its figures are the last attempt's). */
  retried: { speed: number; seed: number; policy: string; error: string }[];
}

export const FAIRNESS_BASELINE_POLICY = 'none';
/** A run that fails on a transient Kafka error is tried at most this many times in all, this long apart. */
const RUN_ATTEMPTS = 3;
const RUN_RETRY_PAUSE_MS = 10_000;

export async function runFairness(o: FairnessRunOptions): Promise<FairnessSweepReport> {
  const tty = process.stderr.isTTY;
  const say = (line: string) => { if (tty) process.stderr.write('\r\x1b[2K'); console.error(line); };
  const raw = await loadExperimentMatch();
  const jobs = planSweep({ speeds: o.speeds, seeds: o.seeds, policies: o.policies.map((p) => p.name) });
  const configOf = new Map(o.policies.map((p) => [p.name as string, p.config]));
  const base = (speed: number, seed: number): ExperimentOptions => ({
    brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, ...(o.registryAuth ? { registryAuth: o.registryAuth } : {}), adminDatabaseUrl: o.adminDatabaseUrl,
    policies: o.policies, speed, honestUsers: o.honestUsers, honestMeanIntervalMs: DEFAULT_HONEST_MEAN_INTERVAL_MS, frontRunMs: o.frontRunMs, sellAfterFeedMs: DEFAULT_SELL_AFTER_FEED_MS,
    feedLagMs: EXPERIMENT_FEED_LAG_MS, feedLagJitterMs: EXPERIMENT_FEED_JITTER_MS, seed, keep: o.keep,
    ...(o.untilMinute !== undefined ? { untilMinute: o.untilMinute } : {}),
    audit: async (run) => {
      const r = await runReplayAudit({ ...run, adminDatabaseUrl: o.adminDatabaseUrl, liveDatabaseUrl: run.databaseUrl, dropRebuiltDatabase: true, progressOut: null, verdictOut: null });
      return { equal: r.equal, discrepancies: r.discrepancies.length };
    },
    rankUsers: async (run) => (await anomalyReport(run)).users.map((u) => u.userId),
  });
  const runs: FairnessSweepReport['runs'] = [];
  const retried: FairnessSweepReport['retried'] = [];
  const cpu: FairnessSweepReport['cpu'] = {};
  const wallSeconds: FairnessSweepReport['wallSeconds'] = {};
  let match: ExperimentReport['match'] | undefined;
  const sweepStarted = performance.now();
  let report: FairnessSweepReport | undefined;
  for (const speed of o.speeds) {
    const mine = jobs.filter((j) => j.speed === speed);
    const concurrency = o.concurrency[speed] ?? 1;
    say(`${speedKey(speed)}: ${mine.length} runs (${o.seeds.length} seeds × ${o.policies.length} policies), ${concurrency} at once`);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const window = startCpuWindow({ driver: process.pid, ...o.cpuPids });
    const started = performance.now();
    await runLimited(mine, concurrency, async (job) => {
      const launched = Math.round((performance.now() - sweepStarted) / 100) / 10;
      const label = `${speedKey(speed)} seed ${job.seed} ${job.policy}`;
      const attempt = () => runFairnessPolicy({ ...base(speed, job.seed), log: (line) => say(line.replace(`[${job.policy}]`, `[${label}]`)) }, { name: job.policy, config: configOf.get(job.policy)! }, raw);
      // A transient Kafka error (a partition briefly without a leader while other runs create and delete topics) costs
      // that attempt, not the sweep: the run starts again from scratch on topics and a database of its own, and the report lists it.
      const { match: m, result } = await (async function tryRun(tries: number): Promise<Awaited<ReturnType<typeof attempt>>> {
        try {
          return await attempt();
        } catch (err) {
          if (!isTransientKafkaError(err) || tries >= RUN_ATTEMPTS) throw err;
          retried.push({ ...job, error: (err as Error).message });
          say(`[${label}] ${(err as Error).message}: running it again from scratch in ${RUN_RETRY_PAUSE_MS / 1000} s (attempt ${tries + 1} of ${RUN_ATTEMPTS})`);
          await new Promise((r) => setTimeout(r, RUN_RETRY_PAUSE_MS));
          return tryRun(tries + 1);
        }
      })(1);
      match = m;
      runs.push({ ...job, launched, outcome: result });
    });
    loop.disable();
    cpu[speedKey(speed)] = {
      ...window.stop(), concurrency,
      eventLoopDelayMs: { p50: round1(loop.percentile(50) / 1e6), p99: round1(loop.percentile(99) / 1e6), max: round1(loop.max / 1e6) },
    };
    wallSeconds[speedKey(speed)] = Math.round((performance.now() - started) / 1000);
    say(formatCpu(speed, cpu[speedKey(speed)]!));
    // The report so far after each speed: a sweep cut short keeps the speeds it finished.
    report = await writeReport(o, o.speeds.slice(0, o.speeds.indexOf(speed) + 1), { match: match!, runs, retried, cpu, wallSeconds, setupOf: (s) => experimentSetup(base(s, o.seeds[0]!)) });
  }
  console.log(formatFairnessTable(report!));
  return report!;
}

async function writeReport(
  o: FairnessRunOptions, speeds: number[],
  done: { match: ExperimentReport['match']; runs: FairnessSweepReport['runs']; retried: FairnessSweepReport['retried']; cpu: FairnessSweepReport['cpu']; wallSeconds: FairnessSweepReport['wallSeconds']; setupOf: (speed: number) => ExperimentReport['setup'] },
): Promise<FairnessSweepReport> {
  const runs = [...done.runs].sort((a, b) => a.launched - b.launched);
  const policies = aggregateSweep(runs);
  const baseline = o.policies.some((p) => p.name === FAIRNESS_BASELINE_POLICY) ? FAIRNESS_BASELINE_POLICY : o.policies[0]!.name;
  const { speed: _s, seed: _seed, pendingGraceMs: _g, ...setup } = done.setupOf(speeds[0]!);
  const report: FairnessSweepReport = {
    match: done.match,
    setup: {
      ...setup, pendingGraceMs: Object.fromEntries(speeds.map((s) => [speedKey(s), done.setupOf(s).pendingGraceMs])), speeds, seeds: o.seeds,
      concurrency: Object.fromEntries(speeds.map((s) => [speedKey(s), o.concurrency[s] ?? 1])), policies: o.policies.map((p) => p.name), baseline,
    },
    policies, verdicts: noiseVerdicts(policies, baseline), speedEffects: speedEffects(policies, speeds), cpu: done.cpu, wallSeconds: done.wallSeconds, runs, retried: done.retried,
  };
  await mkdir(dirname(o.json), { recursive: true });
  await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(o.json.replace(/(\.json)?$/, '.svg'), fairnessChartSvg(report));
  return report;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** libs/kafka's isKafkaUnavailable, also for such an error wrapped by the run (cause / originalError). */
export function isTransientKafkaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = (e as Error & { cause?: unknown; originalError?: unknown }).originalError ?? e.cause, depth++) {
    if (isKafkaUnavailable(e)) return true;
  }
  return false;
}

function formatCpu(speed: number, c: SpeedCpu): string {
  const procs = Object.entries(c.processes).map(([name, p]) => `${name} ${p ? p.cores.toFixed(2) : '?'}`).join(', ');
  return `${speedKey(speed)}: ${Math.round(c.wallMs / 1000)} s wall, ${c.concurrency} at once; cores busy: ${procs}, machine ${c.machine ? c.machine.cores.toFixed(2) : '?'}; event-loop delay p99 ${c.eventLoopDelayMs.p99} ms (${Math.round(c.eventLoopDelayMs.p99 * speed)} ms of match time)`;
}

const FIGURE_CELLS: Record<SweepFigure, (s: Spread) => string> = {
  frontRunnerPnl: (s) => formatSpread(scaled(s, 0.01), 2),
  honestFillRate: (s) => formatSpread(scaled(s, 100), 1),
  honestMedianTimeToFillMs: (s) => formatSpread(scaled(s, 0.001), 1),
  frontRunnerRank: (s) => formatSpread(s, 0),
};

function scaled(s: Spread, k: number): Spread {
  return { ...s, median: s.median * k, min: s.min * k, max: s.max * k, values: s.values.map((v) => v * k) };
}

/** Per speed: each figure's median (min–max) over the seeds, "noise" where it does not differ from the baseline beyond the spread. */
export function formatFairnessTable(report: FairnessSweepReport): string {
  const header = ['speed', 'policy', 'front-runner P&L €', 'honest fill rate %', 'honest median fill s', 'FR anomaly rank', 'ledger ok', 'audit equal', 'seeds'];
  const rows: string[][] = [];
  for (const speed of report.setup.speeds) {
    const key = speedKey(speed);
    for (const [policy, bySpeed] of Object.entries(report.policies)) {
      const spreads = bySpeed[key];
      if (!spreads) continue;
      const mine = report.runs.filter((r) => r.policy === policy && r.speed === speed);
      const cell = (f: SweepFigure) => {
        const verdict = report.verdicts[key]?.[f]?.[policy];
        return `${FIGURE_CELLS[f](spreads[f])}${verdict === 'noise' ? ' noise' : verdict === 'differs' ? ' ≠' : ''}`;
      };
      rows.push([key, policy, ...SWEEP_FIGURES.map(cell), `${mine.filter((r) => r.outcome.ledgerViolations === 0).length}/${mine.length}`,
        `${mine.filter((r) => r.outcome.auditEqual).length}/${mine.length}`, String(mine.length)]);
    }
  }
  return [
    `${report.match.provider} match ${report.match.providerMatchId}: ${report.match.events} events, ${report.match.goals} goals, ${report.match.minutes} min; ${report.setup.honestUsers} honest users, front-runner ${report.setup.frontRunMs / 1000} s ahead of the feed`,
    `median (min–max) over seeds ${report.setup.seeds.join(', ')}; against ${report.setup.baseline} at the same speed: "≠" ranges apart, "noise" ranges overlap (no mark: baseline, or under 3 runs with the figure)`,
    ...textTable(header, rows, { rule: true }),
  ].join('\n');
}
