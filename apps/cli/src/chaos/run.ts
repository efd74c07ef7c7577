// `inplay chaos`: one stack (chaos/stack.ts) under steady load — orders from
// many users at a fixed rate, the demo match replaying, WebSocket clients
// subscribed to every player — and, one after another, each scenario: load,
// the fault, recovery, more load, then the load stops, accepted orders drain
// and every check of checks.ts runs. A table on stdout, the report as JSON.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { issueToken, signingKey } from '@inplay/auth';
import { runReplayAudit, topicEnds } from '@inplay/audit';
import { createPool } from '@inplay/db';
import { parseFairnessSettings } from '@inplay/domain';
import { ensureDebianPackages, waitUntil } from '@inplay/infra';
import { createUser } from '@inplay/settlement';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { createKafka, createProducer, createSerde } from '@inplay/kafka';
import { devSecrets } from '../secrets';
import { REPO_ROOT } from '../services';
import { ChaosStack, KAFKA_PROXY, POSTGRES_PROXY } from './stack';
import { OrderLoad, TickWatchers } from './load';
import { runChecks, type Check } from './checks';
import { chaosChartSvg } from './chart';
import { SCENARIOS, recoveryMs, windowStats, type ChaosTimings, type ScenarioName, type WindowStats } from './plan';

/** Starting cash of each load user (cents). */
/** How long the replay audit may take to find the projection equal after the load stops (late-event voids catching up), and its pause between tries. */
export const AUDIT_SETTLE_TIMEOUT_MS = 20_000;
const AUDIT_RETRY_PAUSE_MS = 1_000;

export const CHAOS_USER_CASH_CENTS = 1_000_000;
/** The load's tokens outlive a whole chaos run (every scenario, about 20 minutes), well past libs/auth's 15-minute default. */
export const CHAOS_TOKEN_TTL_MS = 6 * 60 * 60 * 1000;
/** The clock skew of the clock-skew scenario. */
export const CLOCK_SKEW_MS = 5_000;
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
/** Orders the registry-new-schema scenario writes with the new schema id. */
export const NEW_SCHEMA_ORDERS = 20;
/** How long the demo match may take to put its players on the gateway. */
const PLAYERS_TIMEOUT_MS = 120_000;

export interface ChaosOptions {
  infra: 'local' | 'containers';
  cacheDir: string;
  stateDir: string;
  scenarios: ScenarioName[];
  timings: ChaosTimings;
  ordersPerSec: number;
  users: number;
  wsClients: number;
  demoSpeed: number;
  kafkaHeapMb: number;
  json?: string;
  log: (line: string) => void;
}

export interface ScenarioReport {
  name: ScenarioName;
  description: string;
  ok: boolean;
  /** The headline figures. */
  ordersAccepted: number;
  lost: number;
  duplicated: number;
  /** Every check but the audit. */
  invariantsOk: boolean;
  auditEqual: boolean;
  recoveryMs: number | null;
  ordersPerSecDuring: number;
  orders: { placed: number; accepted: number; notAccepted: number };
  before: WindowStats;
  during: WindowStats;
  after: WindowStats;
  drainMs: number;
  checks: Check[];
  error?: string;
}

export interface ChaosReport {
  startedAt: string;
  infra: 'local' | 'containers';
  ok: boolean;
  ordersPerSec: number;
  users: number;
  wsClients: number;
  timings: ChaosTimings;
  scenarios: ScenarioReport[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A newer writer: registers a compatible new version of the Order schema (an optional field more),
 * then, with the registry down, writes orders with that id, which no consumer has cached. They must
 * wait for the registry and settle, not go to dead.letter. Returns their order ids.
 */
async function ordersWithNewSchema(stack: ChaosStack, users: string[], players: string[], t: ChaosTimings): Promise<string[]> {
  const e = stack.endpoints;
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'order.avsc'), 'utf8')) as { fields: unknown[] };
  schema.fields.push({ name: 'chaosNote', type: ['null', 'string'], default: null });
  const serde = createSerde(e.schemaRegistryUrl, '');
  const { id } = await serde.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: 'orders-value' });
  const orders = Array.from({ length: NEW_SCHEMA_ORDERS }, (_, i) => ({
    orderId: randomUUID(), userId: users[i % users.length]!, idempotencyKey: randomUUID(), bodyHash: createHash('sha256').update(String(i)).digest('hex'),
    playerId: players[i % players.length]!, side: 'BUY', quantity: 1, limitPriceCents: null, placedAt: Date.now(), chaosNote: `schema id ${id}`,
  }));
  const messages = await Promise.all(orders.map(async (o) => ({ key: o.userId, value: await serde.registry.encode(id, o) })));
  const kafka = createKafka({ brokers: e.kafkaBrokers, ...e.kafkaSecurity, clientId: 'inplay-chaos-writer' });
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    stack.killRegistry();
    await producer.send({ topic: 'orders', acks: -1, messages });
    await sleep(t.faultMs);
    await stack.startRegistry();
  } finally {
    await producer.disconnect();
  }
  return orders.map((o) => o.orderId);
}

/** Injects the scenario's fault, holds it, and recovers; returns the ids of orders it placed itself. */
async function inject(stack: ChaosStack, name: ScenarioName, t: ChaosTimings, users: string[], players: string[]): Promise<string[] | void> {
  const toxi = stack.toxiproxy!;
  const withToxic = async (proxy: string, toxic: Parameters<typeof toxi.addToxic>[1]): Promise<void> => {
    await toxi.addToxic(proxy, toxic);
    await sleep(t.faultMs);
    await toxi.clearToxics(proxy);
  };
  const killAndStart = async (service: string): Promise<void> => {
    await stack.kill(service);
    await sleep(t.faultMs);
    await stack.startService(service);
  };
  switch (name) {
    case 'kill-settlement': return killAndStart('settlement');
    case 'kill-pricing': return killAndStart('pricing');
    case 'kill-gateway': return killAndStart('gateway');
    case 'kill-feed-ingest': return killAndStart('feed-ingest');
    case 'kill-leaderboard': return killAndStart('leaderboard');
    case 'registry-new-schema': return ordersWithNewSchema(stack, users, players, t);
    case 'kill-registry':
      stack.killRegistry();
      await sleep(t.faultMs);
      return stack.startRegistry();
    case 'broker-kill': { await stack.killBroker({ downMs: t.faultMs }); return; }
    case 'kafka-restart': return stack.restartKafka({ hard: false, downMs: t.faultMs });
    case 'kafka-kill': return stack.restartKafka({ hard: true, downMs: t.faultMs });
    case 'postgres-restart': return stack.restartPostgres({ downMs: t.faultMs });
    case 'kafka-latency': return withToxic(KAFKA_PROXY, { type: 'latency', latencyMs: 200, jitterMs: 50 });
    case 'postgres-latency': return withToxic(POSTGRES_PROXY, { type: 'latency', latencyMs: 200, jitterMs: 50 });
    case 'kafka-bandwidth': return withToxic(KAFKA_PROXY, { type: 'bandwidth', rateKBps: 64 });
    case 'postgres-reset': return withToxic(POSTGRES_PROXY, { type: 'reset_peer', afterMs: 500 });
    case 'kafka-partition': return withToxic(KAFKA_PROXY, { type: 'timeout', afterMs: 0 });
    case 'postgres-partition': return withToxic(POSTGRES_PROXY, { type: 'timeout', afterMs: 0 });
    case 'settlement-scale': {
      const extra = [await stack.addSettlement(2), await stack.addSettlement(3)];
      await sleep(t.faultMs);
      for (const name of extra) await stack.stopService(name);
      return;
    }
    case 'clock-skew': {
      await ensureDebianPackages([{ command: 'faketime', pkg: 'faketime' }], 'the clock-skew scenario (libfaketime)', stack.logDir);
      if (!existsSync(LIBFAKETIME)) throw new Error(`libfaketime is not at ${LIBFAKETIME}`);
      stack.extraEnv['settlement'] = { LD_PRELOAD: LIBFAKETIME, FAKETIME: `+${CLOCK_SKEW_MS / 1_000}s`, FAKETIME_DONT_RESET: '1' };
      await stack.kill('settlement');
      await stack.startService('settlement');
      await sleep(t.faultMs);
      delete stack.extraEnv['settlement'];
      await stack.kill('settlement');
      return stack.startService('settlement');
    }
  }
}

async function runScenario(stack: ChaosStack, name: ScenarioName, o: ChaosOptions, tokens: Map<string, string>, players: string[]): Promise<ScenarioReport> {
  const t = o.timings;
  o.log(`\n▶ ${name}: ${SCENARIOS[name]}`);
  const load = new OrderLoad({ gatewayUrl: stack.gatewayUrl, tokens, players: () => players, ratePerSec: o.ordersPerSec });
  const watchers = new TickWatchers(stack.gatewayUrl.replace(/^http/, 'ws') + '/ws', () => players, o.wsClients);
  const started = Date.now();
  load.start();
  watchers.start();
  let error: string | undefined;
  await sleep(t.warmMs);
  const faultAt = Date.now();
  const deadLettersBefore = await deadLetterCount(stack);
  let ownOrders: string[] = [];
  try {
    ownOrders = (await inject(stack, name, t, [...tokens.keys()], players)) ?? [];
  } catch (err) {
    error = `the fault could not be injected or recovered: ${(err as Error).message}`;
    o.log(`  ✗ ${error}`);
  }
  const recoveredAt = Date.now();
  o.log(`  fault ${((recoveredAt - faultAt) / 1000).toFixed(1)} s; load continues ${t.afterMs / 1000} s`);
  await sleep(t.afterMs);
  const loadEnd = Date.now();
  await load.stop();
  const drainStart = Date.now();
  const direct = createPool(stack.directDatabaseUrl, { max: 2, applicationName: 'inplay-chaos' });
  const acceptedIds = [...load.outcomes.filter((x) => x.accepted && x.orderId).map((x) => x.orderId!), ...ownOrders];
  await waitUntil('every accepted order settled', async () => {
    const { rows } = await direct.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE order_id = ANY($1::text[])', [acceptedIds]);
    return Number(rows[0]!.n) >= acceptedIds.length;
  }, t.drainTimeoutMs, 500).catch(() => undefined); // the check below says what is missing
  const drainMs = Date.now() - drainStart;
  watchers.stop();
  const e = stack.endpoints;
  const fairness = parseFairnessSettings(process.env['FAIRNESS_POLICY'], process.env['FAIRNESS_POLICY_BY_MATCH']);
  let checks: Check[] = [];
  let lost = -1;
  let duplicated = -1;
  try {
    // The match goes on while we check: a late event can reach the topics a moment before live settlement
    // has voided the fills it touches, and the rebuild (which folds the topics) already has. The projection
    // is eventually equal: audit again until it is, or until AUDIT_SETTLE_TIMEOUT_MS says it is not.
    const auditOnce = () => runReplayAudit({
      brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, liveDatabaseUrl: stack.directDatabaseUrl,
      ...(fairness.ok ? { fairness: fairness.settings } : {}), dropRebuiltDatabase: true, progressOut: null, verdictOut: null,
    });
    let audit = await auditOnce();
    for (const settleBy = Date.now() + AUDIT_SETTLE_TIMEOUT_MS; !audit.equal && Date.now() < settleBy;) {
      await sleep(AUDIT_RETRY_PAUSE_MS);
      audit = await auditOnce();
    }
    ({ checks, lost, duplicated } = await runChecks({
      pool: direct, brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, outcomes: load.outcomes, extraOrderIds: ownOrders, watchers: watchers.result,
      deadLetters: (await deadLetterCount(stack)) - deadLettersBefore,
      audit: { equal: audit.equal, discrepancies: audit.discrepancies.length, detail: audit.equal ? `equal (${audit.events.total} events)` : `${audit.discrepancies.length} discrepancies: ${audit.discrepancies.slice(0, 2).map((d) => JSON.stringify(d)).join('; ')}` },
    }));
  } catch (err) {
    error = `${error ? `${error}; ` : ''}checks failed to run: ${(err as Error).message}`;
  } finally {
    await direct.end();
  }
  const outcomes = load.outcomes;
  const auditCheck = checks.find((c) => c.name.startsWith('the projection equals'));
  const during = windowStats(outcomes, faultAt, recoveredAt);
  const report: ScenarioReport = {
    name, description: SCENARIOS[name],
    ok: !error && checks.length > 0 && checks.every((c) => c.ok),
    ordersAccepted: outcomes.filter((x) => x.accepted).length + ownOrders.length,
    lost, duplicated,
    invariantsOk: checks.length > 0 && checks.every((c) => c.ok || c === auditCheck),
    auditEqual: auditCheck?.ok ?? false,
    recoveryMs: recoveryMs(outcomes, recoveredAt),
    ordersPerSecDuring: during.acceptedPerSec,
    orders: { placed: outcomes.length, accepted: outcomes.filter((x) => x.accepted).length, notAccepted: outcomes.filter((x) => !x.accepted).length },
    before: windowStats(outcomes, started, faultAt),
    during,
    after: windowStats(outcomes, recoveredAt, loadEnd),
    drainMs,
    checks,
    ...(error ? { error } : {}),
  };
  for (const c of checks) o.log(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  return report;
}

/** Records on dead.letter so far. */
async function deadLetterCount(stack: ChaosStack): Promise<number> {
  return Number((await topicEnds(createKafka({ brokers: stack.endpoints.kafkaBrokers, ...stack.endpoints.kafkaSecurity, clientId: 'inplay-chaos-dlq' }), 'dead.letter')).total);
}

function formatTable(scenarios: readonly ScenarioReport[]): string {
  const head = ['scenario', 'verdict', 'placed', 'accepted', 'lost', 'doubled', 'ord/s before', 'ord/s during', 'ord/s after', 'p99 during', 'p99 after', 'recover'];
  const ms = (v: number | null): string => (v === null ? '—' : `${v} ms`);
  const rows = scenarios.map((s) => [
    s.name, s.ok ? 'ok' : `FAIL (${s.error ? 'error' : s.checks.filter((c) => !c.ok).map((c) => c.name).join('; ')})`,
    String(s.orders.placed), String(s.ordersAccepted), String(s.lost), String(s.duplicated), String(s.before.acceptedPerSec), String(s.during.acceptedPerSec), String(s.after.acceptedPerSec),
    ms(s.during.p99Ms), ms(s.after.p99Ms), ms(s.recoveryMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const stack = new ChaosStack({ infra: o.infra, cacheDir: o.cacheDir, stateDir: o.stateDir, demoSpeed: o.demoSpeed, kafkaHeapMb: o.kafkaHeapMb, log: o.log });
  const report: ChaosReport = { startedAt: new Date().toISOString(), ok: false, infra: o.infra, ordersPerSec: o.ordersPerSec, users: o.users, wsClients: o.wsClients, timings: o.timings, scenarios: [] };
  let stopping = false;
  const onSignal = (): void => { if (!stopping) { stopping = true; o.log('\nstopping after the current scenario...'); } };
  process.on('SIGINT', onSignal);
  try {
    await stack.start();
    const secrets = devSecrets(o.stateDir);
    const key = signingKey(secrets.JWT_SECRET);
    const tokens = new Map<string, string>();
    for (let i = 1; i <= o.users; i++) {
      const userId = `chaos-${i}`;
      const created = await createUser(stack.directDatabaseUrl, { userId, displayName: userId, cashCents: CHAOS_USER_CASH_CENTS });
      if (!created.ok) throw new Error(`load user ${userId}: ${created.message}`);
      tokens.set(userId, await issueToken(key, userId, { ttlMs: CHAOS_TOKEN_TTL_MS }));
    }
    o.log('services...');
    await stack.startServices();
    o.log(`the demo match at ${o.demoSpeed}×: waiting for its players on the gateway...`);
    let players: string[] = [];
    await waitUntil('players with prices on the gateway', async () => {
      const body = (await (await fetch(`${stack.gatewayUrl}/players`)).json()) as { players: { playerId: string; seq?: number }[] };
      // Every player of the live match once the first has a price (the others have their opening price).
      players = body.players.some((p) => p.seq !== undefined) ? body.players.map((p) => p.playerId) : [];
      return players.length > 0;
    }, PLAYERS_TIMEOUT_MS, 500).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; the services' last lines:\n${stack.lastWords()}`);
    });
    o.log(`${players.length} players; ${o.users} users placing ${o.ordersPerSec} orders/s; ${o.wsClients} WebSocket clients`);
    for (const name of o.scenarios) {
      if (stopping) break;
      report.scenarios.push(await runScenario(stack, name, o, tokens, players));
    }
  } finally {
    process.off('SIGINT', onSignal);
    o.log('\nstopping the stack...');
    await stack.stop();
  }
  report.ok = report.scenarios.length === o.scenarios.length && report.scenarios.every((s) => s.ok);
  o.log(`\n${formatTable(report.scenarios)}\n`);
  if (o.json) {
    mkdirSync(dirname(o.json), { recursive: true });
    writeFileSync(o.json, `${JSON.stringify(report, null, 2)}\n`);
    const svg = o.json.replace(/\.json$/, '') + '.svg';
    writeFileSync(svg, chaosChartSvg(report.scenarios.map((s) => ({ name: s.name, ok: s.ok, before: s.before.acceptedPerSec, during: s.during.acceptedPerSec, after: s.after.acceptedPerSec, recoveryMs: s.recoveryMs })),
      `inplay chaos (${o.infra}): ${o.ordersPerSec} orders/s, fault ${o.timings.faultMs / 1000} s`));
    o.log(`wrote ${o.json} and ${svg}`);
  }
  o.log(report.ok ? 'every scenario: nothing lost, nothing doubled, the ledger equal to the topics.' : `✗ ${report.scenarios.filter((s) => !s.ok).length} scenario(s) failed; logs in ${join(o.stateDir, 'logs')}`);
  return report;
}
