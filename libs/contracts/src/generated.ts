// Generated from schemas/*.avsc by `npm run gen:contracts`. Do not edit by hand.
/** The latest price of one player. Topic price.latest (compacted), key playerId. */
export interface LatestPrice {
  playerId: string;
  matchId: null | string;
  seq: number;
  priceCents: number;
  lockedUntil: null | number;
  updatedAt: number;
}

export interface LeaderboardEntry {
  rank: number;
  userId: string;
  valueCents: number;
}

/** A ranked board. Topic leaderboard (compacted), key boardId. */
export interface LeaderboardSnapshot {
  boardId: string;
  computedAt: number;
  totalUsers: number;
  entries: LeaderboardEntry[];
}

export type MatchEventType = 'KICK_OFF' | 'HALF_TIME' | 'FULL_TIME' | 'GOAL' | 'OWN_GOAL' | 'PENALTY_WON' | 'PENALTY_SCORED' | 'PENALTY_MISSED' | 'ASSIST' | 'SHOT_ON_TARGET' | 'SHOT_OFF_TARGET' | 'SAVE' | 'BIG_CHANCE' | 'YELLOW_CARD' | 'RED_CARD' | 'SUBSTITUTION_ON' | 'SUBSTITUTION_OFF' | 'INJURY';
export const MatchEventTypeValues = ['KICK_OFF', 'HALF_TIME', 'FULL_TIME', 'GOAL', 'OWN_GOAL', 'PENALTY_WON', 'PENALTY_SCORED', 'PENALTY_MISSED', 'ASSIST', 'SHOT_ON_TARGET', 'SHOT_OFF_TARGET', 'SAVE', 'BIG_CHANCE', 'YELLOW_CARD', 'RED_CARD', 'SUBSTITUTION_ON', 'SUBSTITUTION_OFF', 'INJURY'] as const;

/** Something that happened on the pitch, as the feed reported it. Topic match.events, key matchId. */
export interface MatchEvent {
  /** Our id: provider + ':' + providerEventId. Dedupe key. */
  eventId: string;
  provider: string;
  providerEventId: string;
  matchId: string;
  type: MatchEventType;
  /** The player the event is about (scorer, carded player, player coming on...). */
  playerId: null | string;
  /** A second player: assister, keeper beaten, player replaced... */
  relatedPlayerId: null | string;
  teamId: null | string;
  period: number;
  /** Match clock when it happened, ms since the period's start. */
  matchClockMs: number;
  /** When it happened on the pitch. */
  occurredAt: number;
  /** When the feed delivered it to us. */
  ingestedAt: number;
  homeScore: number;
  awayScore: number;
  /** Provider details kept for audit (outcome, card type...). */
  attributes: Record<string, string>;
}

export type Side = 'BUY' | 'SELL';
export const SideValues = ['BUY', 'SELL'] as const;

export type OrderStatus = 'FILLED' | 'REJECTED' | 'VOIDED';
export const OrderStatusValues = ['FILLED', 'REJECTED', 'VOIDED'] as const;

/** The one result of one order. Topic order.results, key userId. Consumers dedupe by orderId. */
export interface OrderResult {
  orderId: string;
  userId: string;
  idempotencyKey: string;
  playerId: string;
  side: Side;
  quantity: number;
  status: OrderStatus;
  /** Rejection or void code: INSUFFICIENT_FUNDS, TRADE_LOCKED, LIMIT_NOT_MET... */
  reason: null | string;
  fillPriceCents: null | number;
  tickSeq: null | number;
  costCents: null | number;
  retryAfterMs: null | number;
  cashAfterCents: null | number;
  placedAt: number;
  settledAt: number;
}

/** An order as accepted by the gateway. Topic orders, key userId. */
export interface Order {
  orderId: string;
  userId: string;
  idempotencyKey: string;
  /** SHA-256 of the canonical order body: the same key with another body is refused. */
  bodyHash: string;
  playerId: string;
  side: Side;
  quantity: number;
  limitPriceCents: null | number;
  placedAt: number;
}

export type TickCause = 'INITIAL' | 'EVENT' | 'DRIFT' | 'DEMAND';
export const TickCauseValues = ['INITIAL', 'EVENT', 'DRIFT', 'DEMAND'] as const;

/** One price change of one player. Topic price.ticks, key playerId. seq rises by exactly 1 per tick. */
export interface PriceTick {
  playerId: string;
  matchId: null | string;
  seq: number;
  priceCents: number;
  previousPriceCents: number;
  cause: TickCause;
  causeEventId: null | string;
  causeEventType: null | string;
  /** For an EVENT tick: when the event happened on the pitch (its occurredAt); fairness policies compare it with orders' placedAt. */
  causeOccurredAt: null | number;
  lockedUntil: null | number;
  tickedAt: number;
}

export type PricingCommandKind = 'INITIALIZE' | 'MATCH_EVENT' | 'TRADE' | 'DRIFT';
export const PricingCommandKindValues = ['INITIALIZE', 'MATCH_EVENT', 'TRADE', 'DRIFT'] as const;

export type PlayerPosition = 'GK' | 'DEF' | 'MID' | 'FWD';
export const PlayerPositionValues = ['GK', 'DEF', 'MID', 'FWD'] as const;

export interface PricingInitialize {
  matchId: null | string;
  teamId: null | string;
  position: null | PlayerPosition;
  initialPriceCents: number;
}

export type PricingRole = 'subject' | 'related' | 'keeper' | 'match';
export const PricingRoleValues = ['subject', 'related', 'keeper', 'match'] as const;

export interface PricingMatchEvent {
  /** The player's role in the event (libs/domain rolesFor). */
  role: PricingRole;
  event: MatchEvent;
}

/** A filled order, for demand impact on pricing. Topic trades, key playerId. */
export interface Trade {
  tradeId: string;
  orderId: string;
  userId: string;
  playerId: string;
  side: Side;
  quantity: number;
  priceCents: number;
  tickSeq: number;
  executedAt: number;
}

/** One input of the price model, in the order pricing applies it. Topic pricing.commands, key playerId ("drift" for DRIFT, sent to an explicit partition and applied to every player of that partition). Written by the pricing sequencer; the pricing processor folds this log alone, so replaying it gives the same ticks. MatchEvent and Trade are embedded copies of their own schemas (a pricing test keeps them equal). */
export interface PricingCommand {
  kind: PricingCommandKind;
  /** The player the command is for; null for DRIFT (every player of the partition). */
  playerId: null | string;
  /** The command's time, the model's only clock: kick-off ingestedAt, event ingestedAt, trade executedAt or drift now. */
  at: number;
  /** Set when kind = INITIALIZE. */
  initialize: null | PricingInitialize;
  /** Set when kind = MATCH_EVENT. */
  matchEvent: null | PricingMatchEvent;
  /** Set when kind = TRADE. */
  trade: null | Trade;
}

/** The whole price state of one player after the pricing processor applied pricing.commands up to commandOffset. Topic pricing.snapshots (compacted), key playerId, same partition as the player's commands. Written every PRICING_SNAPSHOT_INTERVAL_MS or PRICING_SNAPSHOT_EVERY_COMMANDS, after the ticks it covers (idempotent delivery) or in the same transaction as them (transactional delivery); on restart the processor folds pricing.commands from the smallest snapshot offset and skips commands a player's snapshot already covers. */
export interface PricingSnapshot {
  playerId: string;
  commandPartition: number;
  /** Offset of the last command in pricing.commands this state reflects. */
  commandOffset: number;
  matchId: null | string;
  teamId: null | string;
  position: null | PlayerPosition;
  priceCents: number;
  anchorPriceCents: number;
  seq: number;
  lockedUntil: null | number;
  lastTickAt: number;
  pendingDemandShares: number;
  /** The drift generator's state (uint32). */
  rngSeed: number;
  seenEventIds: string[];
  seenTradeIds: string[];
  matchEndedAt: null | number;
}
