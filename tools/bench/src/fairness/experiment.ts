// `inplay fairness`: replays the shared real match through real pricing and
// settlement (in this process, on the running Kafka and Postgres) once per
// fairness policy, with a front-runner who sees every goal `frontRunMs` before
// the feed and buys the scorer, and honest users trading at random. Time is a
// simulated clock running `speed` times faster than the wall: every service
// reads it, so feed lag, locks, delays and windows keep their real lengths in
// match time while a 108-minute match takes under two minutes.
import { randomBytes, randomUUID } from 'node:crypto';
import type { MatchEvent, Order, OrderResult } from '@inplay/contracts';
import { createDatabase, createPool, dropDatabase, migrate, type Pool } from '@inplay/db';
import {
  DEFAULT_PRICING_CONFIG, createRandom, mapStatsBombEvents, medianOf, planFrontRuns, planHonestOrders, rngStateFromSeed, rosterFromLineups,
  scheduleReplay, scopeEventIdToMatch, type FairnessPolicyConfig, type FairnessPolicyName, type FairnessSettings, type FrontRun, type HonestOrderPlan,
} from '@inplay/domain';
import { DEMO_STATSBOMB_SOURCE, loadStatsBombMatch, registerMatch, type StatsBombMatchFiles, type StatsBombSource } from '@inplay/feed-ingest';
import { createKafka, createProducer, createSerde, ensureTopics, recordSender, signatureHeaders, topicName, waitForGroupCoordinator, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { startPricing } from '@inplay/pricing';
import { checkLedgerInvariants, createUser, startSettlement } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import { cleanUpOnInterrupt, runCleanups } from '../shared/interrupt';

/** The experiment writes orders as the gateway would: signed, so its settlement settles them. */
const EXPERIMENT_ORDER_SIGNING_KEY = 'experiment-order-signing-key-of-32-bytes+';

export const FRONT_RUNNER_ID = 'front-runner';
/** Starting cash of every simulated user (€1,000). */
export const EXPERIMENT_CASH_CENTS = 100_000;
/** The front-runner spends up to this much on each goal he sees early (€500). */
export const FRONT_RUN_BUDGET_CENTS = 50_000;
/** How often the front-runner looks again at a position he could not sell yet (lock, pending or provisional). */
export const FRONT_RUN_RECHECK_MS = 20_000;
/** He sells once he has seen the price jump; until then he looks again this often. */
export const FRONT_RUN_PRICE_WATCH_MS = 1_000;
/** Simulated time after full time for the last orders and sells to settle. */
export const AFTER_FULL_TIME_MS = 5 * 60_000;
/** Wall-clock bound on waiting for the last results once the match is over. */
export const DRAIN_TIMEOUT_MS = 120_000;

export interface ExperimentOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  /** The registry writer's credentials: each run registers the schemas under a prefix of its own. */
  registryAuth?: RegistryAuth;
  adminDatabaseUrl: string;
  policies: { name: FairnessPolicyName; config: FairnessPolicyConfig }[];
  /** Simulated ms per wall ms. */
  speed: number;
  honestUsers: number;
  honestMeanIntervalMs: number;
  frontRunMs: number;
  sellAfterFeedMs: number;
  feedLagMs: number;
  feedLagJitterMs: number;
  /** Replay only the first N minutes of match time (tests); default the whole match. */
  untilMinute?: number;
  seed: number;
  /** The match's files; default the demo match shipped in data/statsbomb. */
  source?: StatsBombSource;
  /** Simulated time after the last event for the last orders and sells (default AFTER_FULL_TIME_MS). */
  afterMatchMs?: number;
  /** Keeps each run's topics and database for inspection. */
  keep?: boolean;
  /** Rebuilds a run's projection from its topics and compares it with Postgres (the audit replay). */
  audit?: (run: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string; databaseUrl: string; topicPrefix: string; fairness: FairnessSettings }) => Promise<{ equal: boolean; discrepancies: number }>;
  /** Ranks users by the anomaly report of a run; returns user ids, most suspicious first. */
  rankUsers?: (run: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined; registryUrl: string; databaseUrl: string; topicPrefix: string }) => Promise<string[]>;
  log?: (line: string) => void;
  progress?: (policy: string, simMinute: number, totalMinutes: number, orders: number, results: number) => void;
}

export interface PolicyOutcome {
  policy: FairnessPolicyConfig;
  /** Front-runner's cash + holdings at the last price − starting cash, in cents. */
  frontRunnerPnl: number;
  /** Honest orders that ended FILLED (not voided) / honest orders placed. */
  honestFillRate: number;
  /** Median simulated ms from placement to fill of honest orders. */
  honestMedianTimeToFillMs: number | null;
  /** 1-based rank of the front-runner in the anomaly report (null: not listed). */
  frontRunnerRank: number | null;
  /** DESIGN.md's ledger invariants on the run's database (negative balances, unbalanced transactions, mismatches): 0 expected. */
  ledgerViolations: number;
  /** The audit replay of the run: rebuilt from the topics, equal to Postgres? (null when not run) */
  auditEqual: boolean | null;
  frontRunner: { buysPlaced: number; buysFilled: number; buysVoided: number; sellsPlaced: number; sellsFilled: number; cashCents: number; holdingsValueCents: number; rejectedByReason: Record<string, number> };
  honest: { placed: number; filled: number; rejectedByReason: Record<string, number>; medianPnlCents: number | null };
  wallSeconds: number;
}

export interface ExperimentReport {
  match: { provider: string; providerMatchId: string; credit: string; events: number; goals: number; minutes: number };
  setup: Omit<ExperimentOptions, 'rankUsers' | 'audit' | 'log' | 'progress' | 'brokers' | 'registryUrl' | 'registryAuth' | 'adminDatabaseUrl' | 'policies' | 'source'> & { pendingGraceMs: number; pricingDriftIntervalMs: number };
  policies: Record<string, PolicyOutcome>;
}

interface SimClock {
  now(): number;
  start(): void;
  until(at: number): Promise<void>;
}

/** Simulated time: frozen at `startAt` until start(), then `speed` simulated ms per wall ms. */
export function simClock(startAt: number, speed: number): SimClock {
  let wall0: number | null = null;
  const now = () => (wall0 === null ? startAt : Math.round(startAt + (performance.now() - wall0) * speed));
  return {
    now,
    start: () => { wall0 = performance.now(); },
    // Pacing the simulation, not waiting for a result: the clock decides when an action is due.
    until: (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, (at - now()) / speed))),
  };
}

export async function runFairnessExperiment(o: ExperimentOptions): Promise<ExperimentReport> {
  const raw = await loadStatsBombMatch(o.source ?? DEMO_STATSBOMB_SOURCE);
  const policies: Record<string, PolicyOutcome> = {};
  let matchInfo: ExperimentReport['match'] | undefined;
  for (const policy of o.policies) {
    const outcome = await runFairnessPolicy(o, policy, raw);
    matchInfo = outcome.match;
    policies[policy.name] = outcome.result;
  }
  return { match: matchInfo!, setup: experimentSetup(o), policies };
}

/** The pending-order executor's grace: 100 ms of wall time (at least 1 s of match time). */
export function pendingGraceMsAt(speed: number): number {
  return Math.max(1_000, 100 * speed);
}
const PRICING_DRIFT_INTERVAL_MS = 100;

/** The options that describe the experiment (not the endpoints, credentials or callbacks). */
export function experimentSetup(o: ExperimentOptions): ExperimentReport['setup'] {
  const { rankUsers: _r, audit: _au, log: _l, progress: _p, brokers: _b, kafkaSecurity: _k, registryUrl: _u, registryAuth: _ra, adminDatabaseUrl: _a, policies: _ps, source: _s, ...setup } = o;
  return { ...setup, pendingGraceMs: pendingGraceMsAt(o.speed), pricingDriftIntervalMs: PRICING_DRIFT_INTERVAL_MS };
}

/** The match's files (the demo match by default), read once for many runs. */
export function loadExperimentMatch(source: StatsBombSource = DEMO_STATSBOMB_SOURCE): Promise<StatsBombMatchFiles> {
  return loadStatsBombMatch(source);
}

/** One run of one policy on topics and a database of its own; runs of one process may overlap (each has its own services). */
export async function runFairnessPolicy(o: ExperimentOptions, policy: { name: string; config: FairnessPolicyConfig }, raw: StatsBombMatchFiles): Promise<{ match: ExperimentReport['match']; result: PolicyOutcome }> {
  const log = o.log ?? (() => undefined);
  const started = performance.now();
  log(`[${policy.name}] starting`);
  const outcome = await runOne(o, policy.name, policy.config, raw, { pendingGraceMs: pendingGraceMsAt(o.speed), pricingDriftIntervalMs: PRICING_DRIFT_INTERVAL_MS });
  const result = { ...outcome.result, wallSeconds: Math.round((performance.now() - started) / 100) / 10 };
  log(`[${policy.name}] front-runner P&L ${(result.frontRunnerPnl / 100).toFixed(2)} €, honest fill rate ${(result.honestFillRate * 100).toFixed(1)} %, front-runner rank ${result.frontRunnerRank ?? '-'}`);
  return { match: outcome.match, result };
}

type RawMatch = StatsBombMatchFiles;

interface RunEnv {
  prefix: string;
  databaseUrl: string;
  kafka: ReturnType<typeof createKafka>;
  serde: ReturnType<typeof createSerde>;
  /** Run last to first when the run ends. */
  cleanups: (() => Promise<unknown>)[];
}

/**
 * Topic creation and deletion of overlapping runs, one at a time: KafkaJS's
 * createTopics fails with UNKNOWN_TOPIC_OR_PARTITION when another client
 * creates or deletes topics on the same broker at the same moment.
 */
let topicAdminQueue: Promise<unknown> = Promise.resolve();
function oneTopicChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
  const result = topicAdminQueue.then(change);
  topicAdminQueue = result.catch(() => undefined);
  return result;
}

/** A topic prefix and a database of the run's own (dropped after it unless `keep`). */
async function runEnv(o: ExperimentOptions): Promise<RunEnv> {
  const id = randomBytes(3).toString('hex');
  const prefix = `fair${id}-`;
  const database = `fair_${id}`;
  const databaseUrl = await createDatabase(o.adminDatabaseUrl, database);
  const cleanups: (() => Promise<unknown>)[] = [];
  if (!o.keep) cleanups.push(() => dropDatabase(o.adminDatabaseUrl, database));
  const kafka = createKafka({ brokers: o.brokers, ...o.kafkaSecurity, clientId: `${prefix}experiment` });
  await migrate(databaseUrl);
  await waitForGroupCoordinator(kafka);
  const admin = kafka.admin();
  await admin.connect();
  await oneTopicChangeAtATime(() => ensureTopics(admin, prefix));
  if (!o.keep) cleanups.push(async () => { await oneTopicChangeAtATime(async () => admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(prefix)) })); await admin.disconnect(); });
  else cleanups.push(() => admin.disconnect());
  const serde = createSerde(o.registryUrl, prefix, o.registryAuth);
  await serde.registerAll();
  return { prefix, databaseUrl, kafka, serde, cleanups };
}

/** The match on simulated time (kick-off a minute after the clock starts), the honest users' orders and the front-runner's plan. */
function planMatch(o: ExperimentOptions, raw: RawMatch, prefix: string, clock: SimClock) {
  const kickOffAt = clock.now() + 60_000;
  const matchId = `statsbomb-${raw.providerMatchId}-${prefix.slice(0, -1)}`;
  const roster = rosterFromLineups(raw.lineups, raw.events, { matchId, teams: raw.teams });
  const feed = mapStatsBombEvents(raw.events, { matchId, kickOffAt: 0, provider: 'statsbomb', teams: raw.teams });
  const untilOffset = o.untilMinute === undefined ? Infinity : o.untilMinute * 60_000;
  const drafts = feed.events.filter((d) => d.occurredAt <= untilOffset).map((d) => ({ ...d, eventId: scopeEventIdToMatch(d) }));
  const events = scheduleReplay(drafts, { replayStartAt: kickOffAt, speed: 1, lagMs: o.feedLagMs, lagJitterMs: o.feedLagJitterMs }, createRandom(rngStateFromSeed(o.seed)));
  const lastIngestedAt = Math.max(...events.map((e) => e.ingestedAt));
  const firstTradeAt = (events[0]?.ingestedAt ?? kickOffAt) + 10_000;
  const honestIds = Array.from({ length: o.honestUsers }, (_, i) => `honest-${String(i + 1).padStart(3, '0')}`);
  return {
    kickOffAt, roster, events, honestIds,
    endAt: lastIngestedAt + (o.afterMatchMs ?? AFTER_FULL_TIME_MS),
    honestPlan: planHonestOrders({ seed: o.seed, userIds: honestIds, playerIds: roster.players.map((p) => p.playerId), from: firstTradeAt, until: lastIngestedAt, meanIntervalMs: o.honestMeanIntervalMs }),
    frontRuns: planFrontRuns(events, { frontRunMs: o.frontRunMs, sellAfterFeedMs: o.sellAfterFeedMs }),
    match: {
      provider: 'StatsBomb Open Data', providerMatchId: raw.providerMatchId, credit: 'Data: StatsBomb Open Data (https://github.com/statsbomb/open-data)',
      events: events.length, goals: events.filter((e) => e.type === 'GOAL').length, minutes: Math.round((lastIngestedAt - kickOffAt) / 60_000),
    },
  };
}

async function runOne(o: ExperimentOptions, name: string, policy: FairnessPolicyConfig, raw: RawMatch, tuning: { pendingGraceMs: number; pricingDriftIntervalMs: number }) {
  const log = o.log ?? (() => undefined);
  const env = await runEnv(o);
  const { prefix, databaseUrl, kafka, serde, cleanups } = env;
  const release = cleanUpOnInterrupt(() => runCleanups(cleanups, log));
  const logger = createLogger(`fairness-${name}`, 'silent');
  const failed: { error: Error | null } = { error: null };
  const fail = (err: unknown) => { failed.error ??= err instanceof Error ? err : new Error(String(err)); };
  try {
    const clock = simClock(Math.ceil(Date.now() / 60_000) * 60_000, o.speed);
    const plan = planMatch(o, raw, prefix, clock);
    const pool = createPool(databaseUrl, { max: 4, applicationName: 'fairness-experiment' });
    cleanups.unshift(() => pool.end());
    await registerMatch(pool, plan.roster, { provider: 'statsbomb', kickOffAt: plan.kickOffAt });
    for (const userId of [FRONT_RUNNER_ID, ...plan.honestIds]) await createUser(pool, { userId, displayName: userId, cashCents: EXPERIMENT_CASH_CENTS });

    const pricing = await startPricing({
      brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, databaseUrl, topicPrefix: prefix, clock: clock.now, logger, onFatal: fail,
      pricing: { ...DEFAULT_PRICING_CONFIG, driftIntervalMs: tuning.pricingDriftIntervalMs },
    });
    cleanups.unshift(() => pricing.stop());
    const settlement = await startSettlement({
      brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, orderSigningKey: EXPERIMENT_ORDER_SIGNING_KEY, registryUrl: o.registryUrl, databaseUrl, topicPrefix: prefix, logger, onFatal: fail, now: clock.now,
      fairness: { default: policy, byMatch: {} }, maxPriceAgeMs: 3_600_000, pendingPollMs: 20, pendingGraceMs: tuning.pendingGraceMs,
    });
    cleanups.unshift(() => settlement.stop());
    const producer = createProducer(kafka);
    await producer.connect();
    cleanups.unshift(() => producer.disconnect());

    // What the traders learn: every order result.
    const book = tradeBook();
    const consumer = kafka.consumer({ groupId: `${prefix}experiment-results`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(prefix, 'order.results'), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { if (message.value) book.onResult(await serde.decode<OrderResult>(message.value)); } });
    cleanups.unshift(() => consumer.disconnect());

    await playMatch({ name, o, plan, clock, book, settlement, pool, sender: recordSender(producer, serde, prefix, { sign: { orders: (key, value) => signatureHeaders(EXPERIMENT_ORDER_SIGNING_KEY, key, value) } }), failed });
    const result = await summarize(pool, book, (playerId) => settlement.prices.get(playerId)?.priceCents ?? 0, plan.honestIds);
    const ledger = await checkLedgerInvariants(pool);
    const audit = o.audit ? await o.audit({ brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, databaseUrl, topicPrefix: prefix, fairness: { default: policy, byMatch: {} } }) : null;
    if (audit && !audit.equal) log(`[${name}] audit replay found ${audit.discrepancies} discrepancies`);
    const ranking = o.rankUsers ? await o.rankUsers({ brokers: o.brokers, kafkaSecurity: o.kafkaSecurity, registryUrl: o.registryUrl, databaseUrl, topicPrefix: prefix }) : [];
    const rank = ranking.indexOf(FRONT_RUNNER_ID);
    return { match: plan.match, result: { policy, ...result, ledgerViolations: ledger.violations, auditEqual: audit?.equal ?? null, frontRunnerRank: rank < 0 ? null : rank + 1 } };
  } finally {
    release();
    await runCleanups(cleanups, (line) => log(`[${name}] ${line}`));
  }
}

interface PlayContext {
  name: string;
  o: ExperimentOptions;
  plan: ReturnType<typeof planMatch>;
  clock: SimClock;
  book: ReturnType<typeof tradeBook>;
  settlement: Awaited<ReturnType<typeof startSettlement>>;
  pool: ReturnType<typeof createPool>;
  sender: ReturnType<typeof recordSender>;
  failed: { error: Error | null };
}

/** The match on the simulated clock: the feed's events, the honest users' orders and the front-runner's; then every order's result. */
async function playMatch(c: PlayContext): Promise<void> {
  const { o, plan, clock, book, settlement, sender, failed, name } = c;
  // What the front-runner watches: which events have moved prices (their EVENT ticks reached settlement).
  const pricedEvents = new Set<string>();
  settlement.prices.onTick((tick) => { if (tick.causeEventId) pricedEvents.add(tick.causeEventId); });
  const placeOrder = async (userId: string, playerId: string, side: 'BUY' | 'SELL', quantity: number, kind: Placed['kind']) => {
    const order: Order = { orderId: randomUUID(), userId, idempotencyKey: randomUUID(), bodyHash: 'fairness-experiment', playerId, side, quantity, limitPriceCents: null, placedAt: clock.now() };
    book.placed(order, kind);
    await sender.send('orders', [{ key: userId, value: order }]);
  };
  const heldInDb = async (userId: string, playerId: string) =>
    Number((await c.pool.query<{ q: string }>('SELECT quantity AS q FROM holdings WHERE user_id = $1 AND player_id = $2', [userId, playerId])).rows[0]?.q ?? 0);

  type Action = { at: number; run: () => Promise<void> };
  const actions: Action[] = [];
  const schedule = (action: Action) => {
    let i = actions.length;
    while (i > 0 && actions[i - 1]!.at > action.at) i -= 1;
    actions.splice(i, 0, action);
  };
  for (const event of plan.events) schedule({ at: event.ingestedAt, run: () => sender.send('match.events', [{ key: event.matchId, value: event satisfies MatchEvent }]).then(() => undefined) });
  for (const order of plan.honestPlan) schedule({ at: order.at, run: () => honestOrder(order) });
  for (const run of plan.frontRuns) {
    schedule({ at: run.buyAt, run: () => frontRunBuy(run) });
    schedule({ at: run.sellAt, run: () => frontRunSell(run) });
  }

  async function honestOrder(order: HonestOrderPlan) {
    const holding = book.available(order.userId, order.playerId);
    if (holding > 0 && order.coin < 0.5) await placeOrder(order.userId, order.playerId, 'SELL', Math.min(order.quantity, holding), 'honest');
    else await placeOrder(order.userId, order.playerId, 'BUY', order.quantity, 'honest');
  }
  async function frontRunBuy(run: FrontRun) {
    const price = settlement.prices.get(run.playerId)?.priceCents;
    if (!price) return;
    const quantity = Math.floor(FRONT_RUN_BUDGET_CENTS / price);
    if (quantity > 0) await placeOrder(FRONT_RUNNER_ID, run.playerId, 'BUY', quantity, 'front-run-buy');
  }
  async function frontRunSell(run: FrontRun) {
    // Selling before the price has jumped would only give back the spread: he waits for the jump.
    if (!pricedEvents.has(run.eventId) && clock.now() + FRONT_RUN_PRICE_WATCH_MS < plan.endAt) {
      schedule({ at: clock.now() + FRONT_RUN_PRICE_WATCH_MS, run: () => frontRunSell(run) });
      return;
    }
    const held = await heldInDb(FRONT_RUNNER_ID, run.playerId);
    if (held > 0 && !book.hasOpen(FRONT_RUNNER_ID, run.playerId, 'SELL')) await placeOrder(FRONT_RUNNER_ID, run.playerId, 'SELL', held, 'front-run-sell');
    const unresolved = held > 0 || book.hasOpen(FRONT_RUNNER_ID, run.playerId, 'BUY') || book.hasOpen(FRONT_RUNNER_ID, run.playerId, 'SELL');
    if (unresolved && clock.now() + FRONT_RUN_RECHECK_MS < plan.endAt) schedule({ at: clock.now() + FRONT_RUN_RECHECK_MS, run: () => frontRunSell(run) });
  }

  clock.start();
  const totalMinutes = Math.round((plan.endAt - plan.kickOffAt) / 60_000);
  let lastProgress = 0;
  while (actions.length > 0) {
    if (failed.error) throw failed.error;
    await clock.until(actions[0]!.at);
    const due: Action[] = [];
    while (actions.length > 0 && actions[0]!.at <= clock.now()) due.push(actions.shift()!);
    for (const action of due) await action.run();
    if (performance.now() - lastProgress > 1_000) {
      lastProgress = performance.now();
      o.progress?.(name, Math.round((clock.now() - plan.kickOffAt) / 60_000), totalMinutes, book.placedCount(), book.resultCount());
    }
  }
  await clock.until(plan.endAt);
  const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (book.openCount() > 0) {
    if (failed.error) throw failed.error;
    if (performance.now() > drainDeadline) throw new Error(`[${name}] ${book.openCount()} orders still without a result ${DRAIN_TIMEOUT_MS} ms after the match`);
    await clock.until(clock.now() + 1_000);
  }
}

interface Placed {
  order: Order;
  kind: 'honest' | 'front-run-buy' | 'front-run-sell';
  result?: OrderResult;
  voided?: OrderResult;
}

/** The orders the traders placed and what became of them (from order.results). */
function tradeBook() {
  const orders = new Map<string, Placed>();
  const holdings = new Map<string, number>();
  const key = (userId: string, playerId: string) => `${userId}\u0000${playerId}`;
  const add = (userId: string, playerId: string, q: number) => holdings.set(key(userId, playerId), (holdings.get(key(userId, playerId)) ?? 0) + q);
  let results = 0;
  return {
    placed(order: Order, kind: Placed['kind']) {
      orders.set(order.orderId, { order, kind });
      if (order.side === 'SELL') add(order.userId, order.playerId, -order.quantity);
    },
    onResult(result: OrderResult) {
      const placed = orders.get(result.orderId);
      if (!placed) return;
      const { order } = placed;
      if (result.status === 'VOIDED' && placed.result?.status === 'FILLED') {
        placed.voided = result;
        add(order.userId, order.playerId, order.side === 'BUY' ? -order.quantity : order.quantity);
        return;
      }
      if (placed.result) return;
      placed.result = result;
      results += 1;
      if (result.status === 'FILLED' && order.side === 'BUY') add(order.userId, order.playerId, order.quantity);
      if (result.status !== 'FILLED' && order.side === 'SELL') add(order.userId, order.playerId, order.quantity);
    },
    /** Shares the user can offer: filled buys − sells placed (a sell reserves its shares until refused). */
    available: (userId: string, playerId: string) => Math.max(0, holdings.get(key(userId, playerId)) ?? 0),
    hasOpen: (userId: string, playerId: string, side: 'BUY' | 'SELL') =>
      [...orders.values()].some((p) => !p.result && p.order.userId === userId && p.order.playerId === playerId && p.order.side === side),
    placedCount: () => orders.size,
    resultCount: () => results,
    openCount: () => orders.size - results,
    all: () => [...orders.values()],
  };
}

async function summarize(pool: Pool, book: ReturnType<typeof tradeBook>, priceOf: (playerId: string) => number, honestIds: string[]) {
  const accounts = new Map((await pool.query<{ user_id: string; cash_cents: string }>('SELECT user_id, cash_cents FROM accounts')).rows.map((r) => [r.user_id, Number(r.cash_cents)]));
  const holdings = (await pool.query<{ user_id: string; player_id: string; quantity: string }>('SELECT user_id, player_id, quantity FROM holdings WHERE quantity > 0')).rows;
  const value = new Map<string, number>();
  for (const h of holdings) value.set(h.user_id, (value.get(h.user_id) ?? 0) + Number(h.quantity) * priceOf(h.player_id));
  const pnl = (userId: string) => (accounts.get(userId) ?? 0) + (value.get(userId) ?? 0) - EXPERIMENT_CASH_CENTS;
  const all = book.all();
  const honest = all.filter((p) => p.kind === 'honest');
  const filled = honest.filter((p) => p.result?.status === 'FILLED' && !p.voided);
  const reasons = (placed: Placed[]) => {
    const byReason: Record<string, number> = {};
    for (const p of placed) {
      const reason = p.voided ? (p.voided.reason ?? 'VOIDED') : p.result?.status === 'FILLED' ? null : (p.result?.reason ?? 'NO_RESULT');
      if (reason) byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
    return byReason;
  };
  const rejectedByReason = reasons(honest);
  const buys = all.filter((p) => p.kind === 'front-run-buy');
  const sells = all.filter((p) => p.kind === 'front-run-sell');
  return {
    frontRunnerPnl: pnl(FRONT_RUNNER_ID),
    honestFillRate: honest.length === 0 ? 0 : Math.round((filled.length / honest.length) * 10_000) / 10_000,
    honestMedianTimeToFillMs: medianOf(filled.map((p) => p.result!.settledAt - p.order.placedAt)),
    frontRunner: {
      buysPlaced: buys.length, buysFilled: buys.filter((p) => p.result?.status === 'FILLED').length, buysVoided: buys.filter((p) => p.voided || p.result?.status === 'VOIDED').length,
      sellsPlaced: sells.length, sellsFilled: sells.filter((p) => p.result?.status === 'FILLED').length,
      cashCents: accounts.get(FRONT_RUNNER_ID) ?? 0, holdingsValueCents: value.get(FRONT_RUNNER_ID) ?? 0, rejectedByReason: reasons([...buys, ...sells]),
    },
    honest: { placed: honest.length, filled: filled.length, rejectedByReason, medianPnlCents: medianOf(honestIds.map(pnl)) },
  };
}
