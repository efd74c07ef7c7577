// Per-test-file isolation on shared infrastructure: a unique topic prefix
// (topics and registry subjects, the schemas registered as bootstrap would)
// and a database of its own.
import { afterAll, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ADMIN_PRINCIPAL, createKafka, ensureServiceAcls, ensureTopics, createSerde, signatureHeaders, type Kafka, type KafkaSecurity, type Serde, type ServicePrincipal } from '@inplay/kafka';
import { createDatabase, dropDatabase, migrate, serviceDatabaseUrl, type DbService } from '@inplay/db';
import { kafkaEnv, kafkaSecurityFor, type Endpoints } from '@inplay/infra';

/** ORDER_SIGNING_KEY of services a test starts in-process or as children: the gateway signs orders with it, settlement checks them by it. */
export const TEST_ORDER_SIGNING_KEY = 'test-order-signing-key-of-at-least-32-bytes';

/** The `sign` option of a recordSender that writes orders as the gateway does (signed with TEST_ORDER_SIGNING_KEY). */
export const SIGN_TEST_ORDERS = { orders: (key: string, value: Buffer) => signatureHeaders(TEST_ORDER_SIGNING_KEY, key, value) };

export interface IsolatedEnv {
  infra: Endpoints;
  /** Prefix of this file's topics and subjects, e.g. "t3f9a1c-". */
  prefix: string;
  kafka: Kafka;
  /** The operator's (admin) Kafka login on the test broker: what services started in-process by a test use. */
  kafkaSecurity: KafkaSecurity;
  serde: Serde;
  /** A fresh, migrated database of this file's own. */
  databaseUrl: string;
  cleanup(): Promise<void>;
}

export async function isolate(options: { topics?: boolean; database?: boolean } = {}): Promise<IsolatedEnv> {
  const infra = inject('infra');
  const id = randomBytes(4).toString('hex');
  const prefix = `t${id}-`;
  const kafkaSecurity = kafkaSecurityFor(infra, ADMIN_PRINCIPAL);
  const kafka = createKafka({ brokers: infra.kafkaBrokers, ...kafkaSecurity, clientId: `test-${id}` });
  // Tests are operators: they register their prefix's schemas with the registry writer's credentials.
  const serde = createSerde(infra.schemaRegistryUrl, prefix, infra.credentials?.registry);
  if (options.topics !== false) {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, prefix);
    await admin.disconnect();
    // What the bootstrap does for a stack: services under test only look their schemas up.
    await serde.registerAll();
  }
  let databaseUrl = infra.databaseUrl;
  const dbName = `t_${id}`;
  if (options.database !== false) {
    if (infra.adminDatabaseUrl) {
      databaseUrl = await createDatabase(infra.adminDatabaseUrl, dbName);
    } else {
      const url = new URL(infra.databaseUrl);
      url.searchParams.set('options', `-c search_path=${dbName}`);
      databaseUrl = url.toString();
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: infra.databaseUrl });
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${dbName}"`);
      await client.end();
    }
    await migrate(databaseUrl);
  }
  return {
    infra,
    prefix,
    kafka,
    kafkaSecurity,
    serde,
    databaseUrl,
    async cleanup() {
      if (options.database !== false && infra.adminDatabaseUrl) await dropDatabase(infra.adminDatabaseUrl, dbName).catch(() => undefined);
    },
  };
}

/**
 * Writes the Kafka ACLs of libs/kafka acls.ts for this file's topic prefix, so services started by the
 * test can log in as their own principals (`serviceKafkaEnv`) with exactly the rights they have in a
 * deployment: a right missing from the policy fails the test. A no-op on a broker without SASL.
 */
export async function grantServiceAcls(env: IsolatedEnv): Promise<void> {
  if (!env.kafkaSecurity.sasl) return;
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    await ensureServiceAcls(admin, env.prefix);
  } finally {
    await admin.disconnect();
  }
}

/** The environment of a service process logging in as `principal` (KAFKA_BROKERS, KAFKA_SASL_*); see grantServiceAcls. */
export function serviceKafkaEnv(env: IsolatedEnv, principal: ServicePrincipal): Record<string, string> {
  return kafkaEnv(env.infra, principal);
}

/**
 * This file's database as a service's own Postgres role (made a login with the stack's password by
 * the suite's bootstrap): a service started with it can do only what its GRANTs allow, so a
 * missing GRANT fails the spec instead of production.
 */
export function roleDatabaseUrl(env: Pick<IsolatedEnv, 'infra' | 'databaseUrl'>, service: DbService): string {
  const password = env.infra.credentials?.postgres[service];
  if (password === undefined) {
    throw new Error(`no Postgres password for ${service}: the suite's infrastructure has no credentials (infrastructure given from outside?). `
      + 'Specs that run a service as its own role need the local or container stack.');
  }
  return serviceDatabaseUrl(env.databaseUrl, service, password);
}

/** The registry writer's HTTP basic Authorization header (what an operator registering a schema by hand sends), when the stack has one. */
export function registryWriterHeaders(infra: Endpoints): Record<string, string> {
  const writer = infra.credentials?.registry;
  return writer ? { authorization: `Basic ${Buffer.from(`${writer.username}:${writer.password}`).toString('base64')}` } : {};
}

/** Waits for `check` to return a value (not undefined/false), polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Cleanups of a spec file, run after its tests, last registered first: each
 * resource is given back where it is made, and one that was never made (a
 * failed set-up) is never "given back".
 */
export function cleanupAfterAll(): (cleanup: () => Promise<unknown> | unknown) => void {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return (cleanup) => { cleanups.push(cleanup); };
}
