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
  return missing.map((t) => topicName(prefix, t.name));
}
