// The topics of DESIGN.md: one place that says what each topic holds, how it is
// keyed, partitioned and kept. Infrastructure bootstrap and tests read this table.
export const RETAIN_FOREVER_MS = -1;

export type TopicName =
  | 'match.events'
  | 'price.ticks'
  | 'price.latest'
  | 'orders'
  | 'order.results'
  | 'trades'
  | 'leaderboard'
  | 'dead.letter'
  | 'pricing.commands'
  | 'pricing.snapshots';

export type SchemaName =
  | 'MatchEvent'
  | 'PriceTick'
  | 'LatestPrice'
  | 'Order'
  | 'OrderResult'
  | 'Trade'
  | 'LeaderboardSnapshot'
  | 'PricingCommand'
  | 'PricingSnapshot';

export interface TopicSpec {
  name: TopicName;
  /** Avro record on the topic's values; null for the dead-letter topic (raw bytes + headers). */
  valueSchema: SchemaName | null;
  keyedBy: string;
  partitions: number;
  configs: Record<string, string>;
}

const kept = { 'cleanup.policy': 'delete', 'retention.ms': String(RETAIN_FOREVER_MS) };
const compacted = { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': '600000' };

export const TOPICS: readonly TopicSpec[] = [
  { name: 'match.events', valueSchema: 'MatchEvent', keyedBy: 'matchId', partitions: 3, configs: kept },
  { name: 'price.ticks', valueSchema: 'PriceTick', keyedBy: 'playerId', partitions: 6, configs: kept },
  { name: 'price.latest', valueSchema: 'LatestPrice', keyedBy: 'playerId', partitions: 6, configs: compacted },
  { name: 'orders', valueSchema: 'Order', keyedBy: 'userId', partitions: 6, configs: kept },
  { name: 'order.results', valueSchema: 'OrderResult', keyedBy: 'userId', partitions: 6, configs: kept },
  { name: 'trades', valueSchema: 'Trade', keyedBy: 'playerId', partitions: 6, configs: kept },
  { name: 'leaderboard', valueSchema: 'LeaderboardSnapshot', keyedBy: 'boardId', partitions: 1, configs: compacted },
  { name: 'dead.letter', valueSchema: null, keyedBy: 'source topic key', partitions: 1, configs: kept },
  // pricing's own log: its sequenced inputs (kept for replay) and the player states it has folded them into.
  { name: 'pricing.commands', valueSchema: 'PricingCommand', keyedBy: 'playerId', partitions: 6, configs: kept },
  { name: 'pricing.snapshots', valueSchema: 'PricingSnapshot', keyedBy: 'playerId', partitions: 6, configs: compacted },
];

/** Registry subject of a topic's values (Confluent TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export function topicSpec(name: TopicName): TopicSpec {
  const spec = TOPICS.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown topic ${name}`);
  return spec;
}
