// The fan-out bench's results, pure: one run's numbers from what the children
// reported, the JSON document (uws vs ws at the largest load, the ratio, every
// run as a series), the printed table and the chart's series.
import { textTable } from '@inplay/telemetry';
import type { ChartSeries } from './chart';
import { LatencyHistogram, type LatencySummaryMs } from './histogram';
import type { GatewaySample, LoadReport } from './messages';
import type { CpuWindow } from '../shared/proc-cpu';
import { formatSpread, spreadOf, type Spread } from '../shared/repeat';

export type GatewayKind = 'uws' | 'ws';

export interface RunResult {
  gateway: GatewayKind;
  /** Which repetition (0-based) and its place in the run order of the whole bench. */
  round: number;
  /** Connections held from the window's start to the report (upgraded, subscribed, never closed). */
  connections: number;
  requestedConnections: number;
  failedConnections: number;
  closedUnexpectedly: number;
  gatewayProcesses: number;
  loadProcesses: number;
  /** Connections per gateway process (the kernel's SO_REUSEPORT spread for uws). */
  connectionsPerGateway: number[];
  /** Tick append (broker LogAppendTime) -> client receipt; due ticks never delivered are censored (a quantile on them is null). */
  latencyMs: LatencySummaryMs;
  /** Kafka append -> the gateway handing the tick to its sockets (its gateway_tick_lag_ms; bucket upper bounds). */
  gatewayPublishLagMs: { mean: number; p50: number; p99: number };
  /** Due ticks delivered per second (appended in the window, received by its end + grace, each subscription and seq once). */
  messagesPerSec: number;
  /** Ticks appended in the window x held connections subscribed to their player, per second. */
  dueMessagesPerSec: number;
  /** messagesPerSec / dueMessagesPerSec (1 = every due message delivered; conflated-away ones are not). */
  deliveredFraction: number;
  /** The same figure under its old name. */
  deliveredRatio: number;
  /** Due ticks the gateway skipped on purpose (conflated away, or replaced by a slow consumer's snapshot), per second. */
  conflatedAwayPerSec: number;
  /** Due ticks neither delivered nor skipped by the deadline (censored latency). */
  censored: number;
  /** Frames carrying ticks that clients received per second, and ticks per such frame. */
  tickFramesPerSec: number;
  messagesPerFrame: number;
  producedTicksPerSec: number;
  seqGaps: number;
  seqRepeats: number;
  conflatedSnapshots: number;
  unmatchedLatencies: number;
  /** Gateway RSS after connecting and subscribing, before any tick, minus before connecting, per connection. */
  bytesPerConnection: number;
  gatewayRssBytes: number;
  /** Percent of one core over the window, all gateway processes together (read by the driver from /proc/<pid>/stat). */
  gatewayCpuPercent: number;
  loadCpuPercent: number;
  producerCpuPercent: number;
  /** Busy share of the whole machine (all cores) in the window, and the cores that means. */
  machineCpuPercent: number;
  machineCores: number;
  /** The most open files any one process (gateway, load generator) held at the window's end (this machine caps it at 20,000). */
  maxOpenFiles: number;
  gatewayDropped: Record<string, number>;
  gatewayCloses: number;
  connectMs: number;
  windowMs: number;
  errors: string[];
}

export interface RunInputs {
  gateway: GatewayKind;
  requestedConnections: number;
  subs: number;
  players: number;
  loads: LoadReport[];
  rssBefore: GatewaySample[];
  rssAfter: GatewaySample[];
  windowStart: GatewaySample[];
  windowEnd: GatewaySample[];
  producedInWindow: number;
  windowMs: number;
  round: number;
  cpu: CpuWindow;
  /** Names in cpu.processes: gateway-<k>, load-<k>, producer. */
  maxOpenFiles: number;
  machineCores: number;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function summariseRun(i: RunInputs): RunResult {
  const latency = new LatencyHistogram();
  for (const l of i.loads) latency.merge(l.latency);
  const held = sum(i.loads.map((l) => l.held));
  const seconds = i.windowMs / 1000;
  const delivered = sum(i.loads.map((l) => l.delivered));
  const due = sum(i.loads.map((l) => l.due));
  const messagesPerSec = delivered / seconds;
  const dueMessagesPerSec = due / seconds;
  const frames = sum(i.loads.map((l) => l.tickFrames));
  const cpuOf = (prefix: string): number => round(sum(Object.entries(i.cpu.processes).filter(([name]) => name.startsWith(prefix)).map(([, c]) => (c ? c.cores * 100 : Number.NaN))), 1);
  const dropped: Record<string, number> = {};
  i.windowEnd.forEach((s, k) => {
    for (const [reason, n] of Object.entries(s.dropped)) dropped[reason] = (dropped[reason] ?? 0) + n - (i.windowStart[k]?.dropped[reason] ?? 0);
  });
  return {
    gateway: i.gateway,
    round: i.round,
    connections: held,
    requestedConnections: i.requestedConnections,
    failedConnections: sum(i.loads.map((l) => l.failed)),
    closedUnexpectedly: sum(i.loads.map((l) => l.closedUnexpectedly)),
    gatewayProcesses: i.rssAfter.length,
    loadProcesses: i.loads.length,
    connectionsPerGateway: i.rssAfter.map((s) => s.connections),
    latencyMs: latency.summaryMs(),
    gatewayPublishLagMs: publishLag(i.windowStart, i.windowEnd),
    messagesPerSec: round(messagesPerSec),
    dueMessagesPerSec: round(dueMessagesPerSec),
    deliveredFraction: due > 0 ? round(delivered / due, 4) : Number.NaN,
    deliveredRatio: due > 0 ? round(delivered / due, 4) : Number.NaN,
    conflatedAwayPerSec: round(sum(i.loads.map((l) => l.conflatedAway)) / seconds),
    censored: sum(i.loads.map((l) => l.censored)),
    tickFramesPerSec: round(frames / seconds),
    messagesPerFrame: frames > 0 ? round(sum(i.loads.map((l) => l.delivered)) / frames, 2) : Number.NaN,
    producedTicksPerSec: round(i.producedInWindow / seconds, 1),
    seqGaps: sum(i.loads.map((l) => l.seqGaps)),
    seqRepeats: sum(i.loads.map((l) => l.seqRepeats)),
    conflatedSnapshots: sum(i.loads.map((l) => l.conflatedSnapshots)),
    unmatchedLatencies: sum(i.loads.map((l) => l.unmatched)),
    bytesPerConnection: held > 0 ? round(sum(i.rssAfter.map((s, k) => s.rssBytes - (i.rssBefore[k]?.rssBytes ?? s.rssBytes))) / held) : Number.NaN,
    gatewayRssBytes: sum(i.windowEnd.map((s) => s.rssBytes)),
    gatewayCpuPercent: cpuOf('gateway-'),
    loadCpuPercent: cpuOf('load-'),
    producerCpuPercent: cpuOf('producer'),
    machineCpuPercent: i.cpu.machine ? round((i.cpu.machine.cores / i.machineCores) * 100, 1) : Number.NaN,
    machineCores: i.machineCores,
    maxOpenFiles: i.maxOpenFiles,
    gatewayDropped: dropped,
    gatewayCloses: sum(i.windowEnd.map((s) => s.closes)),
    connectMs: Math.max(0, ...i.loads.map((l) => l.connectMs)),
    windowMs: i.windowMs,
    errors: [...new Set(i.loads.flatMap((l) => l.errors))].slice(0, 10),
  };
}

/** The gateways' own append -> publish histogram over the window (coarse: Prometheus buckets, reported as upper bounds). */
export function publishLag(start: GatewaySample[], end: GatewaySample[]): { mean: number; p50: number; p99: number } {
  const le = end.find((s) => !s.missing)?.tickLag.le ?? [];
  const counts = le.map((_, b) => sum(end.map((s, k) => (s.tickLag.counts[b] ?? 0) - (start[k]?.tickLag.counts[b] ?? 0))));
  const count = sum(end.map((s, k) => s.tickLag.count - (start[k]?.tickLag.count ?? 0)));
  const total = sum(end.map((s, k) => s.tickLag.sum - (start[k]?.tickLag.sum ?? 0)));
  const at = (q: number): number => {
    const b = counts.findIndex((c) => c >= q * count);
    return b < 0 ? Number.POSITIVE_INFINITY : (le[b] as number);
  };
  return count === 0 ? { mean: Number.NaN, p50: Number.NaN, p99: Number.NaN } : { mean: round(total / count, 1), p50: at(0.5), p99: at(0.99) };
}

/** One variant at one load over its repetitions: every number the median of the runs (a censored quantile counts as longest), with the spread of the headline figures. */
export interface RepeatedResult extends Omit<RunResult, 'round'> {
  repetitions: number;
  spread: Record<'messagesPerSec' | 'deliveredFraction' | 'latencyP99Ms' | 'bytesPerConnection' | 'gatewayCpuPercent' | 'tickFramesPerSec', Spread>;
}

export interface FanoutReport {
  uws?: RepeatedResult;
  ws?: RepeatedResult;
  /** uws / ws at the largest common load (medians): messages per second, and ws / uws for p99 latency (null when a p99 is censored) and memory per connection. */
  ratio?: { messagesPerSec: number; latencyP99: number | null; bytesPerConnection: number; atConnections: number };
  /** Per variant, its result at every load; every run in the order they ran. */
  series: { uws: RepeatedResult[]; ws: RepeatedResult[] };
  runs: RunResult[];
  setup: Record<string, unknown>;
}

/** The median of values where null means longer than measured (+Infinity), back to null when it lands there. */
export function medianWithCensored(values: readonly (number | null)[]): number | null {
  const xs = values.map((v) => (v === null ? Number.POSITIVE_INFINITY : v)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = Math.floor(xs.length / 2);
  const m = xs.length % 2 === 1 ? (xs[mid] as number) : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
  return Number.isFinite(m) ? m : null;
}

function medianValue(values: unknown[]): unknown {
  const first = values[0];
  if (values.some((v) => typeof v === 'number')) return medianWithCensored(values.map((v) => (typeof v === 'number' ? v : null)));
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const keys = [...new Set(values.flatMap((v) => Object.keys(v as object)))];
    return Object.fromEntries(keys.map((k) => [k, medianValue(values.map((v) => (v as Record<string, unknown>)[k]))]));
  }
  return first;
}

/** The runs of one variant at one load, as medians with spreads. */
export function repeatedResult(runs: readonly RunResult[]): RepeatedResult {
  if (runs.length === 0) throw new Error('no runs to summarise');
  const { round: _round, ...median } = medianValue(runs as unknown[]) as RunResult;
  const of = (figure: (r: RunResult) => number | null): Spread => spreadOf(runs.map((r) => figure(r) ?? Number.POSITIVE_INFINITY));
  return {
    ...median,
    errors: [...new Set(runs.flatMap((r) => r.errors))].slice(0, 10),
    repetitions: runs.length,
    spread: {
      messagesPerSec: of((r) => r.messagesPerSec),
      deliveredFraction: of((r) => r.deliveredFraction),
      latencyP99Ms: of((r) => r.latencyMs.p99),
      bytesPerConnection: of((r) => r.bytesPerConnection),
      gatewayCpuPercent: of((r) => r.gatewayCpuPercent),
      tickFramesPerSec: of((r) => r.tickFramesPerSec),
    },
  };
}

export function buildReport(runs: RunResult[], setup: Record<string, unknown>): FanoutReport {
  const resultsOf = (kind: GatewayKind): RepeatedResult[] => {
    const mine = runs.filter((r) => r.gateway === kind);
    return [...new Set(mine.map((r) => r.requestedConnections))].sort((a, b) => a - b).map((n) => repeatedResult(mine.filter((r) => r.requestedConnections === n)));
  };
  const series = { uws: resultsOf('uws'), ws: resultsOf('ws') };
  const uws = series.uws.at(-1);
  const ws = series.ws.at(-1);
  const report: FanoutReport = { ...(uws ? { uws } : {}), ...(ws ? { ws } : {}), series, runs, setup };
  if (uws && ws && uws.requestedConnections === ws.requestedConnections) {
    report.ratio = {
      messagesPerSec: round(uws.messagesPerSec / Math.max(1, ws.messagesPerSec), 2),
      latencyP99: uws.latencyMs.p99 === null || ws.latencyMs.p99 === null ? null : round(ws.latencyMs.p99 / Math.max(0.001, uws.latencyMs.p99), 2),
      bytesPerConnection: round(ws.bytesPerConnection / Math.max(1, uws.bytesPerConnection), 2),
      atConnections: uws.requestedConnections,
    };
  }
  return report;
}

const ms = (v: number | null): string => (v === null ? 'censored' : String(v));

export function formatTable(report: FanoutReport): string {
  const header = ['gateway', 'reps', 'conns', 'gw/load procs', 'due msg/s', 'delivered/s', 'delivered', 'conflated/s', 'p50 ms', 'p99 ms', 'max ms', 'frames/s', 'msgs/frame', 'B/conn', 'gw CPU', 'load CPU', 'machine', 'open files', 'errors'];
  const results = [...report.series.uws, ...report.series.ws].sort((a, b) => a.requestedConnections - b.requestedConnections || a.gateway.localeCompare(b.gateway));
  const rows = results.map((r) => [
    r.gateway, r.repetitions, `${r.connections}/${r.requestedConnections}`, `${r.gatewayProcesses}/${r.loadProcesses}`, Math.round(r.dueMessagesPerSec), formatSpread(r.spread.messagesPerSec),
    `${formatSpread({ ...r.spread.deliveredFraction, median: r.spread.deliveredFraction.median * 100, min: r.spread.deliveredFraction.min * 100, max: r.spread.deliveredFraction.max * 100 }, 1)}%`,
    Math.round(r.conflatedAwayPerSec), ms(r.latencyMs.p50), r.spread.latencyP99Ms.values.some((v) => !Number.isFinite(v)) ? `${ms(r.latencyMs.p99)} (${r.spread.latencyP99Ms.values.map((v) => (Number.isFinite(v) ? v : 'censored')).join(', ')})` : formatSpread(r.spread.latencyP99Ms, 1),
    r.latencyMs.max, formatSpread(r.spread.tickFramesPerSec), r.messagesPerFrame, formatSpread(r.spread.bytesPerConnection),
    `${formatSpread(r.spread.gatewayCpuPercent, 1)}%`, `${r.loadCpuPercent}%`, `${r.machineCpuPercent}% of ${r.machineCores}`, r.maxOpenFiles, r.failedConnections + r.closedUnexpectedly,
  ].map(String));
  const ratio = report.ratio
    ? `uws / ws at ${report.ratio.atConnections} connections (medians): ${report.ratio.messagesPerSec}x messages/s, ws p99 ${report.ratio.latencyP99 ?? 'n/a (censored)'}x uws, ws memory ${report.ratio.bytesPerConnection}x uws per connection`
    : 'no uws/ws pair at the same load';
  return ['fan-out: tick append (LogAppendTime) -> client receipt; median (min–max) over repetitions; CPU in % of one core', ...textTable(header, rows, { left: () => false }), '', ratio].join('\n');
}

export function chartSeries(report: FanoutReport): ChartSeries[] {
  const points = (rs: RepeatedResult[]) => rs.map((r) => ({ connections: r.connections, p99Ms: r.latencyMs.p99 ?? Number.NaN })).sort((a, b) => a.connections - b.connections);
  return [
    { label: 'uWS gateway', color: '#1f77b4', points: points(report.series.uws) },
    { label: 'ws baseline', color: '#d62728', points: points(report.series.ws) },
  ].filter((s) => s.points.length > 0);
}
