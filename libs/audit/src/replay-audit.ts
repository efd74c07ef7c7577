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
  type Board, type Discrepancy, type FairnessSettings,
} from '@inplay/domain';
import { createKafka, createSerde, type KafkaSecurity } from '@inplay/kafka';
import { compareProjections } from './compare';
import { prepareRebuiltDatabase, writeRebuiltDatabase } from './fresh-db';
import { readLiveProjection, type LiveProjection } from './live';
import { progressBar } from './progress-bar';
import { readTopic, topicEnds } from './read-topic';

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
}

export interface ReplayAuditReport {
  equal: boolean;
  discrepancies: Discrepancy[];
  eventsPerSec: number;
  events: { orders: number; results: number; ticks: number; genesis: number; total: number };
  redeliveredResults: number;
  durationMs: number;
  phasesMs: Record<string, number>;
  rebuiltDatabase: string | null;
  notes: string[];
}

export async function runReplayAudit(options: ReplayAuditOptions): Promise<ReplayAuditReport> {
  const startedAt = performance.now();
  const phasesMs: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try { return await work(); } finally { phasesMs[name] = Math.round(performance.now() - t0); }
  };
  const prefix = options.topicPrefix ?? '';
  const progressOut = options.progressOut === undefined ? process.stderr : options.progressOut;
  const kafka = createKafka({ brokers: options.brokers, ...options.kafkaSecurity, clientId: 'inplay-audit' });
  const serde = createSerde(options.registryUrl, prefix);
  const livePool = createPool(options.liveDatabaseUrl, { max: 2, applicationName: 'inplay-audit' });
  const notes: string[] = [];
  try {
    // The live projection is read (one snapshot) while the topics are.
    const livePromise = phase('readLive', () => readLiveProjection(livePool));
    livePromise.catch(() => undefined);
    const totals = await Promise.all((['orders', 'order.results', 'price.ticks'] as const).map(async (t) => Number((await topicEnds(kafka, `${prefix}${t}`)).total)));
    const total = totals.reduce((a, b) => a + b, 0);
    const bar = progressBar('replay', total, progressOut);
    let done = 0;
    const count = () => { done++; if ((done & 1023) === 0) { bar.tick(done); options.onProgress?.({ phase: 'read', done, total }); } };

    const orders = new Map<string, Order>();
    const ticks = new Map<string, Pick<PriceTick, 'priceCents' | 'lockedUntil' | 'matchId'>>();
    const standings = initialStandings();
    let lastEventAt = 0;
    const results: OrderResult[] = [];
    // The fresh database is created and migrated while the topics are read.
    const name = `audit_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${Math.random().toString(36).slice(2, 8)}`;
    const fresh = prepareRebuiltDatabase(options.adminDatabaseUrl, name);
    fresh.catch(() => undefined);
    // All three topics at once; results are folded once every order and tick is known.
    await phase('readTopics', () => Promise.all([
      readTopic<Order>({ kafka, serde, prefix, topic: 'orders', onRecord: (o) => { orders.set(o.orderId, o); count(); } }),
      readTopic<PriceTick>({ kafka, serde, prefix, topic: 'price.ticks', onRecord: (t) => {
        ticks.set(tickKey(t.playerId, t.seq), { priceCents: t.priceCents, lockedUntil: t.lockedUntil, matchId: t.matchId });
        applyTick(standings, t);
        lastEventAt = Math.max(lastEventAt, t.tickedAt);
        count();
      } }),
      readTopic<OrderResult>({ kafka, serde, prefix, topic: 'order.results', onRecord: (r) => { results.push(r); count(); } }),
    ]));
    const live = await livePromise;
    for (const g of live.genesis) openAccount(standings, g.userId, g.openingCashCents);
    const rebuild = startRebuild(live.genesis, orders, ticks, sha256Hex, options.fairness);
    await phase('foldResults', async () => {
      for (const r of results) {
        rebuild.applyResult(r);
        applyResult(standings, r);
        lastEventAt = Math.max(lastEventAt, r.settledAt);
      }
    });
    bar.finish(`read ${done} records`);
    const rebuilt = rebuild.finish();
    const boards = [overallBoard(standings), ...[...playersByMatch(standings)].map(([matchId, players]) => matchBoard(standings, matchId, players))];
    const discrepancies = await phase('compare', async () => [...rebuilt.discrepancies, ...compareProjections(rebuilt, live, sha256Hex), ...compareBoards(boards, live, lastEventAt, notes)]);
    const rebuiltUrl = await phase('writeRebuiltDatabase', async () => writeRebuiltDatabase(await fresh, rebuilt, live.users, boards, lastEventAt));
    if (options.dropRebuiltDatabase) {
      const { dropDatabase } = await import('@inplay/db');
      await dropDatabase(options.adminDatabaseUrl, name);
    }
    const events = { orders: orders.size, results: rebuilt.orders.size + rebuilt.redeliveredResults, ticks: ticks.size, genesis: live.genesis.length, total: 0 };
    events.total = events.orders + events.results + events.ticks + events.genesis;
    const durationMs = performance.now() - startedAt;
    const report: ReplayAuditReport = {
      equal: discrepancies.length === 0, discrepancies, eventsPerSec: Math.round(events.total / (durationMs / 1_000)), events,
      redeliveredResults: rebuilt.redeliveredResults, durationMs: Math.round(durationMs), phasesMs,
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
