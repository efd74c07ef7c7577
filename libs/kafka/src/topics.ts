// Creates the topics of DESIGN.md (libs/contracts TOPICS) with their partitions,
// retention and compaction. A prefix isolates test files from each other.
import { TOPICS, type TopicName } from '@inplay/contracts';
import type { Admin } from 'kafkajs';

export function topicName(prefix: string, name: TopicName): string {
  return `${prefix}${name}`;
}

/** Creates missing topics; existing ones are left as they are. Returns the names created. */
export async function ensureTopics(admin: Admin, prefix = ''): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = TOPICS.filter((t) => !existing.has(topicName(prefix, t.name)));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: topicName(prefix, t.name),
      numPartitions: t.partitions,
      replicationFactor: 1,
      configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
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
