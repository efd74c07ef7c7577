// Standings: what the leaderboard (and the audit, and a backfill) knows of
// every user, folded from order results and price ticks: cash, holdings and,
// per player, an average-cost position. The fold mutates the state it owns
// (one fold per process; replays run at >50k events/s, so no copies per event).
//
// Boards:
// - overall: value = cash + Σ holdings × latest price (rankBoard).
// - per match: the user's P&L on that match's players =
//     Σ holdings × latest price + sale proceeds − purchase costs
//   = unrealised + realised P&L on those players, whatever the cost method.
//   Only users who traded a player of the match appear. Cash is not counted:
//   the board ranks what a user made in the match, not what they started with.
import type { OrderResult, PriceTick } from '@inplay/contracts';
import { invariant } from '../invariant';
import { MAX_BOARD_ENTRIES, rankBoard, type Board, type Portfolio } from './ranking';

export const OVERALL_BOARD = 'overall';
const MATCH_BOARD_PREFIX = 'match:';

export function matchBoardId(matchId: string): string {
  return `${MATCH_BOARD_PREFIX}${matchId}`;
}

/** The match of a per-match board id, or null for the overall board; throws on an unknown board id. */
export function parseBoardId(boardId: string): { kind: 'overall' } | { kind: 'match'; matchId: string } | null {
  if (boardId === OVERALL_BOARD) return { kind: 'overall' };
  if (boardId.startsWith(MATCH_BOARD_PREFIX) && boardId.length > MATCH_BOARD_PREFIX.length) return { kind: 'match', matchId: boardId.slice(MATCH_BOARD_PREFIX.length) };
  return null;
}

export interface TradingPosition {
  quantity: number;
  /** Cost of the shares still held, average-cost method: a sale removes cost × sold / held. */
  costBasisCents: number;
  realisedPnlCents: number;
  boughtCents: number;
  soldCents: number;
}

export interface UserStanding {
  userId: string;
  cashCents: number;
  positions: Map<string, TradingPosition>;
}

export interface Standings {
  users: Map<string, UserStanding>;
  /** Latest tick per player (highest seq). */
  prices: Map<string, { priceCents: number; seq: number; matchId: string | null }>;
  /** orderId of every result applied, with its status (a VOIDED after a FILLED reverses it). */
  applied: Map<string, OrderResult['status']>;
}

export function initialStandings(): Standings {
  return { users: new Map(), prices: new Map(), applied: new Map() };
}

export function emptyPosition(): TradingPosition {
  return { quantity: 0, costBasisCents: 0, realisedPnlCents: 0, boughtCents: 0, soldCents: 0 };
}

/** A user's opening cash (their issuance). Re-opening a known user changes nothing. */
export function openAccount(state: Standings, userId: string, cashCents: number): void {
  if (!state.users.has(userId)) state.users.set(userId, { userId, cashCents, positions: new Map() });
}

export function applyTick(state: Standings, tick: Pick<PriceTick, 'playerId' | 'seq' | 'priceCents' | 'matchId'>): void {
  const known = state.prices.get(tick.playerId);
  if (!known || known.seq < tick.seq) state.prices.set(tick.playerId, { priceCents: tick.priceCents, seq: tick.seq, matchId: tick.matchId });
}

/** Applies a buy or sell of `quantity` shares worth `valueCents` to a position (average cost). */
export function applyFillToPosition(position: TradingPosition, side: 'BUY' | 'SELL', quantity: number, valueCents: number): void {
  if (side === 'BUY') {
    position.quantity += quantity;
    position.costBasisCents += valueCents;
    position.boughtCents += valueCents;
    return;
  }
  invariant(position.quantity >= quantity, () => `sells ${quantity} shares, holds ${position.quantity}`);
  // cost × sold / held can pass 2^53 before dividing: BigInt, rounded down (the last sale takes the rest).
  const removed = quantity === position.quantity ? position.costBasisCents : Number((BigInt(position.costBasisCents) * BigInt(quantity)) / BigInt(position.quantity));
  position.quantity -= quantity;
  position.costBasisCents -= removed;
  position.realisedPnlCents += valueCents - removed;
  position.soldCents += valueCents;
}

/**
 * Applies one order result; a repeated (orderId, status) is ignored (results
 * are delivered at least once). A user seen first through a result opens
 * with the cash the result implies (cash after ± the fill's value).
 */
export function applyResult(state: Standings, result: OrderResult): boolean {
  const previous = state.applied.get(result.orderId);
  // A rejection for a user without an account (UNKNOWN_ACCOUNT) names nobody worth ranking.
  if (!state.users.has(result.userId) && result.cashAfterCents === null) return false;
  if (previous === result.status || (previous !== undefined && result.status !== 'VOIDED')) return false;
  state.applied.set(result.orderId, result.status);
  const signedCost = result.status === 'FILLED' ? (result.side === 'BUY' ? -(result.costCents ?? 0) : (result.costCents ?? 0)) : 0;
  if (!state.users.has(result.userId)) openAccount(state, result.userId, (result.cashAfterCents ?? 0) - signedCost);
  const user = state.users.get(result.userId)!;
  if (result.status === 'REJECTED') return true;
  const position = user.positions.get(result.playerId) ?? emptyPosition();
  user.positions.set(result.playerId, position);
  const valueCents = result.costCents ?? 0;
  if (result.status === 'FILLED') {
    user.cashCents += signedCost;
    applyFillToPosition(position, result.side, result.quantity, valueCents);
  } else if (previous === 'FILLED') {
    // A void of a fill: the compensating trade, at the fill's value.
    user.cashCents -= result.side === 'BUY' ? -valueCents : valueCents;
    applyFillToPosition(position, result.side === 'BUY' ? 'SELL' : 'BUY', result.quantity, valueCents);
  }
  return true;
}

export function holdingsOf(user: UserStanding): Map<string, number> {
  const holdings = new Map<string, number>();
  for (const [playerId, p] of user.positions) if (p.quantity > 0) holdings.set(playerId, p.quantity);
  return holdings;
}

const priceOf = (state: Standings) => (playerId: string) => state.prices.get(playerId)?.priceCents;

export function overallBoard(state: Standings, limit = MAX_BOARD_ENTRIES): Board {
  const portfolios = [...state.users.values()].map((u): Portfolio => ({ userId: u.userId, cashCents: u.cashCents, holdings: holdingsOf(u) }));
  return rankBoard(OVERALL_BOARD, portfolios, priceOf(state), limit);
}

/** The per-match board: P&L on the match's players (see the top of this file). */
export function matchBoard(state: Standings, matchId: string, playersOfMatch: ReadonlySet<string>, limit = MAX_BOARD_ENTRIES): Board {
  const portfolios: Portfolio[] = [];
  for (const user of state.users.values()) {
    let traded = false;
    let netCashCents = 0;
    const holdings = new Map<string, number>();
    for (const [playerId, p] of user.positions) {
      if (!playersOfMatch.has(playerId)) continue;
      traded = true;
      netCashCents += p.soldCents - p.boughtCents;
      if (p.quantity > 0) holdings.set(playerId, p.quantity);
    }
    if (traded) portfolios.push({ userId: user.userId, cashCents: netCashCents, holdings });
  }
  return rankBoard(matchBoardId(matchId), portfolios, priceOf(state), limit);
}

/** The players of each match, as the ticks name them. */
export function playersByMatch(state: Standings): Map<string, Set<string>> {
  const byMatch = new Map<string, Set<string>>();
  for (const [playerId, p] of state.prices) {
    if (p.matchId === null) continue;
    const set = byMatch.get(p.matchId) ?? new Set<string>();
    set.add(playerId);
    byMatch.set(p.matchId, set);
  }
  return byMatch;
}
