// What a bench gateway process reports about itself: memory, CPU and its own
// counters (the same numbers its /metrics would show).
import type { GatewayMetrics } from '@inplay/gateway';
import type { GatewaySample } from './messages';

type HistogramLike = { get(): Promise<{ values: { value: number; metricName?: string; labels: Record<string, string | number | undefined> }[] }> };
type CounterLike = { get(): Promise<{ values: { value: number; labels: Record<string, string | number | undefined> }[] }> };

async function byLabel(metric: CounterLike, label: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await metric.get()).values) out[String(v.labels[label] ?? '')] = (out[String(v.labels[label] ?? '')] ?? 0) + v.value;
  return out;
}

async function tickLagOf(histogram: HistogramLike): Promise<GatewaySample['tickLag']> {
  const out: GatewaySample['tickLag'] = { le: [], counts: [], sum: 0, count: 0 };
  for (const v of (await histogram.get()).values) {
    if (v.metricName?.endsWith('_bucket') && v.labels['le'] !== '+Inf') { out.le.push(Number(v.labels['le'])); out.counts.push(v.value); }
    else if (v.metricName?.endsWith('_sum')) out.sum = v.value;
    else if (v.metricName?.endsWith('_count')) out.count = v.value;
  }
  return out;
}

export async function sampleProcess(id: number, gc: boolean, counters: { connections: number; metrics: GatewayMetrics; ticksSent?: number; slowConsumers?: number }): Promise<GatewaySample> {
  if (gc) (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const { metrics } = counters;
  const sent = await byLabel(metrics.messagesSent, 'type');
  const closes = await byLabel(metrics.closes, 'code');
  return {
    type: 'sample',
    id,
    atMs: Date.now(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuUs: cpu.user + cpu.system,
    connections: counters.connections,
    ticksSent: counters.ticksSent ?? sent['tick'] ?? 0,
    dropped: await byLabel(metrics.messagesDropped, 'reason'),
    closes: Object.values(closes).reduce((a, b) => a + b, 0),
    slowConsumers: counters.slowConsumers ?? 0,
    tickLag: await tickLagOf(metrics.tickLagMs),
  };
}
