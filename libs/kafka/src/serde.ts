// Avro serde in the Confluent wire format (magic byte 0, 4-byte big-endian
// schema id, Avro body), through @kafkajs/confluent-schema-registry, so any
// standard Kafka tool can read our records.
import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { TOPICS, valueSubject, type SchemaName, type RecordOf, type TopicName } from '@inplay/contracts';
import { schemaOf } from '@inplay/contracts/schemas';
import { topicName } from './topics';

export const WIRE_MAGIC_BYTE = 0;
/**
 * One request to the registry at most this long: without it a registry that accepts the
 * connection and never answers (a partition, a stuck process) would hold a decode forever
 * instead of failing into decode-retry's bounded backoff.
 */
export const REGISTRY_REQUEST_TIMEOUT_MS = 3_000;

type RegistryMiddleware = NonNullable<NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]>['middlewares']>[number];
const requestTimeout = (timeoutMs: number): RegistryMiddleware => () => ({
  prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })),
});

export interface Serde {
  /** Registers every topic's value schema (BACKWARD compatibility); returns subject → schema id. */
  registerAll(): Promise<Map<string, number>>;
  encode<N extends SchemaName>(topic: TopicName, value: RecordOf<N>): Promise<Buffer>;
  decode<T = unknown>(buffer: Buffer): Promise<T>;
  schemaId(topic: TopicName): number;
  registry: SchemaRegistry;
}

export function createSerde(registryUrl: string, prefix = ''): Serde {
  const registry = new SchemaRegistry({ host: registryUrl, middlewares: [requestTimeout(REGISTRY_REQUEST_TIMEOUT_MS)] }, { [SchemaType.AVRO]: {} });
  const ids = new Map<TopicName, number>();

  const register = async (topic: TopicName, schemaName: SchemaName): Promise<number> => {
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schemaOf(schemaName)) },
      { subject: valueSubject(topicName(prefix, topic)), compatibility: COMPATIBILITY.BACKWARD },
    );
    ids.set(topic, id);
    return id;
  };

  return {
    registry,
    async registerAll() {
      const out = new Map<string, number>();
      for (const t of TOPICS) {
        if (!t.valueSchema) continue;
        out.set(valueSubject(topicName(prefix, t.name)), await register(t.name, t.valueSchema));
      }
      return out;
    },
    async encode(topic, value) {
      let id = ids.get(topic);
      if (id === undefined) {
        const spec = TOPICS.find((t) => t.name === topic);
        if (!spec?.valueSchema) throw new Error(`topic ${topic} has no value schema`);
        id = await register(topic, spec.valueSchema);
      }
      return registry.encode(id, value);
    },
    decode(buffer) {
      return registry.decode(buffer) as Promise<never>;
    },
    schemaId(topic) {
      const id = ids.get(topic);
      if (id === undefined) throw new Error(`schema for ${topic} not registered yet: call registerAll() first`);
      return id;
    },
  };
}

/** The schema id in a Confluent-framed buffer, or null when the frame is not ours. */
export function wireSchemaId(buffer: Buffer): number | null {
  if (buffer.length < 5 || buffer[0] !== WIRE_MAGIC_BYTE) return null;
  return buffer.readInt32BE(1);
}
