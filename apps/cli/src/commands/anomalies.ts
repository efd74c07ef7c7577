// `inplay anomalies [--json]`: who trades in the window before price-moving
// events (between occurredAt − ε and the feed's ingestedAt), ranked by what it
// earned them, with the evidence. The same report is GET /admin/anomalies.
import { ANOMALY_LIMITS, DEFAULT_ANOMALY_EPSILON_MS, DEFAULT_ANOMALY_MIN_MOVE_BP, type AnomalyReport } from '@inplay/domain';
import { textTable } from '@inplay/telemetry';
import { runningEndpoints } from '../endpoints';
import { intOption } from '../options';
import { loadSettings } from '../settings';

/** Users listed unless --limit says otherwise. */
export const DEFAULT_ANOMALY_LIMIT = 20;
export const MAX_ANOMALY_LIMIT = 10_000;

export interface AnomaliesCommandOptions {
  json?: boolean;
  limit?: string;
  epsilonMs?: string;
  minMoveBp?: string;
  match?: string;
}

export async function anomaliesCommand(options: AnomaliesCommandOptions): Promise<void> {
  const limit = intOption('limit', options.limit, { min: 0, max: MAX_ANOMALY_LIMIT }) ?? DEFAULT_ANOMALY_LIMIT;
  const epsilonMs = intOption('epsilon-ms', options.epsilonMs, ANOMALY_LIMITS.epsilonMs);
  const minMoveBp = intOption('min-move-bp', options.minMoveBp, ANOMALY_LIMITS.minMoveBp);
  const { anomalyReport } = await import('@inplay/audit');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  const report = await anomalyReport({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, topicPrefix: settings.TOPIC_PREFIX, limit,
    ...(epsilonMs !== undefined ? { epsilonMs } : {}), ...(minMoveBp !== undefined ? { minMoveBp } : {}), ...(options.match ? { matchId: options.match } : {}),
  });
  console.log(options.json ? JSON.stringify(report, null, 2) : formatAnomalyTable(report));
}

const euros = (cents: number) => (cents / 100).toFixed(2);

export function formatAnomalyTable(report: AnomalyReport): string {
  const head = `${report.priceMovingEvents} price-moving event ticks (≥ ${report.minMoveBp} bp), ${report.ordersConsidered} orders; window: occurredAt − ${report.epsilonMs} ms … ingestedAt`;
  if (report.users.length === 0) return `${head}\nno user traded in the window before a price-moving event`;
  const header = ['rank', 'user', 'edge €', 'window orders', 'with the move', 'voided fills', 'share of orders', 'best evidence'];
  const rows = report.users.map((u) => {
    const best = u.evidence[0];
    const evidence = best
      ? `${best.order.side} ${best.order.quantity} ${best.order.playerId} ${(Math.abs(best.placedBeforeOccurredMs) / 1000).toFixed(1)} s ${best.placedBeforeOccurredMs >= 0 ? 'before' : 'after'} ${best.move.eventType} ${best.move.eventId}, ${euros(best.move.priceBeforeCents)}→${euros(best.move.priceAfterCents)} €, edge ${euros(best.edgeCents)} €`
      : '';
    return [String(u.rank), u.userId, euros(u.edgeCents), String(u.windowOrders), String(u.withMove), String(u.voidedFills), `${(u.windowShare * 100).toFixed(1)} %`, evidence];
  });
  return [head, ...textTable(header, rows, { rule: true, left: (i, n) => i === 1 || i === n - 1 })].join('\n');
}

export const ANOMALY_HELP = {
  epsilonMs: `how long before occurredAt a trade still counts (default ${DEFAULT_ANOMALY_EPSILON_MS})`,
  minMoveBp: `smallest price move, in basis points, that makes an event price-moving (default ${DEFAULT_ANOMALY_MIN_MOVE_BP})`,
};
