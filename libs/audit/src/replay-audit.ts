// `inplay replay`: rebuild the ledger projection and the leaderboards from the
// topics alone into a fresh database, prove them equal to the live projection
// (row by row and by the hash chain), re-check every fill against price.ticks
// and every order's one result; print a verdict and every discrepancy.
//
// Genesis: opening balances are on no topic. The replay takes each user's
// issuance ledger row from Postgres as the genesis, and does not trust it
// blindly: it is the first link of that user's hash chain, and every order
// result carries the cash the user had left, so a tampered opening balance
// shows up as CASH_AFTER_MISMATCH on the user's first order.
import { writeFileSync } from 'node:fs';
import type { Order, OrderResult, PriceTick } from '@inplay/contracts';
import { createPool, redact, sha256Hex } from '@inplay/db';
import {
  applyResult, applyTick, initialStandings, matchBoard, openAccount, overallBoard, playersByMatch, startRebuild, tickKey,
  type Board, type Discrepancy, type FairnessSettings, type GenesisAccount, type Rebuild,
} from '@inplay/domain';
import { createKafka, createSerde, type KafkaSecurity } from '@inplay/kafka';
import { compareProjections, compareProjectionsYielding } from './compare';
import { copyRebuiltDatabase, prepareRebuiltDatabase, writeRebuiltDatabase } from './fresh-db';
import { readLiveProjection, streamLiveProjection, type LiveProjection } from './live';
import { progressBar } from './progress-bar';
import { readTopic, topicEnds } from './read-topic';

/** How the audit runs its stages (the result is the same). */
export type ReplayPipeline = 'streaming' | 'sequential';
export const REPLAY_PIPELINES: readonly ReplayPipeline[] = ['sequential', 'streaming'];

export interface ReplayAuditOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  /** A role that may CREATE DATABASE: the rebuild goes into a fresh one. */
  adminDatabaseUrl: string;
  liveDatabaseUrl: string;
  topicPrefix?: string;
  /** Writes the report there as JSON. */
  json?: string;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
  /** The deployment's fairness policies (FAIRNESS_POLICY / FAIRNESS_POLICY_BY_MATCH); default trade lock. */
  fairness?: FairnessSettings;
  /** Drops the rebuilt database at the end (tests); by default it is kept for inspection. */
  dropRebuiltDatabase?: boolean;
  /** Where the progress bar and the verdict go; null for silence. */
  progressOut?: NodeJS.WriteStream | null;
  verdictOut?: NodeJS.WritableStream | null;
  /**
   * 'streaming' (default): the live projection streamed while the topics are read, results folded as they
   * arrive once orders, ticks and genesis are in, the rebuilt database COPYed while the projections are compared.
   * 'sequential': the stages one after another with INSERTs and every chain re-hashed (the bench's baseline).
   */
  pipeline?: ReplayPipeline;
}

export interface ReplayAuditReport {
  equal: boolean;
  discrepancies: Discrepancy[];
  eventsPerSec: number;
  events: { orders: number; results: number; ticks: number; genesis: number; total: number };
  redeliveredResults: number;
  durationMs: number;
  /** Each stage's duration. */
  phasesMs: Record<string, number>;
  /** Each stage's start and end (ms since the audit began): overlapping spans ran side by side. */
  phaseSpansMs: Record<string, [number, number]>;
  pipeline: ReplayPipeline;
  rebuiltDatabase: string | null;
  notes: string[];
}

type TickFacts = Pick<PriceTick, 'priceCents' | 'lockedUntil' | 'matchId'>;

export async function runReplayAudit(options: ReplayAuditOptions): Promise<ReplayAuditReport> {
  const startedAt = performance.now();
  const pipeline = options.pipeline ?? 'streaming';
  const streaming = pipeline === 'streaming';
  const phasesMs: Record<string, number> = {};
  const phaseSpansMs: Record<string, [number, number]> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try { return await work(); } finally {
      const t1 = performance.now();
      phasesMs[name] = Math.round(t1 - t0);
      phaseSpansMs[name] = [Math.round(t0 - startedAt), Math.round(t1 - startedAt)];
    }
  };
  const prefix = options.topicPrefix ?? '';
  const progressOut = options.progressOut === undefined ? process.stderr : options.progressOut;
  const kafka = createKafka({ brokers: options.brokers, ...options.kafkaSecurity, clientId: 'inplay-audit' });
  const serde = createSerde(options.registryUrl, prefix);
  const livePool = createPool(options.liveDatabaseUrl, { max: 2, applicationName: 'inplay-audit' });
  const notes: string[] = [];
  try {
    // The live projection is read (one snapshot) while the topics are; its genesis (the ledger, read first) starts the fold.
    let genesis: readonly GenesisAccount[] | null = null;
    let genesisListener: () => void = () => undefined;
    let genesisResolve: () => void = () => undefined;
    const genesisArrived = new Promise<void>((resolve) => { genesisResolve = resolve; });
    const livePromise = phase('readLive', () => (streaming
      ? streamLiveProjection(livePool, (g) => { genesis = g; genesisResolve(); genesisListener(); })
      : readLiveProjection(livePool)));
    livePromise.catch(() => undefined);
    const totals = await Promise.all((['orders', 'order.results', 'price.ticks'] as const).map(async (t) => Number((await topicEnds(kafka, `${prefix}${t}`)).total)));
    const total = totals.reduce((a, b) => a + b, 0);
    const bar = progressBar('replay', total, progressOut);
    let done = 0;
    const count = () => { done++; if ((done & 1023) === 0) { bar.tick(done); options.onProgress?.({ phase: 'read', done, total }); } };

    const orders = new Map<string, Order>();
    const ticks = new Map<string, TickFacts>();
    const standings = initialStandings();
    let lastEventAt = 0;
    // The fresh database is created and migrated while the topics are read.
    const name = `audit_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${Math.random().toString(36).slice(2, 8)}`;
    const fresh = prepareRebuiltDatabase(options.adminDatabaseUrl, name);
    fresh.catch(() => undefined);

    // Results wait in `pending` until every order and tick is read and the genesis is known; then they are folded as they arrive.
    let rebuild: Rebuild | null = null;
    let foldMs = 0;
    let foldSpan: [number, number] | null = null;
    const folded = (t0: number) => {
      const t1 = performance.now();
      foldMs += t1 - t0;
      foldSpan = [foldSpan?.[0] ?? Math.round(t0 - startedAt), Math.round(t1 - startedAt)];
    };
    const pending: OrderResult[] = [];
    const fold = (r: OrderResult) => {
      rebuild!.applyResult(r);
      applyResult(standings, r);
      lastEventAt = Math.max(lastEventAt, r.settledAt);
    };
    const startFold = (genesis: readonly GenesisAccount[]) => {
      const t0 = performance.now();
      for (const g of genesis) openAccount(standings, g.userId, g.openingCashCents);
      rebuild = startRebuild(genesis, orders, ticks, sha256Hex, options.fairness);
      for (const r of pending) fold(r);
      pending.length = 0;
      folded(t0);
    };
    let ordersAndTicksRead = false;
    const foldWhenReady = () => { if (streaming && !rebuild && ordersAndTicksRead && genesis) startFold(genesis); };
    genesisListener = foldWhenReady;

    const readTicks = () => readTopic<PriceTick>({ kafka, serde, prefix, topic: 'price.ticks', onRecord: (t) => {
      ticks.set(tickKey(t.playerId, t.seq), { priceCents: t.priceCents, lockedUntil: t.lockedUntil, matchId: t.matchId });
      applyTick(standings, t);
      lastEventAt = Math.max(lastEventAt, t.tickedAt);
      count();
    } });
    const readOrders = () => readTopic<Order>({ kafka, serde, prefix, topic: 'orders', onRecord: (o) => { orders.set(o.orderId, o); count(); } });
    const readResults = () => readTopic<OrderResult>({ kafka, serde, prefix, topic: 'order.results', onRecord: (r) => {
      if (rebuild) { const t0 = performance.now(); fold(r); folded(t0); } else pending.push(r);
      count();
    } });
    // All three topics at once.
    await phase('readTopics', () => Promise.all([
      Promise.all([readOrders(), readTicks()]).then(() => { ordersAndTicksRead = true; foldWhenReady(); }),
      readResults(),
    ]));
    if (streaming && !rebuild) {
      // The genesis comes with the ledger, the first table read: the rebuild need not wait for the rest of the live projection.
      await Promise.race([genesisArrived, livePromise]);
      foldWhenReady();
    }
    await phase('foldResults', async () => { if (!rebuild) startFold((await livePromise).genesis); });
    // Streaming, the fold ran in slices while the topics were read: its time is the sum, its span first to last slice.
    if (streaming && foldSpan) { phasesMs['foldResults'] = Math.round(foldMs); phaseSpansMs['foldResults'] = foldSpan; }
    bar.finish(`read ${done} records`);
    const rebuilt = rebuild!.finish();
    const boards = [overallBoard(standings), ...[...playersByMatch(standings)].map(([matchId, players]) => matchBoard(standings, matchId, players))];
    let rebuiltUrl: string;
    let discrepancies: Discrepancy[];
    let live: LiveProjection;
    if (streaming) {
      // The COPY runs in Postgres while the live projection is still streamed and compared: they wait on each other only at the end.
      const writing = phase('writeRebuiltDatabase', async () => copyRebuiltDatabase(await fresh, rebuilt, livePromise.then((l) => l.users), boards, lastEventAt));
      writing.catch(() => undefined);
      live = await livePromise;
      discrepancies = await phase('compare', async () => [...rebuilt.discrepancies, ...await compareProjectionsYielding(rebuilt, live, sha256Hex), ...compareBoards(boards, live, lastEventAt, notes)]);
      rebuiltUrl = await writing;
    } else {
      live = await livePromise;
      discrepancies = await phase('compare', async () => [...rebuilt.discrepancies, ...compareProjections(rebuilt, live, sha256Hex, { verifyEveryChain: true }), ...compareBoards(boards, live, lastEventAt, notes)]);
      rebuiltUrl = await phase('writeRebuiltDatabase', async () => writeRebuiltDatabase(await fresh, rebuilt, live.users, boards, lastEventAt));
    }
    if (options.dropRebuiltDatabase) {
      const { dropDatabase } = await import('@inplay/db');
      await dropDatabase(options.adminDatabaseUrl, name);
    }
    const events = { orders: orders.size, results: rebuilt.orders.size + rebuilt.redeliveredResults, ticks: ticks.size, genesis: live.genesis.length, total: 0 };
    events.total = events.orders + events.results + events.ticks + events.genesis;
    const durationMs = performance.now() - startedAt;
    const report: ReplayAuditReport = {
      equal: discrepancies.length === 0, discrepancies, eventsPerSec: Math.round(events.total / (durationMs / 1_000)), events,
      redeliveredResults: rebuilt.redeliveredResults, durationMs: Math.round(durationMs), phasesMs, phaseSpansMs, pipeline,
      rebuiltDatabase: options.dropRebuiltDatabase ? null : redact(rebuiltUrl), notes,
    };
    if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    printVerdict(report, options.verdictOut === undefined ? process.stdout : options.verdictOut);
    return report;
  } finally {
    await livePool.end();
  }
}

/**
 * The live boards equal the rebuilt ones when the leaderboard has caught up
 * with the last event; an older snapshot is noted, not failed (it is a cache).
 */
function compareBoards(boards: Board[], live: LiveProjection, lastEventAt: number, notes: string[]): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const board of boards) {
    const snapshot = live.leaderboards.get(board.boardId);
    if (!snapshot) { notes.push(`no live snapshot of board ${board.boardId} to compare`); continue; }
    if (snapshot.computedAt < lastEventAt) { notes.push(`live snapshot of ${board.boardId} predates the last event (${snapshot.computedAt} < ${lastEventAt}): not compared`); continue; }
    const n = Math.min(snapshot.entries.length, board.entries.length);
    const first = Array.from({ length: n }, (_, i) => i).find((i) => JSON.stringify(snapshot.entries[i]) !== JSON.stringify(board.entries[i]));
    if (snapshot.totalUsers !== board.totalUsers || first !== undefined) {
      out.push({ kind: 'LEADERBOARD_MISMATCH', subject: board.boardId, detail: `board ${board.boardId} differs${first !== undefined ? ` from rank position ${first + 1}` : ''} (users: live ${snapshot.totalUsers}, topics ${board.totalUsers})`,
        context: first !== undefined ? { live: snapshot.entries[first], rebuilt: board.entries[first] } : {} });
    }
  }
  return out;
}

function printVerdict(report: ReplayAuditReport, out: NodeJS.WritableStream | null): void {
  if (!out) return;
  const lines = [
    report.equal ? 'VERDICT: EQUAL — the live projection is exactly what the topics say.' : `VERDICT: NOT EQUAL — ${report.discrepancies.length} discrepancies.`,
    `events: ${report.events.total} (orders ${report.events.orders}, results ${report.events.results}, ticks ${report.events.ticks}, genesis ${report.events.genesis}) in ${report.durationMs} ms = ${report.eventsPerSec} events/s`,
    ...report.discrepancies.map((d) => `  ${d.kind} ${d.subject}: ${d.detail}`),
    ...report.notes.map((n) => `  note: ${n}`),
  ];
  out.write(`${lines.join('\n')}\n`);
}
