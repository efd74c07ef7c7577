// What every Kafka-using service does at start: make sure its topics exist,
// wait for the group coordinator, look up the schemas (or register them, given
// the registry writer's credentials), connect an idempotent producer. One place, so services differ only in what they consume.
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { createKafka, createProducer, waitForGroupCoordinator, type KafkaSecurity } from './client';
import { ensureTopics } from './topics';
import { createSerde, type RegistryAuth, type Serde } from './serde';

export interface ServiceKafka {
  kafka: Kafka;
  serde: Serde;
  /** Idempotent, connected. */
  producer: Producer;
}

export async function connectServiceKafka(options: { service: string; brokers: string[]; security?: KafkaSecurity | undefined; registryUrl: string; prefix: string; registryAuth?: RegistryAuth }): Promise<ServiceKafka> {
  const kafka = createKafka({ brokers: options.brokers, ...options.security, clientId: `${options.service}-${randomUUID().slice(0, 8)}` });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, options.prefix).catch((err: Error) => {
      // A service's principal may describe topics, never create them (libs/kafka acls.ts): bootstrap does.
      if (/AUTHORIZATION_FAILED|not authorized/i.test(`${(err as { type?: string }).type ?? ''} ${err.message}`)) {
        throw new Error(`${options.service}: topics under prefix "${options.prefix}" are missing and its principal may not create them (${err.message}). Run \`npx inplay bootstrap\` first.`);
      }
      throw err;
    });
  } finally {
    await admin.disconnect();
  }
  await waitForGroupCoordinator(kafka);
  const serde = createSerde(options.registryUrl, options.prefix, options.registryAuth);
  // A service at run time has no write credentials: the schemas are the bootstrap's to register.
  await (serde.canRegister ? serde.registerAll() : serde.lookUpAll());
  const producer = createProducer(kafka);
  await producer.connect();
  return { kafka, serde, producer };
}
