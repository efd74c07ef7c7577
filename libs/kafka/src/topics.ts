// Creates the topics of DESIGN.md (libs/contracts TOPICS) with their partitions,
// retention and compaction. A prefix isolates test files from each other.
import { TOPICS, type TopicName } from '@inplay/contracts';
import type { Admin } from 'kafkajs';

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
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: topicName(prefix, t.name),
      numPartitions: t.partitions,
      replicationFactor: r.factor,
      configEntries: [
        ...Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        { name: 'min.insync.replicas', value: String(r.minInsyncReplicas) },
      ],
    })),
  });
  const created = missing.map((t) => topicName(prefix, t.name));
  await waitUntilServed(admin, created);
  return created;
}

const TOPIC_READY_TIMEOUT_MS = 15_000;

/**
 * Right after creation a broker can still answer "not the leader for that
 * topic-partition" to ListOffsets although the metadata names a leader:
 * wait until every new topic answers, so callers never see that race.
 */
async function waitUntilServed(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`topic ${topic} is not served after ${TOPIC_READY_TIMEOUT_MS} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
