// Test support for libs/kafka's own integration specs, built on libs/kafka
// alone (libs/testing is built on libs/kafka, so it cannot be used here): the
// suite's broker and registry, a topic prefix of this file's own, and a wait.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createKafka, createSerde, ensureTopics, type Kafka, type KafkaSecurity, type RegistryAuth, type Serde } from '../src/index';

export interface KafkaTestEnv {
  prefix: string;
  kafka: Kafka;
  serde: Serde;
}

/** The endpoints the suite's global setup provides (libs/testing/src/global-setup.ts), with the operator's Kafka login and the registry writer when the stack has them. */
export function suiteInfra(): { kafkaBrokers: string[]; schemaRegistryUrl: string; kafkaSecurity?: KafkaSecurity; credentials?: { registry: RegistryAuth } } {
  return inject('infra' as never) as { kafkaBrokers: string[]; schemaRegistryUrl: string; kafkaSecurity?: KafkaSecurity; credentials?: { registry: RegistryAuth } };
}

export async function kafkaTestEnv(options: { topics: boolean }): Promise<KafkaTestEnv> {
  const infra = suiteInfra();
  const id = randomBytes(4).toString('hex');
  const prefix = `t${id}-`;
  const kafka = createKafka({ brokers: infra.kafkaBrokers, ...infra.kafkaSecurity, clientId: `test-${id}` });
  if (options.topics) {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, prefix);
    await admin.disconnect();
  }
  // Tests are operators: they register their prefix's schemas with the registry writer's credentials.
  return { prefix, kafka, serde: createSerde(infra.schemaRegistryUrl, prefix, infra.credentials?.registry) };
}

/** Polls `check` until it returns true; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
