// `inplay bench fanout`: N WebSocket clients, each on `subs` of P players,
// ticks appended to Kafka at R/s; the real uWS gateway and a `ws` baseline at
// the same loads (N/4, N/2, N), each in processes of its own. Measures tick
// append (broker LogAppendTime) -> client receipt, delivered against due
// messages, connections held, gateway memory per connection and every
// process's CPU; writes JSON, an SVG chart and prints a table.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { TOPICS } from '@inplay/contracts';
import { createKafka, createSerde, topicName, waitForGroupCoordinator, type Kafka, kafkaSecurityEnv, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { latencyChartSvg } from './chart';
import { freePort, spawnChild, type Child } from './children';
import { connectionRange, connectionSteps, dueMessagesPerSec, gatewayProcessesFor, loadProcessesFor, sourceAddress, tickOf } from './fanout-plan';
import type { AppendedBatch, GatewayIn, GatewayOut, GatewaySample, LoadClientKind, LoadIn, LoadOut, LoadReport, ProducerIn, ProducerOut } from './messages';
import { buildReport, chartSeries, formatTable, summariseRun, type FanoutReport, type GatewayKind, type RunResult } from './report';
import { DEFAULT_REPETITIONS, repeatAlternating } from '../shared/repeat';
import { startCpuWindow } from '../shared/proc-cpu';
import { createLogAppendTimeTopics } from '../shared/topics';
import { cleanUpOnInterrupt } from '../shared/interrupt';

export type { FanoutReport, RunResult };

export interface BenchFanoutOptions {
  /** The largest load; the chart also runs N/4 and N/2 unless `steps` says otherwise. */
  connections: number;
  players?: number;
  subsPerConnection?: number;
  ticksPerSec?: number;
  /** Measurement window per run, after the warm-up. */
  durationMs?: number;
  warmupMs?: number;
  json: string;
  /** Defaults to the JSON path with .svg. */
  chart?: string;
  gatewayProcesses?: number;
  loadProcesses?: number;
  only?: GatewayKind | 'both';
  /** Fractions of `connections` to run; default [0.25, 0.5, 1]. */
  steps?: number[];
  /** Runs of each variant at each load, in alternating order (tools/bench/src/shared/repeat.ts); default 3. */
  repetitions?: number;
  /** Connections opened per second by each load process. */
  rampPerSecPerLoadProcess?: number;
  loadClient?: LoadClientKind;
  /** Overrides of the real gateway's limits (GATEWAY_* names in camelCase), e.g. { conflateMs: 0 }. */
  gatewayLimits?: Record<string, number>;
  /** Write V8 CPU profiles of the gateway processes here (--cpu-prof), to see where their time goes. */
  profileDir?: string;
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  /** The registry writer (the bench registers its prefix's schemas). */
  registryAuth?: RegistryAuth | undefined;
  registryUrl: string;
  databaseUrl: string;
  log?: (line: string) => void;
}

export const DEFAULTS = { players: 500, subsPerConnection: 10, ticksPerSec: 2_000, durationMs: 10_000, warmupMs: 3_000, rampPerSecPerLoadProcess: 2_000, repetitions: DEFAULT_REPETITIONS };
type Resolved = BenchFanoutOptions & typeof DEFAULTS;
const MAX_PENDING_CONNECTS = 500;
const START_TIMEOUT_MS = 120_000;
/** A tick appended in the window counts as delivered when it arrives by the window's end plus this; later it is censored. */
const DELIVERY_GRACE_MS = 1_500;
const SETTLE_MS = 1_000;
const STOP_GRACE_MS = 15_000;
const WINDOW_LEAD_MS = 200;
const SAMPLE_TIMEOUT_MS = 15_000;

const UWS_ENTRY = new URL('./uws-gateway-process.ts', import.meta.url);
const WS_ENTRY = new URL('./ws-gateway.ts', import.meta.url);
const LOAD_ENTRY = new URL('./load-generator.ts', import.meta.url);
const PRODUCER_ENTRY = new URL('./producer-process.ts', import.meta.url);

type Gateway = Child<GatewayIn, GatewayOut>;
type Load = Child<LoadIn, LoadOut>;

export async function benchFanout(options: BenchFanoutOptions): Promise<FanoutReport> {
  const o: Resolved = { ...DEFAULTS, ...definedOnly(options) };
  const log = o.log ?? ((line: string) => console.log(line));
  if (!(o.connections >= 1)) throw new Error(`connections must be at least 1, got ${o.connections}`);
  const kinds: GatewayKind[] = !o.only || o.only === 'both' ? ['uws', 'ws'] : [o.only];
  const prefix = `benchfan${randomBytes(3).toString('hex')}-`;
  const kafka = createKafka({ brokers: o.brokers, ...o.kafkaSecurity, clientId: `${prefix}bench` });
  await waitForGroupCoordinator(kafka);
  await createLogAppendTimeTopics(kafka, prefix);
  await createSerde(o.registryUrl, prefix, o.registryAuth).registerAll();
  const producer = spawnChild<ProducerIn, ProducerOut>(PRODUCER_ENTRY, 'tick producer', { args: [o.brokers.join(','), o.registryUrl, prefix, String(o.players)], env: kafkaSecurityEnv(o.kafkaSecurity) });
  const relay = { loads: [] as Load[], window: { startMs: Infinity, endMs: -Infinity }, producedInWindow: 0 };
  producer.on('appended', (batch: AppendedBatch) => {
    for (const load of relay.loads) load.send(batch);
    relay.producedInWindow += ticksAppendedIn(batch, o.players, relay.window.startMs, relay.window.endMs);
  });
  const runs: RunResult[] = [];
  const release = cleanUpOnInterrupt(() => deleteTopics(kafka, prefix));
  try {
    await producer.next('ready', START_TIMEOUT_MS);
    // One round of ticks first, so every player has a price and a seq in the gateways' snapshots.
    await produceFor(producer, o.ticksPerSec, Math.ceil((o.players / o.ticksPerSec) * 1000) + 100);
    for (const connections of connectionSteps(o.connections, o.steps)) {
      const repeated = await repeatAlternating(kinds, o.repetitions, async (kind, round) => {
        const run = await runOnce(kind, round, connections, o, prefix, producer, relay, log);
        log(`${kind} #${round + 1}: ${run.connections}/${connections} held, ${Math.round(run.messagesPerSec)} of ${Math.round(run.dueMessagesPerSec)} due msg/s delivered (${(run.deliveredFraction * 100).toFixed(1)} %, ${Math.round(run.conflatedAwayPerSec)}/s conflated away, ${run.censored} censored), p99 ${run.latencyMs.p99 ?? 'censored'} ms, ${Math.round(run.tickFramesPerSec)} frames/s (${run.messagesPerFrame} msgs each), ${run.bytesPerConnection} B/conn, gateway CPU ${run.gatewayCpuPercent}%, load CPU ${run.loadCpuPercent}%, open files <= ${run.maxOpenFiles}`);
        return run;
      }, (kind, round, index, total) => log(`${kind}: ${connections} connections, repetition ${round + 1} (run ${index}/${total})...`));
      runs.push(...repeated.map((r) => r.result));
    }
  } finally {
    release();
    await producer.stop({ type: 'stop' }, 5_000);
    await deleteTopics(kafka, prefix).catch((err: unknown) => log(`could not delete the bench topics ${prefix}*: ${(err as Error).message}`));
  }
  const report = buildReport(runs, {
    players: o.players, subsPerConnection: o.subsPerConnection, ticksPerSec: o.ticksPerSec, durationMs: o.durationMs, warmupMs: o.warmupMs, repetitions: o.repetitions,
    order: 'variants alternate: round r runs them rotated by r (repeatAlternating)', deliveryGraceMs: DELIVERY_GRACE_MS,
    counting: 'due = ticks appended in the window x connections held throughout that subscribe their player; delivered = those received by window end + grace, each subscription and seq once; conflatedAway = those skipped on purpose; censored = the rest (latency longer than the run)',
    baselinePolicy: 'like with like: the ws baseline runs the same Fanout (conflateMs at the source) and TickBatcher (flushIntervalMs) as the uWS gateway, with the same limits; it has no slow-consumer policy (ws buffers without bound)',
    cpu: 'every process read by the driver from /proc/<pid>/stat over the window',
    loadClient: o.loadClient ?? 'raw', gatewayLimits: o.gatewayLimits ?? {}, cores: cpus().length, node: process.version,
    targetDueMessagesPerSec: dueMessagesPerSec(o.connections, o.subsPerConnection, o.ticksPerSec, o.players),
    latency: 'client receipt (performance.timeOrigin + now) - broker LogAppendTime of the tick (ms resolution), matched by (player, seq)',
    balancing: { uws: 'K processes on one port, SO_REUSEPORT (kernel spreads connections)', ws: 'K processes on K ports, clients round-robin over them (Node 20 has no reusePort)' },
  });
  await mkdir(dirname(o.json), { recursive: true });
  await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  const chart = o.chart ?? o.json.replace(/\.json$/, '') + '.svg';
  await writeFile(chart, latencyChartSvg(chartSeries(report), `fan-out: p99 tick append -> client, ${o.subsPerConnection} of ${o.players} players each, ${o.ticksPerSec} ticks/s`));
  log(formatTable(report));
  return report;
}

interface Relay { loads: Load[]; window: { startMs: number; endMs: number }; producedInWindow: number }

async function runOnce(kind: GatewayKind, round: number, connections: number, o: Resolved, prefix: string, producer: Child<ProducerIn, ProducerOut>, relay: Relay, log: (line: string) => void): Promise<RunResult> {
  const gatewayCount = o.gatewayProcesses ?? gatewayProcessesFor(connections);
  const loadCount = Math.min(o.loadProcesses ?? loadProcessesFor(connections), connections);
  const sharedPort = await freePort();
  const ports = kind === 'uws' ? [sharedPort] : await Promise.all(Array.from({ length: gatewayCount }, () => freePort()));
  const gateways: Gateway[] = [];
  const loads: Load[] = [];
  try {
    for (let g = 0; g < gatewayCount; g++) {
      const serverId = `bench-${kind}-${g}`;
      const args = kind === 'uws'
        ? { brokers: o.brokers, registryUrl: o.registryUrl, databaseUrl: o.databaseUrl, prefix, port: sharedPort, serverId, limits: o.gatewayLimits ?? {} }
        : { brokers: o.brokers, registryUrl: o.registryUrl, prefix, port: ports[g], serverId, limits: o.gatewayLimits ?? {} };
      gateways.push(spawnChild<GatewayIn, GatewayOut>(kind === 'uws' ? UWS_ENTRY : WS_ENTRY, serverId, { args: [JSON.stringify(args)], env: kafkaSecurityEnv(o.kafkaSecurity), execArgv: ['--expose-gc', ...(o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [])] }));
    }
    await Promise.all(gateways.map((g) => g.next('ready', START_TIMEOUT_MS)));
    const rssBefore = await sampleAll(gateways, true, log);

    for (let l = 0; l < loadCount; l++) loads.push(spawnChild<LoadIn, LoadOut>(LOAD_ENTRY, `load-${l}`, { execArgv: ['--max-old-space-size=2048'] }));
    await Promise.all(loads.map((l) => l.next('ready', START_TIMEOUT_MS)));
    const connectTimeoutMs = Math.ceil((connections / loadCount / o.rampPerSecPerLoadProcess) * 1000) * 3 + 60_000;
    loads.forEach((load, l) => {
      const { from, to } = connectionRange(connections, loadCount, l);
      load.send({
        type: 'connect', host: '127.0.0.1', ports, localAddress: sourceAddress(l), from, to, subs: o.subsPerConnection, players: o.players,
        rampPerSec: o.rampPerSecPerLoadProcess, maxPendingConnects: MAX_PENDING_CONNECTS, client: o.loadClient ?? 'raw', timeoutMs: connectTimeoutMs,
      });
    });
    const connected = await Promise.all(loads.map((l) => l.next('connected', connectTimeoutMs + 10_000)));
    log(`  ${connected.reduce((n, c) => n + c.held, 0)} connected in ${Math.max(...connected.map((c) => c.ms))} ms${connected.some((c) => c.failed) ? `, ${connected.reduce((n, c) => n + c.failed, 0)} failed: ${connected.flatMap((c) => c.errors).slice(0, 3).join('; ')}` : ''}`);
    await sleep(SETTLE_MS);
    const rssAfter = await sampleAll(gateways, true, log);

    relay.loads = loads;
    producer.send({ type: 'start', ticksPerSec: o.ticksPerSec });
    await sleep(o.warmupMs);
    const startMs = Date.now() + WINDOW_LEAD_MS;
    const endMs = startMs + o.durationMs;
    relay.window = { startMs, endMs };
    relay.producedInWindow = 0;
    for (const load of loads) load.send({ type: 'window', startMs, endMs, graceMs: DELIVERY_GRACE_MS });
    const pids = { producer: producer.pid, ...Object.fromEntries(gateways.map((g, k) => [`gateway-${k}`, g.pid])), ...Object.fromEntries(loads.map((l, k) => [`load-${k}`, l.pid])) };
    await sleep(startMs - Date.now());
    const cpuWindow = startCpuWindow(pids);
    const windowStart = await sampleAll(gateways, false, log);
    await sleep(endMs - Date.now());
    const cpu = cpuWindow.stop();
    const maxOpenFiles = Math.max(0, ...Object.values(pids).map(openFiles));
    const windowEnd = await sampleAll(gateways, false, log);
    await sleep(DELIVERY_GRACE_MS);
    producer.send({ type: 'stop' });
    const stopped = await producer.next('stopped', 30_000);
    if (stopped.sendErrors > 0) log(`  producer: ${stopped.sendErrors} failed sends (${stopped.lastError})`);
    for (const load of loads) load.send({ type: 'report' });
    const reports: LoadReport[] = await Promise.all(loads.map((l) => l.next('report', 30_000)));
    relay.loads = [];
    return summariseRun({
      gateway: kind, requestedConnections: connections, subs: o.subsPerConnection, players: o.players, loads: reports,
      rssBefore, rssAfter, windowStart, windowEnd, producedInWindow: relay.producedInWindow, windowMs: o.durationMs, round, cpu, maxOpenFiles, machineCores: cpus().length,
    });
  } finally {
    relay.loads = [];
    await Promise.all(loads.map((l) => l.stop({ type: 'stop' }, STOP_GRACE_MS)));
    await Promise.all(gateways.map((g) => g.stop({ type: 'stop' }, STOP_GRACE_MS)));
  }
}

/** Open files of a process now (its /proc/<pid>/fd entries); 0 when it is gone. */
function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

let nextSampleId = 1;

/** Every gateway's sample; one whose event loop is too busy to answer in time is reported missing (NaN), not fatal. */
async function sampleAll(gateways: Gateway[], gc: boolean, log: (line: string) => void): Promise<GatewaySample[]> {
  return Promise.all(gateways.map(async (g) => {
    const id = nextSampleId++;
    g.send({ type: 'sample', gc, id });
    try {
      return await g.next('sample', SAMPLE_TIMEOUT_MS, (m) => m.id === id);
    } catch {
      log(`  ${g.name} did not answer within ${SAMPLE_TIMEOUT_MS} ms (event loop saturated?): its numbers are missing`);
      return missingSample(id);
    }
  }));
}

function missingSample(id: number): GatewaySample {
  return {
    type: 'sample', id, missing: true, atMs: Date.now(), rssBytes: NaN, heapUsedBytes: NaN, cpuUs: NaN, connections: NaN, ticksSent: NaN,
    dropped: {}, closes: NaN, slowConsumers: NaN, tickLag: { le: [], counts: [], sum: NaN, count: NaN },
  };
}

async function produceFor(producer: Child<ProducerIn, ProducerOut>, ticksPerSec: number, ms: number): Promise<void> {
  producer.send({ type: 'start', ticksPerSec });
  await sleep(ms);
  producer.send({ type: 'stop' });
  await producer.next('stopped', 30_000);
}

/** Ticks of a batch whose partition's append time falls in [startMs, endMs). */
export function ticksAppendedIn(batch: AppendedBatch, players: number, startMs: number, endMs: number): number {
  let n = 0;
  for (let i = 0; i < batch.count; i++) {
    const t = batch.appendMs[tickOf(batch.from + i, players).player % batch.partitions] ?? -1;
    if (t >= startMs && t < endMs) n += 1;
  }
  return n;
}

/** Options left undefined keep their defaults (a CLI passes undefined for flags not given). */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: TOPICS.map((t) => topicName(prefix, t.name)) }).finally(() => admin.disconnect());
}
