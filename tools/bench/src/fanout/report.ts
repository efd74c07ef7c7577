// The fan-out bench's results, pure: one run's numbers from what the children
// reported, the JSON document (uws vs ws at the largest load, the ratio, every
// run as a series), the printed table and the chart's series.
import { textTable } from '@inplay/telemetry';
import type { ChartSeries } from './chart';
import { LatencyHistogram, type LatencySummaryMs } from './histogram';
import type { GatewaySample, LoadReport } from './messages';

export type GatewayKind = 'uws' | 'ws';

export interface RunResult {
  gateway: GatewayKind;
  /** Connections held to the end (upgraded, subscribed, never closed). */
  connections: number;
  requestedConnections: number;
  failedConnections: number;
  closedUnexpectedly: number;
  gatewayProcesses: number;
  loadProcesses: number;
  /** Connections per gateway process (the kernel's SO_REUSEPORT spread for uws). */
  connectionsPerGateway: number[];
  /** Tick append (broker LogAppendTime) -> client receipt. */
  latencyMs: LatencySummaryMs;
  /** Kafka append -> the gateway handing the tick to its sockets (its gateway_tick_lag_ms; bucket upper bounds). */
  gatewayPublishLagMs: { mean: number; p50: number; p99: number };
  /** Ticks received per second over the window, by every client together. */
  messagesPerSec: number;
  /** Ticks produced per second in the window x subscribers per player: what had to arrive. */
  dueMessagesPerSec: number;
  /** messagesPerSec / dueMessagesPerSec (1 = every due message delivered). */
  deliveredRatio: number;
  /** What the gateways handed to sockets per second (their own counter). */
  gatewaySentPerSec: number;
  producedTicksPerSec: number;
  seqGaps: number;
  seqRepeats: number;
  conflatedSnapshots: number;
  unmatchedLatencies: number;
  /** Gateway RSS after connecting and subscribing, before any tick, minus before connecting, per connection. */
  bytesPerConnection: number;
  gatewayRssBytes: number;
  /** Percent of one core, all gateway processes together. */
  gatewayCpuPercent: number;
  loadCpuPercent: number;
  /** Busy share of the whole machine (all cores) in the window, and the cores that means. */
  machineCpuPercent: number;
  machineCores: number;
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
  machineBusyShare: number;
  machineCores: number;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function summariseRun(i: RunInputs): RunResult {
  const latency = new LatencyHistogram();
  for (const l of i.loads) latency.merge(l.latency);
  const held = sum(i.loads.map((l) => l.held));
  const seconds = i.windowMs / 1000;
  const messagesPerSec = sum(i.loads.map((l) => l.ticks)) / seconds;
  const dueMessagesPerSec = ((i.producedInWindow / seconds) * held * Math.min(i.subs, i.players)) / i.players;
  // Per process over its own sampling interval: a busy process may answer a sample late.
  const perSecond = (pick: (s: GatewaySample) => number) => sum(i.windowEnd.map((s, k) => {
    const start = i.windowStart[k];
    return start ? (pick(s) - pick(start)) / ((s.atMs - start.atMs) / 1000) : Number.NaN;
  }));
  const dropped: Record<string, number> = {};
  i.windowEnd.forEach((s, k) => {
    for (const [reason, n] of Object.entries(s.dropped)) dropped[reason] = (dropped[reason] ?? 0) + n - (i.windowStart[k]?.dropped[reason] ?? 0);
  });
  return {
    gateway: i.gateway,
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
    deliveredRatio: dueMessagesPerSec > 0 ? round(messagesPerSec / dueMessagesPerSec, 4) : Number.NaN,
    gatewaySentPerSec: round(perSecond((s) => s.ticksSent)),
    producedTicksPerSec: round(i.producedInWindow / seconds, 1),
    seqGaps: sum(i.loads.map((l) => l.seqGaps)),
    seqRepeats: sum(i.loads.map((l) => l.seqRepeats)),
    conflatedSnapshots: sum(i.loads.map((l) => l.conflatedSnapshots)),
    unmatchedLatencies: sum(i.loads.map((l) => l.unmatched)),
    bytesPerConnection: held > 0 ? round(sum(i.rssAfter.map((s, k) => s.rssBytes - (i.rssBefore[k]?.rssBytes ?? s.rssBytes))) / held) : Number.NaN,
    gatewayRssBytes: sum(i.windowEnd.map((s) => s.rssBytes)),
    gatewayCpuPercent: round(perSecond((s) => s.cpuUs) / 10_000, 1),
    loadCpuPercent: round((sum(i.loads.map((l) => l.cpuUs)) / (i.windowMs * 1000)) * 100, 1),
    machineCpuPercent: round(i.machineBusyShare * 100, 1),
    machineCores: i.machineCores,
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

export interface FanoutReport {
  uws?: RunResult;
  ws?: RunResult;
  /** uws / ws at the largest common load: messages per second, and ws / uws for p99 latency and memory per connection. */
  ratio?: { messagesPerSec: number; latencyP99: number; bytesPerConnection: number; atConnections: number };
  series: { uws: RunResult[]; ws: RunResult[] };
  setup: Record<string, unknown>;
}

export function buildReport(runs: RunResult[], setup: Record<string, unknown>): FanoutReport {
  const series = { uws: runs.filter((r) => r.gateway === 'uws'), ws: runs.filter((r) => r.gateway === 'ws') };
  const largest = (rs: RunResult[]): RunResult | undefined => rs.reduce<RunResult | undefined>((best, r) => (!best || r.requestedConnections > best.requestedConnections ? r : best), undefined);
  const uws = largest(series.uws);
  const ws = largest(series.ws);
  const report: FanoutReport = { ...(uws ? { uws } : {}), ...(ws ? { ws } : {}), series, setup };
  if (uws && ws && uws.requestedConnections === ws.requestedConnections) {
    report.ratio = {
      messagesPerSec: round(uws.messagesPerSec / Math.max(1, ws.messagesPerSec), 2),
      latencyP99: round(ws.latencyMs.p99 / Math.max(0.001, uws.latencyMs.p99), 2),
      bytesPerConnection: round(ws.bytesPerConnection / Math.max(1, uws.bytesPerConnection), 2),
      atConnections: uws.requestedConnections,
    };
  }
  return report;
}

export function formatTable(report: FanoutReport): string {
  const header = ['gateway', 'conns', 'gw/load procs', 'due msg/s', 'delivered/s', 'delivered', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'gw lag p50/p99', 'B/conn', 'gw CPU', 'load CPU', 'machine', 'gaps', 'errors'];
  const runs = [...report.series.uws, ...report.series.ws].sort((a, b) => a.requestedConnections - b.requestedConnections || a.gateway.localeCompare(b.gateway));
  const rows = runs.map((r) => [
    r.gateway, `${r.connections}/${r.requestedConnections}`, `${r.gatewayProcesses}/${r.loadProcesses}`, Math.round(r.dueMessagesPerSec), Math.round(r.messagesPerSec),
    `${(r.deliveredRatio * 100).toFixed(1)}%`, r.latencyMs.p50, r.latencyMs.p99, r.latencyMs.p999, r.latencyMs.max, `${r.gatewayPublishLagMs.p50}/${r.gatewayPublishLagMs.p99}`, r.bytesPerConnection,
    `${r.gatewayCpuPercent}%`, `${r.loadCpuPercent}%`, `${r.machineCpuPercent}% of ${r.machineCores}`, r.seqGaps, r.failedConnections + r.closedUnexpectedly,
  ].map(String));
  const ratio = report.ratio
    ? `uws / ws at ${report.ratio.atConnections} connections: ${report.ratio.messagesPerSec}x messages/s, ws p99 ${report.ratio.latencyP99}x uws, ws memory ${report.ratio.bytesPerConnection}x uws per connection`
    : 'no uws/ws pair at the same load';
  return ['fan-out: tick append (LogAppendTime) -> client receipt; CPU in % of one core', ...textTable(header, rows, { left: () => false }), '', ratio].join('\n');
}

export function chartSeries(report: FanoutReport): ChartSeries[] {
  const points = (rs: RunResult[]) => rs.map((r) => ({ connections: r.connections, p99Ms: r.latencyMs.p99 })).sort((a, b) => a.connections - b.connections);
  return [
    { label: 'uWS gateway', color: '#1f77b4', points: points(report.series.uws) },
    { label: 'ws baseline', color: '#d62728', points: points(report.series.ws) },
  ].filter((s) => s.points.length > 0);
}
