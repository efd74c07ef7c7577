// `inplay bench settlement`: every strategy (the real path and its baselines)
// under the same load, end to end — HTTP POST /orders on the gateway's intake
// -> orders -> settlement (its own process) -> Postgres + outbox ->
// order.results, read back here. Per strategy: latency at fixed offered rates
// (open loop), orders/s flat out (closed loop), a contention phase, and the
// invariant violations after each. Each strategy runs `repetitions` times, the
// order rotating each round; its figures are the median over the runs with
// their range (a difference within the ranges is noise). Writes JSON and an SVG chart.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { createProducer, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { auditPhase, contendedSettlement, type ContentionPhase, type PhaseViolations } from './phases';
import { latencyChartSvg } from './chart';
import { machineCpuMs } from '../shared/proc-cpu';
import { createBenchEnv, processCpuMs, scrapeMetrics, seedMarket, spawnIntake, spawnSettlement, type BenchEnv, type Child } from './harness';
import { createLoadGenerator, observeResults, type LoadGenerator, type ObservedResult, type ResultObserver, type SentOrder } from './load';
import { censoredPercentiles, formatTable, percentiles, steadyRate, sumMetric, type Percentiles } from './report';
import { kafkaCeilings, postgresCeiling, type Ceilings } from './ceilings';
import { settlementStrategy, STRATEGY_NAMES, type StrategyName } from '@inplay/settlement';
import { censoredSpread, DEFAULT_REPETITIONS, formatSpread, repeatAlternating, spreadOf, type Spread } from '../shared/repeat';
import { cleanUpOnInterrupt, runCleanups } from '../shared/interrupt';

export interface BenchSettlementOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  /** The registry writer (the bench registers its prefix's schemas). */
  registryAuth?: RegistryAuth | undefined;
  registryUrl: string;
  /** A database the bench may create and drop databases from (e.g. .../postgres). */
  adminDatabaseUrl: string;
  /** Where the JSON report goes. */
  json: string;
  /** Where the SVG chart goes; default: beside the JSON (.svg). */
  chart?: string;
  users?: number;
  /** Length of each fixed-rate phase. */
  durationMs?: number;
  /** Offered orders/s of the latency phases. */
  rates?: number[];
  /** Length of the flat-out phase. */
  throughputMs?: number;
  strategies?: StrategyName[];
  /** Runs of each strategy, in rotated order (default DEFAULT_REPETITIONS). */
  repetitions?: number;
  /** Other processes whose CPU each phase reports (e.g. the broker, the registry and Postgres of `inplay up`), by name → pid. */
  processes?: Record<string, number>;
  /** Where the intake and settlement processes write V8 CPU profiles (.cpuprofile) when they stop; none by default. */
  profileDir?: string;
  log?: (line: string) => void;
}

export const BENCH_DEFAULTS = {
  users: 200, players: 20, startingCashCents: 1_000_000, durationMs: 6_000, throughputMs: 12_000, rates: [500, 1_000, 2_000, 4_000],
  /** The rate whose latency the report headlines (the issue's 2,000 orders/s). */
  latencyAtOrdersPerSec: 2_000, connections: 128, closedLoopClients: 128, seed: 1, warmUpOrdersPerSec: 300, warmUpMs: 2_000,
} as const;
export const GOALS = { ordersPerSec: 10_000, p99Ms: 50 } as const;
/** Results of a phase still missing after this are counted as violations. */
const DRAIN_TIMEOUT_MS = 30_000;
/** The flat-out rate is counted from this long after the start (connections, batches and JIT warm). */
const RAMP_UP_MS = 2_000;
/** Above this event-loop utilisation the load generator, not the system, may be what limits the numbers. */
const GENERATOR_SATURATED_ELU = 0.9;
/** A generator sending later than this behind its schedule (p99) means the box could not keep the offered rate. */
const PAST_CAPACITY_GENERATOR_LAG_MS = 50;
/** Fewer accepted than this share of the offered orders: past capacity. */
const PAST_CAPACITY_ACCEPTED_SHARE = 0.99;

interface CpuSample { wallMs: number; own: NodeJS.CpuUsage; elu: ReturnType<typeof performance.eventLoopUtilization>; intakeMs: number | null; settlementMs: number | null; machineMs: number; infraMs: Record<string, number | null> }

export interface PhaseReport {
  kind: 'open-loop' | 'flat-out';
  offeredOrdersPerSec: number | null;
  sent: number;
  /** Orders the generator did not send because MAX_IN_FLIGHT_REQUESTS were waiting: the system was past capacity. */
  shed: number;
  /** Answers by HTTP status ("0": failed or shed). */
  answers: Record<string, number>;
  /** Orders answered 202 per second (flat out: over the steady window). */
  acceptedPerSec: number;
  /** Results arriving per second (flat out: steady window; open loop: accepted / duration). */
  resultsPerSec: number;
  resultsPerSecond?: number[];
  /** Order -> result on order.results, from when the order was due to be sent; shed, failed and unanswered orders count as never (Infinity, null in JSON). */
  latencyMs: Percentiles;
  /** The same over the orders that got a result only (what a figure without the misses would say). */
  latencyOfAnsweredMs: Percentiles;
  /** Orders offered that got no result: shed, failed, refused at the door or missing. */
  missed: number;
  /** Shed or missed orders, a generator behind schedule, or fewer accepted than offered: this rate is past what the system does. */
  pastCapacity: boolean;
  /** Where an order's time goes, per stage (ms; the wall clocks of one machine). */
  stagesMs: Record<'httpAccept' | 'placedToAppended' | 'appendedToSettled' | 'settledToResultAppended' | 'resultAppendedToObserved', Percentiles>;
  /** Order -> 202 answer. */
  acceptMs: Percentiles;
  /** How late the generator sent, against its schedule (it falling behind would hide latency otherwise). */
  generatorLagMs: Percentiles;
  /** CPU cores used while sending, per process; machine = every core busy, Kafka and Postgres included; infra = the processes given as `processes` (null: not readable). */
  cpuCores: { loadGenerator: number; intake: number | null; settlement: number | null; machine: number; infra: Record<string, number | null> };
  loadGeneratorEventLoopUtilization: number;
  settlement: { batches: number; avgBatchOrders: number; avgBatchMs: number; retries: number };
  violations: PhaseViolations;
}

/** One run of one strategy. */
export interface StrategyRun {
  correct: boolean;
  ordersPerSec: number;
  latencyMs: Percentiles & { atOrdersPerSec: number };
  violations: number;
  phases: PhaseReport[];
  contention: ContentionPhase;
  final: PhaseViolations;
}

/**
 * A strategy over its runs: `ordersPerSec` and `latencyMs` are medians over the runs, `violations` their
 * sum; `phases`, `contention` and `final` are those of the run whose orders/s is the median (the chart's).
 */
export interface StrategyReport extends StrategyRun {
  spread: { ordersPerSec: Spread; p50Ms: Spread; p99Ms: Spread; contentionOrdersPerSec: Spread };
  runs: { round: number; ordersPerSec: number; latencyMs: Percentiles; violations: number; contentionOrdersPerSec: number }[];
}

/** Combines the runs of one strategy (in the order they ran) into its report. */
export function combineRuns(runs: readonly { round: number; result: StrategyRun }[]): StrategyReport {
  if (runs.length === 0) throw new Error('no runs to combine');
  const results = runs.map((r) => r.result);
  const ordersPerSec = spreadOf(results.map((r) => r.ordersPerSec));
  const p50Ms = censoredSpread(results.map((r) => r.latencyMs.p50));
  const p99Ms = censoredSpread(results.map((r) => r.latencyMs.p99));
  const p999Ms = censoredSpread(results.map((r) => r.latencyMs.p999));
  const contentionOrdersPerSec = spreadOf(results.map((r) => r.contention.ordersPerSec));
  const byThroughput = [...results].sort((a, b) => a.ordersPerSec - b.ordersPerSec);
  const representative = byThroughput[Math.floor((byThroughput.length - 1) / 2)]!;
  return {
    ...representative,
    ordersPerSec: Math.round(ordersPerSec.median),
    latencyMs: { ...representative.latencyMs, p50: p50Ms.median, p99: p99Ms.median, p999: p999Ms.median },
    violations: results.reduce((n, r) => n + r.violations, 0),
    spread: { ordersPerSec, p50Ms, p99Ms, contentionOrdersPerSec },
    runs: runs.map(({ round, result: r }) => ({ round, ordersPerSec: r.ordersPerSec, latencyMs: r.latencyMs, violations: r.violations, contentionOrdersPerSec: r.contention.ordersPerSec })),
  };
}

export async function benchSettlement(o: BenchSettlementOptions) {
  const log = o.log ?? ((line: string) => console.log(line));
  const params = {
    ...BENCH_DEFAULTS, users: o.users ?? BENCH_DEFAULTS.users, durationMs: o.durationMs ?? BENCH_DEFAULTS.durationMs,
    rates: o.rates ?? [...BENCH_DEFAULTS.rates], throughputMs: o.throughputMs ?? BENCH_DEFAULTS.throughputMs,
    strategies: o.strategies ?? [...STRATEGY_NAMES], repetitions: o.repetitions ?? DEFAULT_REPETITIONS,
  };
  const machine = { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', nodeVersion: process.version, platform: `${process.platform}-${process.arch}`, loadAverageAtStart: loadavg() };
  const startedAt = Date.now();
  const ownCpuAtStart = process.cpuUsage();
  log('settlement bench: ceilings (Postgres alone, Kafka round trips with kafkajs and @platformatic/kafka)');
  const ceilings = await measureCeilings(o, params);
  log(`  Postgres settles ${ceilings.postgres.ordersPerSec} orders/s in batches of ${ceilings.postgres.ordersPerTransaction}; Kafka round trip: kafkajs ${ceilings.kafka.kafkajs.roundTripRecordsPerSec}/s, @platformatic/kafka ${ceilings.kafka.platformatic.roundTripRecordsPerSec}/s`);
  const lowerCeiling = Math.min(ceilings.postgres.ordersPerSec, ceilings.kafka.kafkajs.roundTripRecordsPerSec || Number.POSITIVE_INFINITY);
  const runs = await repeatAlternating(params.strategies, params.repetitions, (strategy) => benchStrategy(o, params, strategy, log),
    (strategy, round, index, total) => log(`settlement bench: ${strategy} (run ${index} of ${total}, round ${round + 1} of ${params.repetitions})`));
  const strategies: Record<string, StrategyReport> = Object.fromEntries(params.strategies.map((name) => [name, combineRuns(runs.filter((r) => r.variant === name))]));
  const phases = runs.flatMap((r) => r.result.phases);
  const ownCpu = process.cpuUsage(ownCpuAtStart);
  const loadGenerator = {
    cpuMs: Math.round((ownCpu.user + ownCpu.system) / 1_000),
    maxCoresInAPhase: Math.max(...phases.map((p) => p.cpuCores.loadGenerator)),
    maxEventLoopUtilization: Math.max(...phases.map((p) => p.loadGeneratorEventLoopUtilization)),
    saturated: phases.some((p) => p.loadGeneratorEventLoopUtilization > GENERATOR_SATURATED_ELU),
    note: 'the load generator and the order.results observer share this process; CPU is theirs together',
  };
  const reference = (s: StrategyReport) => s.latencyMs.p99;
  const report = {
    strategies, ceilings,
    /** End-to-end orders/s of each strategy as a fraction of the lower ceiling (Postgres alone, or the kafkajs round trip). */
    fractionOfCeiling: Object.fromEntries(Object.entries(strategies).map(([name, s]) => [name, Math.round((s.ordersPerSec / lowerCeiling) * 1_000) / 1_000])),
    machine, loadGenerator, goals: {
      ...GOALS,
      met: Object.fromEntries(Object.entries(strategies).map(([name, s]) => [name, {
        ordersPerSec: s.ordersPerSec >= GOALS.ordersPerSec, p99: reference(s) <= GOALS.p99Ms, zeroViolations: s.violations === 0,
      }])),
    },
    parameters: { ...params, brokers: o.brokers, registryUrl: o.registryUrl, drainTimeoutMs: DRAIN_TIMEOUT_MS, rampUpMs: RAMP_UP_MS },
    startedAt: new Date(startedAt).toISOString(), elapsedMs: Date.now() - startedAt,
  };
  const chart = o.chart ?? o.json.replace(/(\.json)?$/, '.svg');
  await mkdir(dirname(o.json), { recursive: true });
  await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  await mkdir(dirname(chart), { recursive: true });
  await writeFile(chart, latencyChartSvg(Object.entries(strategies).map(([name, s]) => ({
    name, correct: s.correct,
    points: s.phases.filter((p) => p.kind === 'open-loop').map((p) => ({ ordersPerSec: p.offeredOrdersPerSec ?? 0, p50: p.latencyMs.p50, p99: p.latencyMs.p99 })),
  })), `settlement: order → result latency against load (${machine.cores} cores, broker + DB on the same machine)`));
  log(formatTable(Object.entries(strategies).map(([strategy, s]) => ({
    strategy, correct: s.correct, ordersPerSec: formatSpread(s.spread.ordersPerSec), p50: formatSpread(s.spread.p50Ms), p99: formatSpread(s.spread.p99Ms), p999: s.latencyMs.p999,
    violations: s.violations, contentionOrdersPerSec: formatSpread(s.spread.contentionOrdersPerSec), contentionRetries: s.contention.retries,
  })), params.latencyAtOrdersPerSec));
  if (params.repetitions > 1) log(`median (min–max) over ${params.repetitions} runs of each strategy, in rotated order (∞: a run past capacity, orders without a result); violations summed over the runs`);
  log(`load generator: ${loadGenerator.cpuMs} ms CPU in total, at most ${loadGenerator.maxCoresInAPhase} cores and event-loop utilisation ${loadGenerator.maxEventLoopUtilization} in a phase`
    + (loadGenerator.saturated ? ' — SATURATED: the numbers may be the generator\'s limit, not the system\'s' : ' (not saturated)'));
  log(`wrote ${o.json} and ${chart}`);
  return report;
}

/** The ceilings in an environment of their own (topics, database, market), dropped after. */
async function measureCeilings(o: BenchSettlementOptions, params: Params): Promise<Ceilings> {
  const env = await createBenchEnv(o);
  const release = cleanUpOnInterrupt(() => env.cleanup());
  try {
    const market = await seedMarket(env, { players: params.players, users: params.users, cashCents: params.startingCashCents, jwtSecret: randomBytes(32).toString('hex'), userPrefix: 'ceil' });
    return { postgres: await postgresCeiling(env, market), kafka: await kafkaCeilings(env, market, o) };
  } finally {
    release();
    await env.cleanup();
  }
}

type Params = Omit<typeof BENCH_DEFAULTS, 'users' | 'durationMs' | 'rates' | 'throughputMs'> & { users: number; durationMs: number; rates: number[]; throughputMs: number; repetitions: number };

async function benchStrategy(o: BenchSettlementOptions, params: Params, strategy: StrategyName, log: (line: string) => void): Promise<StrategyRun> {
  const jwtSecret = randomBytes(32).toString('hex');
  const env = await createBenchEnv(o);
  const cleanups: (() => Promise<unknown>)[] = [() => env.cleanup()];
  const release = cleanUpOnInterrupt(() => runCleanups(cleanups, log));
  try {
    const market = await seedMarket(env, { players: params.players, users: params.users, cashCents: params.startingCashCents, jwtSecret });
    const settlement = await spawnSettlement({ ...o, strategy }, env);
    cleanups.unshift(() => settlement.stop());
    const intake = await spawnIntake({ ...o, jwtSecret }, env);
    cleanups.unshift(() => intake.stop());
    const deadLetters = createProducer(env.kafka);
    await deadLetters.connect();
    cleanups.unshift(() => deadLetters.disconnect());
    const observer = await observeResults(env.kafka, env.serde, deadLetters, env.prefix);
    cleanups.unshift(() => observer.stop());
    const load = createLoadGenerator({ url: intake.url, users: market.users, players: market.players, connections: params.connections, seed: params.seed });
    cleanups.unshift(() => load.close());
    const run = { env, observer, load, intake, settlement, processes: o.processes ?? {} };
    const guard = <T>(work: Promise<T>) => Promise.race([work, settlement.died, intake.died]);

    await guard(drain(observer, await load.openLoop(params.warmUpOrdersPerSec, params.warmUpMs, 'warm')));
    const phases: PhaseReport[] = [];
    for (const rate of params.rates) {
      phases.push(await guard(runPhase(run, 'open-loop', rate, () => load.openLoop(rate, params.durationMs, `r${rate}`))));
      const p = phases.at(-1)!;
      const stage = (name: keyof PhaseReport['stagesMs']) => `${p.stagesMs[name].p50}/${p.stagesMs[name].p99}`;
      log(`  ${rate} orders/s: p50 ${p.latencyMs.p50} ms, p99 ${p.latencyMs.p99} ms, p99.9 ${p.latencyMs.p999} ms${p.pastCapacity ? ` — PAST CAPACITY (${p.shed} shed, ${p.missed} without a result)` : ''}, violations ${p.violations.violations}`);
      log(`    CPU cores: intake ${p.cpuCores.intake}, settlement ${p.cpuCores.settlement}, load generator ${p.cpuCores.loadGenerator}${Object.entries(p.cpuCores.infra).map(([name, cores]) => `, ${name} ${cores}`).join('')}, machine ${p.cpuCores.machine}`);
      log(`    stages p50/p99 ms: HTTP accept ${stage('httpAccept')}, placed→on orders ${stage('placedToAppended')}, →settled ${stage('appendedToSettled')}, →result on order.results ${stage('settledToResultAppended')}, →observed ${stage('resultAppendedToObserved')}; settlement batches of ${p.settlement.avgBatchOrders} orders`);
    }
    const flatOut = await guard(runPhase(run, 'flat-out', null, () => load.closedLoop(params.closedLoopClients, params.throughputMs, 'flat')));
    phases.push(flatOut);
    log(`  flat out: ${flatOut.resultsPerSec} results/s (${flatOut.acceptedPerSec} accepted/s), settlement batches of ${flatOut.settlement.avgBatchOrders} orders`);
    const contention = await guard(contendedSettlement(env.pool, strategy, market.players[0]!, env.prefix));
    log(`  contention: ${contention.ordersPerSec} orders/s, ${contention.retries} retries, overspent ${contention.overspentCents} cents`);
    const final = await auditPhase(env.pool, [], observer);
    const perPhase = phases.reduce((n, p) => n + p.violations.acceptedWithoutOrderRow + p.violations.acceptedWithoutResult + p.violations.conflictingResults, 0);
    const reference = phases.filter((p) => p.kind === 'open-loop')
      .sort((a, b) => Math.abs((a.offeredOrdersPerSec ?? 0) - params.latencyAtOrdersPerSec) - Math.abs((b.offeredOrdersPerSec ?? 0) - params.latencyAtOrdersPerSec))[0];
    return {
      correct: settlementStrategy(strategy).correct,
      ordersPerSec: flatOut.resultsPerSec,
      latencyMs: { ...(reference?.latencyMs ?? percentiles([])), atOrdersPerSec: reference?.offeredOrdersPerSec ?? 0 },
      violations: perPhase + final.ledger.violations + final.cashVsFills,
      phases, contention, final,
    };
  } finally {
    release();
    await runCleanups(cleanups, log);
  }
}

interface Run { env: BenchEnv; observer: ResultObserver; load: LoadGenerator; intake: Child; settlement: Child & { metricsUrl: string }; processes: Record<string, number> }

function sampleCpu(run: Run): CpuSample {
  return {
    wallMs: performance.now(), own: process.cpuUsage(), elu: performance.eventLoopUtilization(),
    intakeMs: processCpuMs(run.intake.pid), settlementMs: processCpuMs(run.settlement.pid), machineMs: machineCpuMs()?.busyMs ?? 0,
    infraMs: Object.fromEntries(Object.entries(run.processes).map(([name, pid]) => [name, processCpuMs(pid)])),
  };
}

async function runPhase(run: Run, kind: PhaseReport['kind'], offered: number | null, generate: () => Promise<SentOrder[]>): Promise<PhaseReport> {
  const metricsBefore = await scrapeMetrics(run.settlement.metricsUrl);
  const before = sampleCpu(run);
  const sent = await generate();
  const after = sampleCpu(run);
  const accepted = sent.filter((s): s is SentOrder & { orderId: string } => s.status === 202 && s.orderId !== null);
  await drain(run.observer, accepted);
  const metricsAfter = await scrapeMetrics(run.settlement.metricsUrl);
  const violations = await auditPhase(run.env.pool, accepted.map((s) => s.orderId), run.observer);
  const delta = (name: string) => sumMetric(metricsAfter, name) - sumMetric(metricsBefore, name);
  const wallMs = after.wallMs - before.wallMs;
  const cores = (ms: number | null, msBefore: number | null) => (ms === null || msBefore === null ? null : round2((ms - msBefore) / wallMs));
  const own = process.cpuUsage(before.own);
  const received = accepted.map((s) => ({ order: s, result: run.observer.get(s.orderId) }));
  const windowFrom = before.wallMs + (kind === 'flat-out' ? RAMP_UP_MS : 0);
  const results = steadyRate(received.flatMap((r) => (r.result ? [r.result.receivedAt] : [])), windowFrom, after.wallMs);
  const acceptedRate = steadyRate(accepted.map((s) => s.answeredAt), windowFrom, after.wallMs);
  const batches = delta('inplay_settlement_batch_orders_count');
  const answeredLatencies = received.flatMap((r) => (r.result ? [r.result.receivedAt - r.order.intendedAt] : []));
  const generatorLag = percentiles(sent.map((s) => s.sentAt - s.intendedAt));
  return {
    kind, offeredOrdersPerSec: offered, sent: sent.length, shed: sent.filter((s) => s.shed).length,
    answers: sent.reduce<Record<string, number>>((m, s) => ({ ...m, [s.status]: (m[s.status] ?? 0) + 1 }), {}),
    acceptedPerSec: kind === 'flat-out' ? acceptedRate.perSec : Math.round((accepted.length * 1_000) / wallMs),
    resultsPerSec: kind === 'flat-out' ? results.perSec : Math.round((received.filter((r) => r.result).length * 1_000) / wallMs),
    ...(kind === 'flat-out' ? { resultsPerSecond: results.perSecond } : {}),
    latencyMs: censoredPercentiles(answeredLatencies, sent.length - answeredLatencies.length),
    latencyOfAnsweredMs: percentiles(answeredLatencies),
    missed: sent.length - answeredLatencies.length,
    pastCapacity: sent.length - answeredLatencies.length > 0 || generatorLag.p99 > PAST_CAPACITY_GENERATOR_LAG_MS
      || (offered !== null && accepted.length < PAST_CAPACITY_ACCEPTED_SHARE * sent.length),
    stagesMs: stagesOf(received, run.observer),
    acceptMs: percentiles(accepted.map((s) => s.answeredAt - s.intendedAt)),
    generatorLagMs: generatorLag,
    cpuCores: {
      loadGenerator: round2((own.user + own.system) / 1_000 / wallMs),
      intake: cores(after.intakeMs, before.intakeMs), settlement: cores(after.settlementMs, before.settlementMs),
      machine: round2((after.machineMs - before.machineMs) / wallMs),
      infra: Object.fromEntries(Object.keys(run.processes).map((name) => [name, cores(after.infraMs[name] ?? null, before.infraMs[name] ?? null)])),
    },
    loadGeneratorEventLoopUtilization: round2(performance.eventLoopUtilization(after.elu, before.elu).utilization),
    settlement: {
      batches, avgBatchOrders: round2(delta('inplay_settlement_batch_orders_sum') / Math.max(1, batches)),
      avgBatchMs: round2(delta('inplay_settlement_batch_duration_ms_sum') / Math.max(1, delta('inplay_settlement_batch_duration_ms_count'))),
      retries: delta('inplay_settlement_batch_retries_total'),
    },
    violations,
  };
}

/** The per-stage breakdown of the orders that got a result. */
function stagesOf(received: { order: SentOrder & { orderId: string }; result: ObservedResult | undefined }[], observer: ResultObserver): PhaseReport['stagesMs'] {
  const done = received.flatMap((r) => (r.result ? [{ ...r, result: r.result, appendedAt: observer.orderAppendedAt(r.order.orderId) }] : []));
  const withAppend = done.flatMap((d) => (d.appendedAt === undefined ? [] : [{ ...d, appendedAt: d.appendedAt }]));
  return {
    httpAccept: percentiles(done.map((d) => d.order.answeredAt - d.order.sentAt)),
    placedToAppended: percentiles(withAppend.map((d) => d.appendedAt - d.result.placedAt)),
    appendedToSettled: percentiles(withAppend.map((d) => d.result.settledAt - d.appendedAt)),
    settledToResultAppended: percentiles(done.map((d) => d.result.resultAppendedAt - d.result.settledAt)),
    resultAppendedToObserved: percentiles(done.map((d) => d.result.receivedWallMs - d.result.resultAppendedAt)),
  };
}

/** Waits until every accepted order's result has arrived, or DRAIN_TIMEOUT_MS (the rest count as missing). */
async function drain(observer: ResultObserver, sent: readonly SentOrder[]): Promise<void> {
  const ids = sent.flatMap((s) => (s.status === 202 && s.orderId ? [s.orderId] : []));
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  let next = 0;
  while (performance.now() < deadline) {
    while (next < ids.length && observer.get(ids[next]!)) next++;
    if (next === ids.length) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;
