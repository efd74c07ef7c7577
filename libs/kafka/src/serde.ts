// Avro serde in the Confluent wire format (magic byte 0, 4-byte big-endian
// schema id, Avro body), through @kafkajs/confluent-schema-registry, so any
// standard Kafka tool can read our records. Services look their schemas up;
// only a serde with the registry writer's credentials registers them.
import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { TOPICS, valueSubject, type SchemaName, type RecordOf, type TopicName } from '@inplay/contracts';
import { schemaOf } from '@inplay/contracts/schemas';
import { topicName } from './topics';

export const WIRE_MAGIC_BYTE = 0;
/** Magic byte and 4-byte schema id before the Avro body. */
export const WIRE_HEADER_BYTES = 5;
/** The synchronous encoder's first scratch buffer; it grows to fit a larger record. */
export const ENCODE_SCRATCH_BYTES = 64 * 1024;

/** What encoderFor needs of the avsc type the registry client holds for an Avro schema. */
interface AvroWriter {
  encode(value: unknown, buffer: Buffer, position: number): number;
  isValid(value: unknown, options: { errorHook: (path: string[]) => void }): boolean;
}
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

/** HTTP basic credentials of a registry writer (bootstrap, operators, tests); services run without. */
export interface RegistryAuth {
  username: string;
  password: string;
}

export interface Serde {
  /**
   * Registers every topic's value schema (BACKWARD compatibility); returns subject → schema id. An operator's
   * call (bootstrap, tests, tools): a registry that asks writers for credentials refuses it without them.
   */
  registerAll(): Promise<Map<string, number>>;
  /** Looks up the id of every topic's value schema, registering nothing; fails naming a subject that is missing. */
  lookUpAll(): Promise<Map<string, number>>;
  /** Whether this serde has write credentials: it registers what is missing; without, it only looks schemas up. */
  readonly canRegister: boolean;
  encode<N extends SchemaName>(topic: TopicName, value: RecordOf<N>): Promise<Buffer>;
  /**
   * A synchronous encoder for the topic's value schema (its id looked up or registered once): the same
   * bytes as encode(), without a promise and two buffer copies per record, for loops that encode
   * thousands of records a second (pricing's outputs: ~8% of its CPU went through encode, issue 18).
   */
  encoderFor<N extends SchemaName>(topic: TopicName): Promise<(value: RecordOf<N>) => Buffer>;
  decode<T = unknown>(buffer: Buffer): Promise<T>;
  schemaId(topic: TopicName): number;
  registry: SchemaRegistry;
}

/** An HTTP status from the Confluent client's errors, when it has one. */
const statusOf = (err: unknown): number | undefined =>
  typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;

/**
 * A serde on the registry at `registryUrl` for topics under `prefix`. With `auth` (a writer's credentials) it
 * registers schemas it does not know yet; without (a service at run time) it only looks them up, and a schema
 * missing from the registry is an error saying to run the bootstrap.
 */
export function createSerde(registryUrl: string, prefix = '', auth?: RegistryAuth): Serde {
  const registry = new SchemaRegistry(
    { host: registryUrl, middlewares: [requestTimeout(REGISTRY_REQUEST_TIMEOUT_MS)], ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}) },
    { [SchemaType.AVRO]: {} },
  );
  const ids = new Map<TopicName, number>();
  const schemaFor = (schemaName: SchemaName) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schemaOf(schemaName)) });

  const register = async (topic: TopicName, schemaName: SchemaName): Promise<number> => {
    const subject = valueSubject(topicName(prefix, topic));
    try {
      const { id } = await registry.register(schemaFor(schemaName), { subject, compatibility: COMPATIBILITY.BACKWARD });
      ids.set(topic, id);
      return id;
    } catch (err) {
      if (statusOf(err) !== 401) throw err;
      throw new Error(`the schema registry at ${registryUrl} refused to register ${subject} (401): `
        + `${auth ? 'wrong credentials' : 'writes need credentials'}; set SCHEMA_REGISTRY_USER and SCHEMA_REGISTRY_PASSWORD to the registry's writer`, { cause: err });
    }
  };

  const lookUp = async (topic: TopicName, schemaName: SchemaName): Promise<number> => {
    const subject = valueSubject(topicName(prefix, topic));
    try {
      const id = await registry.getRegistryIdBySchema(subject, schemaFor(schemaName));
      ids.set(topic, id);
      return id;
    } catch (err) {
      // The client turns a 404 (no such subject, 40401, or not this schema in it, 40403), and only a 404, into a
      // ConfluentSchemaRegistryError (a class it does not export): the bootstrap has not run, or ran an older contract.
      if ((err as Error).name !== 'ConfluentSchemaRegistryError') throw err;
      throw new Error(`schema ${schemaName} is not registered under subject ${subject} at ${registryUrl}: `
        + 'run `npx inplay bootstrap` (or the Helm chart\'s bootstrap job) to register the schemas', { cause: err });
    }
  };

  const resolve = auth ? register : lookUp;
  const idOf = async (topic: TopicName): Promise<number> => {
    const id = ids.get(topic);
    if (id !== undefined) return id;
    const spec = TOPICS.find((t) => t.name === topic);
    if (!spec?.valueSchema) throw new Error(`topic ${topic} has no value schema`);
    return resolve(topic, spec.valueSchema);
  };
  const everySchema = async (each: (topic: TopicName, schemaName: SchemaName) => Promise<number>): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    for (const t of TOPICS) {
      if (!t.valueSchema) continue;
      out.set(valueSubject(topicName(prefix, t.name)), await each(t.name, t.valueSchema));
    }
    return out;
  };

  return {
    registry,
    canRegister: auth !== undefined,
    registerAll: () => everySchema(register),
    lookUpAll: () => everySchema(lookUp),
    async encode(topic, value) {
      return registry.encode(await idOf(topic), value);
    },
    async encoderFor(topic) {
      const id = await idOf(topic);
      const type = (await registry.getSchema(id)) as unknown as AvroWriter;
      let scratch: Buffer = Buffer.allocUnsafe(ENCODE_SCRATCH_BYTES);
      const frame = (buffer: Buffer): Buffer => {
        buffer[0] = WIRE_MAGIC_BYTE;
        buffer.writeInt32BE(id, 1);
        return buffer;
      };
      frame(scratch);
      return (value) => {
        let end: number;
        try {
          end = type.encode(value, scratch, WIRE_HEADER_BYTES);
          // Too small: avsc returns minus the bytes missing.
          if (end < 0) end = type.encode(value, scratch = frame(Buffer.allocUnsafe(2 * (scratch.length - end))), WIRE_HEADER_BYTES);
        } catch (err) {
          const paths: string[] = [];
          type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
          throw new Error(`a ${topic} value does not match its schema (id ${id}) at ${paths.join(', ') || 'an unknown path'}: ${(err as Error).message}`, { cause: err });
        }
        return Buffer.from(scratch.subarray(0, end));
      };
    },
    decode(buffer) {
      return registry.decode(buffer) as Promise<never>;
    },
    schemaId(topic) {
      const id = ids.get(topic);
      if (id === undefined) throw new Error(`schema for ${topic} not known yet: call registerAll() or lookUpAll() first`);
      return id;
    },
  };
}

/**
 * A decoder for folds over whole topics (the audit, backfills): the first record of each schema id is decoded
 * by the registry client (which fetches and checks the schema); every later one straight by that schema's Avro
 * type, synchronously, without a promise per record. Same values as `serde.decode`.
 */
export function cachedDecoder(serde: Pick<Serde, 'decode' | 'registry'>): <T>(buffer: Buffer) => T | Promise<T> {
  const types = new Map<number, { fromBuffer(payload: Buffer): unknown }>();
  const learn = async <T>(buffer: Buffer, id: number | null): Promise<T> => {
    const value = await serde.decode<T>(buffer);
    if (id !== null) types.set(id, await serde.registry.getSchema(id));
    return value;
  };
  return <T>(buffer: Buffer): T | Promise<T> => {
    const id = wireSchemaId(buffer);
    const type = id === null ? undefined : types.get(id);
    return type ? (type.fromBuffer(buffer.subarray(WIRE_HEADER_BYTES)) as T) : learn<T>(buffer, id);
  };
}

/** The schema id in a Confluent-framed buffer, or null when the frame is not ours. */
export function wireSchemaId(buffer: Buffer): number | null {
  if (buffer.length < 5 || buffer[0] !== WIRE_MAGIC_BYTE) return null;
  return buffer.readInt32BE(1);
}
