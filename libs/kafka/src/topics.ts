// Creates the topics of DESIGN.md (libs/contracts TOPICS) with their partitions,
// retention and compaction. A prefix isolates test files from each other.
import { TOPICS, type TopicName } from '@inplay/contracts';
import type { Admin, ITopicConfig } from 'kafkajs';

export function topicName(prefix: string, name: TopicName): string {
  return `${prefix}${name}`;
}

/** Replicas per partition at most, and in-sync replicas an acks=all write needs, on a cluster of three or more brokers. */
export const MAX_REPLICATION_FACTOR = 3;
export const MIN_INSYNC_REPLICAS_REPLICATED = 2;

export interface Replication {
  factor: number;
  minInsyncReplicas: number;
}

/** What the cluster can hold: 3 replicas and 2 in sync from three brokers up, otherwise one copy per broker (1 in sync on one broker). */
export function replicationFor(brokers: number): Replication {
  const factor = Math.max(1, Math.min(MAX_REPLICATION_FACTOR, brokers));
  return { factor, minInsyncReplicas: factor >= MAX_REPLICATION_FACTOR ? MIN_INSYNC_REPLICAS_REPLICATED : 1 };
}

/**
 * Creates missing topics; existing ones are left as they are. Returns the names created.
 * The replication comes from the cluster it finds (replicationFor) unless given; a factor
 * above the number of brokers is refused with the numbers.
 */
export async function ensureTopics(admin: Admin, prefix = '', replication?: Replication): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = TOPICS.filter((t) => !existing.has(topicName(prefix, t.name)));
  if (missing.length === 0) return [];
  const brokers = (await admin.describeCluster()).brokers.length;
  const r = replication ?? replicationFor(brokers);
  if (r.factor > brokers) throw new Error(`replication factor ${r.factor} needs ${r.factor} brokers; the cluster has ${brokers}`);
  if (r.minInsyncReplicas < 1 || r.minInsyncReplicas > r.factor) throw new Error(`min.insync.replicas ${r.minInsyncReplicas} must be between 1 and the replication factor ${r.factor}`);
  const created = missing.map((t) => topicName(prefix, t.name));
  await createTopicsServed(admin, missing.map((t) => ({
    topic: topicName(prefix, t.name),
    numPartitions: t.partitions,
    replicationFactor: r.factor,
    configEntries: [
      ...Object.entries(t.configs).map(([name, value]) => ({ name, value })),
      { name: 'min.insync.replicas', value: String(r.minInsyncReplicas) },
    ],
  })));
  return created;
}

/** How long new topics may take until every partition answers (ListOffsets from its leader). */
export const TOPIC_READY_TIMEOUT_MS = 15_000;
const TOPIC_READY_POLL_MS = 50;

/**
 * Creates topics (those that exist already are left as they are) and returns once every
 * partition of each answers. Returns whether it created any.
 *
 * Not KafkaJS's `waitForLeaders`: that asks one broker for the new topics' metadata and
 * retries LEADER_NOT_AVAILABLE only, so on a cluster of several brokers one whose metadata
 * still lags answers UNKNOWN_TOPIC_OR_PARTITION and createTopics throws although the topics
 * were created (seen on the 3-broker container cluster). And right after creation a broker
 * can still answer "not the leader" to ListOffsets although the metadata names a leader.
 * Waiting until each topic's offsets can be fetched covers both.
 */
export async function createTopicsServed(admin: Admin, topics: ITopicConfig[], timeoutMs = TOPIC_READY_TIMEOUT_MS): Promise<boolean> {
  const created = await admin.createTopics({ waitForLeaders: false, topics });
  await waitUntilServed(admin, topics.map((t) => t.topic), timeoutMs);
  return created;
}

async function waitUntilServed(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const topic of topics) {
    for (;;) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        if (offsets.length > 0) break;
        throw new Error('no partitions in its metadata yet');
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`topic ${topic} is not served after ${timeoutMs} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, TOPIC_READY_POLL_MS));
      }
    }
  }
}
