// feed-ingest's Prometheus metrics: what went out, what the webhook answered,
// and how far behind the pitch the feed runs.
import { Counter, Histogram, createMetrics, type Registry } from '@inplay/telemetry';

export interface FeedMetrics {
  registry: Registry;
  eventsProduced: Counter<'type' | 'source'>;
  duplicatesSkipped: Counter<'source'>;
  webhookRequests: Counter<'status' | 'code'>;
  feedLagSeconds: Histogram<'source'>;
}

export function createFeedMetrics(registry: Registry = createMetrics('feed-ingest')): FeedMetrics {
  return {
    registry,
    eventsProduced: new Counter({ name: 'feed_events_produced_total', help: 'Match events produced to match.events', labelNames: ['type', 'source'], registers: [registry] }),
    duplicatesSkipped: new Counter({ name: 'feed_events_duplicate_total', help: 'Events already seen (dedupe by eventId), not produced again', labelNames: ['source'], registers: [registry] }),
    webhookRequests: new Counter({ name: 'feed_webhook_requests_total', help: 'Webhook requests by HTTP status and error code', labelNames: ['status', 'code'], registers: [registry] }),
    feedLagSeconds: new Histogram({
      name: 'feed_lag_seconds',
      help: 'ingestedAt - occurredAt of produced events',
      labelNames: ['source'],
      buckets: [0.5, 1, 2, 5, 10, 15, 20, 25, 30, 40, 60, 120],
      registers: [registry],
    }),
  };
}
