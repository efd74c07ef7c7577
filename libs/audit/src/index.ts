// @inplay/audit: the replay audit and leaderboard backfills, folds over the
// whole history on the topics. The CLI wires `inplay replay` and `inplay backfill`.
export { runReplayAudit, REPLAY_PIPELINES, type ReplayAuditOptions, type ReplayAuditReport, type ReplayPipeline } from './replay-audit';
export { compareProjections } from './compare';
export { readLiveProjection, type LiveProjection } from './live';
export { runBackfill, DEFAULT_CHECKPOINT_RECORDS, type BackfillOptions, type BackfillReport } from './backfill';
export { anomalyReport, anomalyReportFrom, type AnomalyQuery, type AnomalyReportOptions, type AnomalyReportSources } from './anomalies';
export { readTopic, topicEnds, type ReadOptions, type TopicEnd } from './read-topic';
