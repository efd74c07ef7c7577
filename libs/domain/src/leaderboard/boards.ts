// Which boards exist and their snapshots: the overall board and one per match
// (players known from the directory or from the ticks). Shared by the live
// leaderboard service and backfills so that both compute a board the same way.
import type { LeaderboardSnapshot } from '@inplay/contracts';
import type { Board } from './ranking';
import { matchBoard, overallBoard, parseBoardId, playersByMatch, type Standings } from './standings';

/** Entries per published snapshot; the ranking itself covers every user. */
export const DEFAULT_TOP_ENTRIES = 100;

export function playersOfAllMatches(state: Standings, fromDb: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const merged = playersByMatch(state);
  for (const [matchId, players] of fromDb) {
    const set = merged.get(matchId) ?? new Set<string>();
    for (const p of players) set.add(p);
    merged.set(matchId, set);
  }
  return merged;
}

export function computeBoard(state: Standings, boardId: string, matches: ReadonlyMap<string, ReadonlySet<string>>, limit: number): Board | null {
  const parsed = parseBoardId(boardId);
  if (!parsed) return null;
  if (parsed.kind === 'overall') return overallBoard(state, limit);
  return matchBoard(state, parsed.matchId, matches.get(parsed.matchId) ?? new Set(), limit);
}

export function computeAllBoards(state: Standings, matches: ReadonlyMap<string, ReadonlySet<string>>, limit: number): Board[] {
  return [overallBoard(state, limit), ...[...matches].map(([matchId, players]) => matchBoard(state, matchId, players, limit))];
}

export function snapshotOf(board: Board, computedAt: number): LeaderboardSnapshot {
  return { boardId: board.boardId, computedAt, totalUsers: board.totalUsers, entries: board.entries };
}
