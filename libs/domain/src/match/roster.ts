// Who plays in a match: team, position and starting price of every player.
// Built by the feed adapters; pricing uses it to find the keeper who concedes.

export const POSITIONS = ['GK', 'DEF', 'MID', 'FWD'] as const;
export type Position = (typeof POSITIONS)[number];

export interface RosterPlayer {
  playerId: string;
  name: string;
  jersey: number | null;
  teamId: string;
  teamName: string;
  /** null when the data records none (an unused substitute): shown as unknown, priced by initialPriceCentsOf. */
  position: Position | null;
  /** In the starting XI (the keeper who starts is the default conceding keeper). */
  startingXi: boolean;
  initialPriceCents: number;
}

export interface Roster {
  matchId: string;
  homeTeamId: string;
  awayTeamId: string;
  players: RosterPlayer[];
}

export type InitialPriceTable = Record<Position, number>;

export const DEFAULT_INITIAL_PRICE_CENTS_BY_POSITION: InitialPriceTable = { FWD: 1200, MID: 1000, DEF: 800, GK: 700 };

/**
 * A player's opening price: his position's entry in the table; with no known
 * position, the median of the table's four prices (€9.00 by default, between
 * the defender's and the midfielder's), so
 * an unknown player is neither the cheapest nor the dearest share.
 */
export function initialPriceCentsOf(position: Position | null, table: InitialPriceTable = DEFAULT_INITIAL_PRICE_CENTS_BY_POSITION): number {
  if (position !== null) return table[position];
  const sorted = POSITIONS.map((p) => table[p]).sort((a, b) => a - b);
  const upper = sorted[sorted.length / 2] ?? 0;
  const lower = sorted[sorted.length / 2 - 1] ?? upper;
  return Math.round((lower + upper) / 2);
}

/** The other team of the match, or null when teamId is not one of its teams. */
export function opponentOf(roster: Roster, teamId: string): string | null {
  if (teamId === roster.homeTeamId) return roster.awayTeamId;
  if (teamId === roster.awayTeamId) return roster.homeTeamId;
  return null;
}

/** The keeper of a team: the one who started, else the first listed. */
export function keeperOf(roster: Roster, teamId: string): RosterPlayer | null {
  const keepers = roster.players.filter((p) => p.teamId === teamId && p.position === 'GK');
  return keepers.find((p) => p.startingXi) ?? keepers[0] ?? null;
}
