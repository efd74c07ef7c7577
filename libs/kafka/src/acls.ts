// Who may do what on Kafka: one principal per service, least privilege. The
// table below is the policy (README "Security"); `ensureServiceAcls` writes it
// to the cluster as literal/prefixed ACL bindings for one topic prefix, and is
// idempotent (Kafka keeps one copy of an identical binding).
import kafkajs, { type Admin, type AclEntry } from 'kafkajs';
import { TOPICS, type TopicName } from '@inplay/contracts';
import { topicName } from './topics';

// kafkajs is CommonJS and Node's ESM loader does not see these enums as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** The services that talk to Kafka, each as its own SASL principal (user name). */
export const SERVICE_PRINCIPALS = ['gateway', 'settlement', 'pricing', 'feed-ingest', 'leaderboard'] as const;
export type ServicePrincipal = (typeof SERVICE_PRINCIPALS)[number];
/** The operator: the broker's own user and its only super user (bootstrap, audit tools, tests). */
export const ADMIN_PRINCIPAL = 'admin';
export const KAFKA_PRINCIPALS = [ADMIN_PRINCIPAL, ...SERVICE_PRINCIPALS] as const;
export type KafkaPrincipal = (typeof KAFKA_PRINCIPALS)[number];

export interface ServiceAccess {
  /** Topics it produces to. */
  write: readonly TopicName[];
  /** Topics it consumes. */
  read: readonly TopicName[];
  /** Prefixes of its consumer group ids (after the topic prefix). */
  groups: readonly string[];
  /** Prefixes of its transactional ids (after the topic prefix). */
  transactionalIds: readonly string[];
}

/**
 * The policy. Only the gateway writes `orders`; only settlement `order.results` and `trades`; only
 * pricing `price.ticks`/`price.latest` (and its own commands and snapshots); only feed-ingest
 * `match.events`; only the leaderboard `leaderboard`. Consumers may dead-letter what they cannot decode.
 * Every principal may DESCRIBE every topic (metadata and offsets, never records).
 */
export const SERVICE_ACCESS: Record<ServicePrincipal, ServiceAccess> = {
  // 'audit-': GET /admin/anomalies reads match.events and price.ticks with a private group (libs/audit readTopic).
  gateway: { write: ['orders'], read: ['price.latest', 'leaderboard', 'price.ticks', 'order.results', 'match.events'], groups: ['gateway.', 'audit-'], transactionalIds: [] },
  settlement: { write: ['order.results', 'trades', 'dead.letter'], read: ['orders', 'price.ticks'], groups: ['settlement'], transactionalIds: [] },
  pricing: {
    write: ['price.ticks', 'price.latest', 'pricing.commands', 'pricing.snapshots', 'dead.letter'],
    read: ['match.events', 'trades', 'pricing.commands', 'pricing.snapshots'],
    groups: ['pricing-'],
    transactionalIds: ['pricing-'],
  },
  'feed-ingest': { write: ['match.events'], read: [], groups: [], transactionalIds: [] },
  leaderboard: { write: ['leaderboard', 'dead.letter'], read: ['price.ticks', 'order.results'], groups: ['leaderboard-'], transactionalIds: [] },
};

/** The group every client asks the coordinator of at start (waitForGroupCoordinator). */
export const COORDINATOR_PROBE_GROUP = 'inplay-coordinator-probe';

/** The ACL bindings of the policy for topics and groups under `prefix`. */
export function serviceAcls(prefix: string): AclEntry[] {
  const allow = (principal: string, resourceType: AclEntry['resourceType'], resourceName: string, resourcePatternType: AclEntry['resourcePatternType'], operation: AclEntry['operation']): AclEntry =>
    ({ principal: `User:${principal}`, host: '*', resourceType, resourceName, resourcePatternType, operation, permissionType: AclPermissionTypes.ALLOW });
  const { TOPIC, GROUP, TRANSACTIONAL_ID } = AclResourceTypes;
  const { LITERAL, PREFIXED } = ResourcePatternTypes;
  const { READ, WRITE, DESCRIBE, DELETE } = AclOperationTypes;
  return SERVICE_PRINCIPALS.flatMap((principal) => {
    const access = SERVICE_ACCESS[principal];
    return [
      ...TOPICS.map((t) => allow(principal, TOPIC, topicName(prefix, t.name), LITERAL, DESCRIBE)),
      ...access.write.map((t) => allow(principal, TOPIC, topicName(prefix, t), LITERAL, WRITE)),
      ...access.read.map((t) => allow(principal, TOPIC, topicName(prefix, t), LITERAL, READ)),
      allow(principal, GROUP, COORDINATOR_PROBE_GROUP, LITERAL, DESCRIBE),
      ...access.groups.flatMap((g) => [READ, DESCRIBE, DELETE].map((op) => allow(principal, GROUP, `${prefix}${g}`, PREFIXED, op))),
      ...access.transactionalIds.flatMap((id) => [WRITE, DESCRIBE].map((op) => allow(principal, TRANSACTIONAL_ID, `${prefix}${id}`, PREFIXED, op))),
    ];
  });
}

/** Writes the policy's bindings for `prefix` (idempotent). Needs an admin (super user) connection. Returns how many bindings. */
export async function ensureServiceAcls(admin: Admin, prefix = ''): Promise<number> {
  const acl = serviceAcls(prefix);
  await admin.createAcls({ acl });
  return acl.length;
}
