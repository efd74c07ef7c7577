// Leaderboard ranking: portfolio value = cash + Σ holdings × latest price,
// ranked high to low. Ties break deterministically (lower userId first), so
// every replica and every replay gives the same board.
import { invariant } from '../invariant';

export const MAX_BOARD_ENTRIES = 1_000;

export interface Portfolio {
  userId: string;
  cashCents: number;
  /** Shares held, by player. */
  holdings: ReadonlyMap<string, number>;
}

export interface RankedEntry {
  rank: number;
  userId: string;
  valueCents: number;
}

export interface Board {
  boardId: string;
  totalUsers: number;
  entries: RankedEntry[];
}

/** Latest price per player in cents; a player with no price counts at zero (it cannot be sold either). */
export type PriceLookup = (playerId: string) => number | undefined;

export function portfolioValueCents(portfolio: Portfolio, priceOf: PriceLookup): number {
  let value = portfolio.cashCents;
  for (const [playerId, quantity] of portfolio.holdings) {
    invariant(Number.isInteger(quantity) && quantity >= 0, () => `holding of ${portfolio.userId} in ${playerId} is ${quantity}`);
    value += quantity * (priceOf(playerId) ?? 0);
  }
  invariant(Number.isSafeInteger(value), () => `value of ${portfolio.userId} is not a safe integer: ${value}`);
  return value;
}

/** Orders two entries: higher value first, then lower userId (code-unit order, locale-independent). */
export function compareEntries(a: { userId: string; valueCents: number }, b: { userId: string; valueCents: number }): number {
  if (a.valueCents !== b.valueCents) return b.valueCents - a.valueCents;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/**
 * Ranks every portfolio. Equal values share a rank ("1, 2, 2, 4"), listed in
 * userId order; `limit` caps the entries returned, not the ranking.
 */
export function rankBoard(boardId: string, portfolios: Iterable<Portfolio>, priceOf: PriceLookup, limit = MAX_BOARD_ENTRIES): Board {
  const valued = [...portfolios].map((p) => ({ userId: p.userId, valueCents: portfolioValueCents(p, priceOf) }));
  valued.sort(compareEntries);
  const entries: RankedEntry[] = [];
  let rank = 0;
  valued.forEach((entry, index) => {
    if (index === 0 || entry.valueCents !== valued[index - 1]?.valueCents) rank = index + 1;
    if (index < limit) entries.push({ rank, userId: entry.userId, valueCents: entry.valueCents });
  });
  return { boardId, totalUsers: valued.length, entries };
}

/** A user's own rank on a full ranking, or null when absent. */
export function rankOf(board: Board, userId: string): RankedEntry | null {
  return board.entries.find((e) => e.userId === userId) ?? null;
}

/** The portfolio restricted to one match's players: the per-match board ranks what users hold in that match. */
export function restrictToPlayers(portfolio: Portfolio, players: ReadonlySet<string>, cashCents = 0): Portfolio {
  const holdings = new Map<string, number>();
  for (const [playerId, quantity] of portfolio.holdings) if (players.has(playerId)) holdings.set(playerId, quantity);
  return { userId: portfolio.userId, cashCents, holdings };
}
