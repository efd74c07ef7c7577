// Bench topics stamp records with the broker's append time (LogAppendTime), so
// "appended" means the same instant whichever process produced the record.
import { TOPICS } from '@inplay/contracts';
import { createTopicsServed, topicName, type Kafka } from '@inplay/kafka';

export async function createLogAppendTimeTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsServed(admin, TOPICS.map((t) => ({
      topic: topicName(prefix, t.name), numPartitions: t.partitions, replicationFactor: 1,
      configEntries: [...Object.entries(t.configs).map(([name, value]) => ({ name, value })), { name: 'message.timestamp.type', value: 'LogAppendTime' }],
    })));
  } finally {
    await admin.disconnect();
  }
}
