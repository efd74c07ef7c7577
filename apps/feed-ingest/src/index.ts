// @inplay/feed-ingest: the provider feed -> match.events. The CLI calls these;
// src/main.ts runs the service.
export { connectFeedAdapters, type FeedAdapters } from './adapters';
export { jumpingClock, systemClock, type Clock } from './clock';
export { createFeedMetrics, type FeedMetrics } from './metrics';
export { OUTBOX_BATCH_MAX, createFeedOutbox, type FeedOutbox } from './outbox';
export { registerMatch } from './match-registry';
export { STATSBOMB_PROVIDER, formatReplaySummary, replayStatsBombMatch, utcMinuteStamp, type ReplayHandle, type ReplayOptions, type ReplaySummary } from './replay';
export {
  DEMO_STATSBOMB_DIR, DEMO_STATSBOMB_MATCH, DEMO_STATSBOMB_SOURCE, StatsBombFileError, loadStatsBombMatch, statsBombSourceInDir,
  type StatsBombMatchFiles, type StatsBombSource,
} from './statsbomb-files';
export { SYNTHETIC_MAX_RATE_PER_SECOND, runSynthetic, type SyntheticOptions, type SyntheticSummary } from './synthetic';
export { DEFAULT_DEMO_SPEED, DEFAULT_METRICS_PORT, loadFeedSettings, type FeedSettings, type InfraSettings } from './settings';
export { MAX_SIGNATURE_AGE_MS, signWebhook, verifyWebhookSignature } from './signature';
export { FEED_EVENTS_PATH, MAX_BODY_BYTES, startWebhookServer, type WebhookErrorCode, type WebhookServer, type WebhookServerOptions } from './webhook';
export { WEBHOOK_PROVIDER, webhookEventBody, type WebhookEventBody } from './webhook-body';
