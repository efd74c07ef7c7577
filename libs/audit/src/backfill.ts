// `inplay backfill --board NAME [--from MS]`: computes a board over the whole
// history on the topics (price.ticks, then order.results), with the same fold
// and ranking as the live leaderboard (so a backfilled board equals the live
// one for the same history). Progress and the folded state are checkpointed
// in backfill_progress in one statement, so Ctrl-C loses at most one
// checkpoint's work and a rerun resumes; a finished backfill is returned as
// is (idempotent). `from` (ms) ignores results settled before it.
import type { LeaderboardSnapshot, OrderResult, PriceTick } from '@inplay/contracts';
import { createPool, openingBalances, playersOfMatches, type Pool } from '@inplay/db';
import { applyResult, applyTick, computeBoard, DEFAULT_TOP_ENTRIES, initialStandings, openAccount, parseBoardId, playersOfAllMatches, type Standings } from '@inplay/domain';
import { createKafka, createSerde, type KafkaSecurity } from '@inplay/kafka';
import { progressBar } from './progress-bar';
import { readTopic, topicEnds } from './read-topic';

/** Records folded between two checkpoints. */
export const DEFAULT_CHECKPOINT_RECORDS = 10_000;

export interface BackfillOptions {
  brokers: string[];
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  databaseUrl: string;
  board: string;
  from?: number;
  topicPrefix?: string;
  topEntries?: number;
  checkpointRecords?: number;
  /** Returns true to stop at the next record (Ctrl-C); the run resumes later. */
  stopped?: () => boolean;
  progressOut?: NodeJS.WriteStream | null;
}

export interface BackfillReport {
  board: string;
  complete: boolean;
  resumed: boolean;
  events: number;
  snapshot: LeaderboardSnapshot | null;
}

type Offsets = { ticks: Record<string, string>; results: Record<string, string> };

export async function runBackfill(options: BackfillOptions): Promise<BackfillReport> {
  if (!parseBoardId(options.board)) throw new Error(`unknown board ${options.board}: "overall" or "match:<matchId>"`);
  const prefix = options.topicPrefix ?? '';
  const pool = createPool(options.databaseUrl, { max: 2, applicationName: 'inplay-backfill' });
  try {
    const saved = await pool.query<{ from_ms: string | null; offsets: Offsets; state: SerializedStandings; events: string; done: boolean; result: LeaderboardSnapshot | null }>(
      'SELECT from_ms, offsets, state, events, done, result FROM backfill_progress WHERE board_id = $1', [options.board]);
    const row = saved.rows[0];
    const sameRun = row !== undefined && (row.from_ms === null ? null : Number(row.from_ms)) === (options.from ?? null);
    if (row && sameRun && row.done) return { board: options.board, complete: true, resumed: true, events: Number(row.events), snapshot: row.result };
    const state = row && sameRun ? deserialize(row.state) : initialStandings();
    const offsets: Offsets = row && sameRun ? row.offsets : { ticks: {}, results: {} };
    let events = row && sameRun ? Number(row.events) : 0;
    if (!(row && sameRun)) for (const u of await openingBalances(pool)) openAccount(state, u.userId, u.cashCents);

    const kafka = createKafka({ brokers: options.brokers, ...options.kafkaSecurity, clientId: 'inplay-backfill' });
    const serde = createSerde(options.registryUrl, prefix);
    const totals = await Promise.all([topicEnds(kafka, `${prefix}price.ticks`), topicEnds(kafka, `${prefix}order.results`)]);
    const total = totals.reduce((n, t) => n + Number(t.total), 0);
    const bar = progressBar(`backfill ${options.board}`, total, options.progressOut === undefined ? process.stderr : options.progressOut);
    const every = options.checkpointRecords ?? DEFAULT_CHECKPOINT_RECORDS;
    let sinceCheckpoint = 0;
    const checkpoint = () => saveProgress(pool, options, offsets, state, events, false, null);
    const stopped = () => options.stopped?.() ?? false;
    const onBatch = (which: keyof Offsets) => async (partition: number, next: bigint) => {
      offsets[which][String(partition)] = next.toString();
      bar.tick(events);
      if (sinceCheckpoint >= every) { sinceCheckpoint = 0; await checkpoint(); }
    };
    const fromOf = (which: keyof Offsets) => new Map(Object.entries(offsets[which]).map(([p, o]) => [Number(p), BigInt(o)]));
    await readTopic<PriceTick>({ kafka, serde, prefix, topic: 'price.ticks', from: fromOf('ticks'), stopped, onBatch: onBatch('ticks'),
      onRecord: (t) => { applyTick(state, t); events++; sinceCheckpoint++; } });
    if (!stopped()) {
      await readTopic<OrderResult>({ kafka, serde, prefix, topic: 'order.results', from: fromOf('results'), stopped, onBatch: onBatch('results'),
        onRecord: (r) => { if (options.from === undefined || r.settledAt >= options.from) applyResult(state, r); events++; sinceCheckpoint++; } });
    }
    if (stopped()) {
      await checkpoint();
      bar.finish(`stopped after ${events} events: run again to resume`);
      return { board: options.board, complete: false, resumed: Boolean(row && sameRun), events, snapshot: null };
    }
    const board = computeBoard(state, options.board, playersOfAllMatches(state, await playersOfMatches(pool)), options.topEntries ?? DEFAULT_TOP_ENTRIES)!;
    const snapshot: LeaderboardSnapshot = { boardId: board.boardId, computedAt: Date.now(), totalUsers: board.totalUsers, entries: board.entries };
    await saveProgress(pool, options, offsets, state, events, true, snapshot);
    bar.finish(`done: ${events} events, ${board.totalUsers} users ranked`);
    return { board: options.board, complete: true, resumed: Boolean(row && sameRun), events, snapshot };
  } finally {
    await pool.end();
  }
}

async function saveProgress(pool: Pool, options: BackfillOptions, offsets: Offsets, state: Standings, events: number, done: boolean, result: LeaderboardSnapshot | null): Promise<void> {
  await pool.query(
    `INSERT INTO backfill_progress (board_id, from_ms, offsets, state, events, done, result) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (board_id) DO UPDATE SET from_ms = EXCLUDED.from_ms, offsets = EXCLUDED.offsets, state = EXCLUDED.state, events = EXCLUDED.events,
       done = EXCLUDED.done, result = EXCLUDED.result, updated_at = now()`,
    [options.board, options.from ?? null, JSON.stringify(offsets), JSON.stringify(serialize(state)), events, done, result ? JSON.stringify(result) : null]);
}

interface SerializedStandings {
  users: [string, number, [string, Standings['users'] extends Map<string, infer U> ? U extends { positions: Map<string, infer P> } ? P : never : never][]][];
  prices: [string, { priceCents: number; seq: number; matchId: string | null }][];
  applied: [string, OrderResult['status']][];
}

function serialize(state: Standings): SerializedStandings {
  return {
    users: [...state.users.values()].map((u) => [u.userId, u.cashCents, [...u.positions]]),
    prices: [...state.prices],
    applied: [...state.applied],
  };
}

function deserialize(s: SerializedStandings): Standings {
  return {
    users: new Map(s.users.map(([userId, cashCents, positions]) => [userId, { userId, cashCents, positions: new Map(positions) }])),
    prices: new Map(s.prices),
    applied: new Map(s.applied),
  };
}
