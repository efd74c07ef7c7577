// The credentials of one stack's infrastructure: a Kafka SASL/SCRAM password
// per principal, the schema registry's write credentials and a Postgres
// password per service role. Generated once per state dir into a file only
// its owner can read, and handed to whoever starts a service (inplay up, the
// test harness, the chaos stack). Each service gets its own, nothing more.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { KAFKA_PRINCIPALS, kafkaSecurityEnv, type KafkaPrincipal, type KafkaSecurity } from '@inplay/kafka';

// Kafka principals (SASL/SCRAM user names) and their ACLs: libs/kafka acls.ts. `admin` is the
// operator: the broker's own inter-broker user and super user (bootstrap, the CLI's audit tools, tests).

/** Postgres login roles, one per service that uses the database; `owner` runs migrations and owns every table. */
export const POSTGRES_ROLES = ['gateway', 'settlement', 'pricing', 'feed-ingest', 'leaderboard', 'schema-registry'] as const;
export type PostgresRole = (typeof POSTGRES_ROLES)[number];

export interface InfraCredentials {
  /** Password of each Kafka principal; the user name is the principal. */
  kafka: Record<KafkaPrincipal, string>;
  /** HTTP basic credentials the schema registry asks of writes (register, delete, config). */
  registry: { username: string; password: string };
  /** Password of each service's Postgres login role. */
  postgres: Record<PostgresRole, string>;
}

const SECRET_BYTES = 24;
export const CREDENTIALS_FILE = 'infra-credentials.json';
export const REGISTRY_WRITER = 'inplay-admin';

const secret = (): string => randomBytes(SECRET_BYTES).toString('base64url');

/** Fresh credentials for every principal and role. */
export function generateCredentials(): InfraCredentials {
  return {
    kafka: Object.fromEntries(KAFKA_PRINCIPALS.map((p) => [p, secret()])) as Record<KafkaPrincipal, string>,
    registry: { username: REGISTRY_WRITER, password: secret() },
    postgres: Object.fromEntries(POSTGRES_ROLES.map((r) => [r, secret()])) as Record<PostgresRole, string>,
  };
}

/**
 * The stack's credentials: read from `<stateDir>/infra-credentials.json`, with any principal or role
 * missing there (a state dir from an older inplay) generated and written back. The file is 0600.
 */
export function stackCredentials(stateDir: string): InfraCredentials {
  const file = join(stateDir, CREDENTIALS_FILE);
  const stored: Partial<InfraCredentials> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<InfraCredentials>) : {};
  const fresh = generateCredentials();
  const merged: InfraCredentials = {
    kafka: { ...fresh.kafka, ...stored.kafka },
    registry: stored.registry ?? fresh.registry,
    postgres: { ...fresh.postgres, ...stored.postgres },
  };
  if (JSON.stringify(merged) !== JSON.stringify(stored)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify(merged, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return merged;
}

/** SASL credentials of one Kafka principal, in the shape createKafka takes. */
export function kafkaLogin(credentials: InfraCredentials, principal: KafkaPrincipal): { username: string; password: string } {
  return { username: principal, password: credentials.kafka[principal] };
}

/** How a client of the stack in `endpoints` logs in as `principal`: nothing when the stack has no credentials (external infrastructure without SASL). */
export function kafkaSecurityFor(endpoints: { credentials?: InfraCredentials | undefined; kafkaSecurity?: KafkaSecurity | undefined }, principal: KafkaPrincipal): KafkaSecurity {
  if (endpoints.credentials) return { sasl: kafkaLogin(endpoints.credentials, principal), ...(endpoints.kafkaSecurity?.tls ? { tls: endpoints.kafkaSecurity.tls } : {}) };
  // External infrastructure: the operator's own login serves every principal (its ACLs are the operator's business).
  return endpoints.kafkaSecurity ?? {};
}

/** The environment a service process of the stack in `endpoints` runs with to log in to Kafka as `principal` (KAFKA_SASL_*, read by libs/config infraShape). */
export function kafkaEnv(endpoints: { kafkaBrokers: string[]; credentials?: InfraCredentials | undefined; kafkaSecurity?: KafkaSecurity | undefined }, principal: KafkaPrincipal): Record<string, string> {
  return { KAFKA_BROKERS: endpoints.kafkaBrokers.join(','), ...kafkaSecurityEnv(kafkaSecurityFor(endpoints, principal)) };
}
