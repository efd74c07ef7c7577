// `inplay anomalies` and the gateway's GET /admin/anomalies: the anomaly report
// (libs/domain/src/fairness/anomaly-report.ts) over a deployment's history.
// Price moves come from the log (EVENT ticks on price.ticks, the feed's
// ingestedAt from match.events); orders, fills and voids from the ledger
// projection in Postgres.
import type { MatchEvent, PriceTick } from '@inplay/contracts';
import { createPool, type Pool } from '@inplay/db';
import { anomalyReport as rankAnomalies, validateAnomalyOptions, type AnomalyOptions, type AnomalyOrder, type AnomalyReport, type PriceMove } from '@inplay/domain';
import { createKafka, createSerde, type Kafka, type Serde, type KafkaSecurity } from '@inplay/kafka';
import { readTopic } from './read-topic';

export interface AnomalyReportOptions extends AnomalyOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  databaseUrl: string;
  topicPrefix?: string;
  /** Only events of this match. */
  matchId?: string;
  /** Only the first N users. */
  limit?: number;
}

export interface AnomalyReportSources {
  kafka: Kafka;
  serde: Serde;
  pool: Pool;
  topicPrefix: string;
}

export type AnomalyQuery = AnomalyOptions & { matchId?: string; limit?: number };

/** The report over the topics and the database of a deployment (connects and disconnects). */
export async function anomalyReport(options: AnomalyReportOptions): Promise<AnomalyReport> {
  const errors = validateAnomalyOptions(options);
  if (errors.length > 0) throw new RangeError(errors.join('; '));
  const prefix = options.topicPrefix ?? '';
  const pool = createPool(options.databaseUrl, { max: 2, applicationName: 'inplay-anomalies' });
  try {
    return await anomalyReportFrom({ kafka: createKafka({ brokers: options.brokers, ...options.kafkaSecurity, clientId: 'inplay-anomalies' }), serde: createSerde(options.registryUrl, prefix), pool, topicPrefix: prefix }, options);
  } finally {
    await pool.end();
  }
}

/** The report from clients the caller already holds (the gateway's). */
export async function anomalyReportFrom(sources: AnomalyReportSources, query: AnomalyQuery = {}): Promise<AnomalyReport> {
  const { kafka, serde, pool, topicPrefix: prefix } = sources;
  const ingestedAt = new Map<string, number>();
  const eventTicks: PriceTick[] = [];
  await Promise.all([
    readTopic<MatchEvent>({ kafka, serde, prefix, topic: 'match.events', onRecord: (e) => { if (!ingestedAt.has(e.eventId)) ingestedAt.set(e.eventId, e.ingestedAt); } }),
    readTopic<PriceTick>({
      kafka, serde, prefix, topic: 'price.ticks',
      onRecord: (t) => { if (t.cause === 'EVENT' && t.causeEventId !== null && (query.matchId === undefined || t.matchId === query.matchId)) eventTicks.push(t); },
    }),
  ]);
  const moves: PriceMove[] = eventTicks.map((t) => ({
    eventId: t.causeEventId!, eventType: t.causeEventType ?? 'UNKNOWN', matchId: t.matchId, playerId: t.playerId,
    occurredAt: t.causeOccurredAt ?? t.tickedAt,
    // An event not (or no longer) on match.events: the tick's own time is when the market learnt of it.
    ingestedAt: ingestedAt.get(t.causeEventId!) ?? t.tickedAt,
    priceBeforeCents: t.previousPriceCents, priceAfterCents: t.priceCents,
  }));
  const players = [...new Set(moves.map((m) => m.playerId))];
  const { rows } = await pool.query<{ order_id: string; user_id: string; player_id: string; side: 'BUY' | 'SELL'; quantity: string; placed_at: string; status: string; reason: string | null; fill_price_cents: string | null; voided: boolean }>(
    `SELECT o.order_id, o.user_id, o.player_id, o.side, o.quantity, round(extract(epoch FROM o.placed_at) * 1000)::bigint AS placed_at,
            o.status, o.reason, o.fill_price_cents, (o.status = 'VOIDED' AND o.fill_price_cents IS NOT NULL) AS voided
       FROM orders o
      WHERE $1::boolean OR o.player_id = ANY($2::text[]) OR o.user_id IN (SELECT user_id FROM orders WHERE player_id = ANY($2::text[]))`,
    [query.matchId === undefined, players]);
  const orders: AnomalyOrder[] = rows.map((r) => ({
    orderId: r.order_id, userId: r.user_id, playerId: r.player_id, side: r.side, quantity: Number(r.quantity), placedAt: Number(r.placed_at),
    status: r.status, reason: r.reason, fillPriceCents: (r.status === 'FILLED' || r.voided) && r.fill_price_cents !== null ? Number(r.fill_price_cents) : null, voided: r.voided,
  }));
  const report = rankAnomalies(orders, moves, query);
  return query.limit === undefined ? report : { ...report, users: report.users.slice(0, query.limit) };
}
