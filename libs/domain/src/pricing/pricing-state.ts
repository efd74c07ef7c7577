// State of one player's price and the events that change it. evolve is the
// only way state changes; the app rebuilds state by folding stored events.
import type { PriceTick } from '@inplay/contracts';
import { invariant } from '../invariant';
import type { Position } from '../match/roster';
import type { RngState } from '../random/seeded-random';

/** Recent cause ids kept per player to drop redeliveries (a player sees a few dozen events a match). */
export const SEEN_EVENT_IDS_LIMIT = 512;
/** Trades are redelivered soon after the original (outbox relay retry), so a recent window suffices. */
export const SEEN_TRADE_IDS_LIMIT = 1_024;

export interface PricedPlayer {
  playerId: string;
  matchId: string | null;
  teamId: string | null;
  position: Position | null;
}

export interface PlayerPriceState extends PricedPlayer {
  status: 'pricing';
  priceCents: number;
  /** The last event-driven (or initial) price: drift reverts toward it. */
  anchorPriceCents: number;
  seq: number;
  lockedUntil: number | null;
  lastTickAt: number;
  /** Net shares traded (buys positive) not yet applied because of the tick-rate limit. */
  pendingDemandShares: number;
  rng: RngState;
  seenEventIds: readonly string[];
  seenTradeIds: readonly string[];
  /** Set by FULL_TIME: drift stops, demand still moves the price. */
  matchEndedAt: number | null;
}

export type PricingState = { status: 'uninitialized' } | PlayerPriceState;

export type PricingEvent =
  | { type: 'PriceInitialized'; player: PricedPlayer; tick: PriceTick; rng: RngState }
  | {
      type: 'PriceTicked';
      tick: PriceTick;
      anchorPriceCents: number;
      pendingDemandShares: number;
      rng: RngState;
      /** The trade that caused a DEMAND tick, for dedupe. */
      tradeId: string | null;
    }
  | { type: 'DemandDeferred'; tradeId: string; netShares: number }
  | { type: 'MatchEnded'; eventId: string; endedAt: number };

export function initialState(): PricingState {
  return { status: 'uninitialized' };
}

/** The ticks to publish on price.ticks, in order. */
export function ticksOf(events: readonly PricingEvent[]): PriceTick[] {
  return events.flatMap((e) => (e.type === 'PriceInitialized' || e.type === 'PriceTicked' ? [e.tick] : []));
}

function remember(ids: readonly string[], id: string, limit: number): readonly string[] {
  const next = ids.length >= limit ? ids.slice(ids.length - limit + 1) : ids.slice();
  next.push(id);
  return next;
}

function assertTickFollows(state: PlayerPriceState, tick: PriceTick): void {
  invariant(tick.playerId === state.playerId, () => `tick for ${tick.playerId} applied to ${state.playerId}`);
  invariant(tick.seq === state.seq + 1, () => `seq must rise by exactly 1: ${state.seq} -> ${tick.seq} (${state.playerId})`);
  invariant(tick.previousPriceCents === state.priceCents, () => `previousPriceCents ${tick.previousPriceCents} != ${state.priceCents}`);
  invariant(tick.tickedAt >= state.lastTickAt, () => `tickedAt went back: ${state.lastTickAt} -> ${tick.tickedAt}`);
}

function assertPrice(priceCents: number): void {
  invariant(Number.isSafeInteger(priceCents) && priceCents > 0, () => `price must be positive integer cents, got ${priceCents}`);
}

export function evolve(state: PricingState, event: PricingEvent): PricingState {
  if (event.type === 'PriceInitialized') {
    invariant(state.status === 'uninitialized', () => `player ${event.player.playerId} initialized twice`);
    invariant(event.tick.seq === 1, () => `the initial tick has seq 1, got ${event.tick.seq}`);
    assertPrice(event.tick.priceCents);
    return {
      status: 'pricing',
      ...event.player,
      priceCents: event.tick.priceCents,
      anchorPriceCents: event.tick.priceCents,
      seq: event.tick.seq,
      lockedUntil: null,
      lastTickAt: event.tick.tickedAt,
      pendingDemandShares: 0,
      rng: event.rng,
      seenEventIds: [],
      seenTradeIds: [],
      matchEndedAt: null,
    };
  }
  invariant(state.status === 'pricing', () => `${event.type} applied to an uninitialized player`);
  switch (event.type) {
    case 'PriceTicked': {
      const { tick } = event;
      assertTickFollows(state, tick);
      assertPrice(tick.priceCents);
      return {
        ...state,
        priceCents: tick.priceCents,
        anchorPriceCents: event.anchorPriceCents,
        seq: tick.seq,
        lockedUntil: tick.cause === 'EVENT' ? tick.lockedUntil : state.lockedUntil,
        lastTickAt: tick.tickedAt,
        pendingDemandShares: event.pendingDemandShares,
        rng: event.rng,
        seenEventIds: tick.causeEventId === null ? state.seenEventIds : remember(state.seenEventIds, tick.causeEventId, SEEN_EVENT_IDS_LIMIT),
        seenTradeIds: event.tradeId === null ? state.seenTradeIds : remember(state.seenTradeIds, event.tradeId, SEEN_TRADE_IDS_LIMIT),
      };
    }
    case 'DemandDeferred':
      return {
        ...state,
        pendingDemandShares: state.pendingDemandShares + event.netShares,
        seenTradeIds: remember(state.seenTradeIds, event.tradeId, SEEN_TRADE_IDS_LIMIT),
      };
    case 'MatchEnded':
      return { ...state, matchEndedAt: event.endedAt, seenEventIds: remember(state.seenEventIds, event.eventId, SEEN_EVENT_IDS_LIMIT) };
  }
}
