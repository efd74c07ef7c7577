// The price model as a decider, one state per player (pricing is partitioned by
// playerId, so one writer per player). Events jump the price and lock trading;
// between events the price drifts; trades push it by demand. Every input time
// comes from the command: the decider never reads a clock.
import type { MatchEvent, PriceTick, TickCause, Trade } from '@inplay/contracts';
import { invariant } from '../invariant';
import { createRandom, rngStateFromSeed, seedFromText } from '../random/seeded-random';
import { jumpBpFor, type PlayerRole } from './jump-table';
import { demandBp, driftBp, movePriceCents } from './price-moves';
import { minTickIntervalMs, validatePricingConfig, type PricingConfig } from './pricing-config';
import { evolve, initialState, type PlayerPriceState, type PricedPlayer, type PricingEvent, type PricingState } from './pricing-state';

export type PricingCommand =
  | { type: 'Initialize'; player: PricedPlayer; initialPriceCents: number; at: number }
  | { type: 'ApplyMatchEvent'; event: MatchEvent; role: PlayerRole }
  | { type: 'ApplyTrade'; trade: Trade }
  /** The app sends it on a timer (live) or at record time (replay); `now` is the only clock. */
  | { type: 'Drift'; now: number };

export type PricingRejectionCode = 'PLAYER_NOT_INITIALIZED' | 'WRONG_PLAYER' | 'INVALID_INITIAL_PRICE' | 'INVALID_TRADE';

export interface PricingRejection {
  rejected: PricingRejectionCode;
  detail: string;
}

/** Events to append (possibly none: a duplicate or an event that does not move this player), or a rejection. */
export type PricingDecision = readonly PricingEvent[] | PricingRejection;

export function isRejection(decision: PricingDecision): decision is PricingRejection {
  return !Array.isArray(decision);
}

export interface PricingDecider {
  decide(command: PricingCommand, state: PricingState): PricingDecision;
  evolve(state: PricingState, event: PricingEvent): PricingState;
  initialState(): PricingState;
}

/** Builds the decider for a config; an invalid config is a programming error at start-up and throws. */
export function pricingDecider(config: PricingConfig): PricingDecider {
  const validated = validatePricingConfig(config);
  if (!validated.ok) throw new Error(`invalid pricing config: ${validated.errors.join('; ')}`);
  return { decide: (command, state) => decide(command, state, config), evolve, initialState };
}

function decide(command: PricingCommand, state: PricingState, config: PricingConfig): PricingDecision {
  if (command.type === 'Initialize') return initialize(command, state, config);
  if (state.status !== 'pricing') return { rejected: 'PLAYER_NOT_INITIALIZED', detail: `${command.type} before Initialize` };
  switch (command.type) {
    case 'ApplyMatchEvent':
      return applyMatchEvent(command.event, command.role, state, config);
    case 'ApplyTrade':
      return applyTrade(command.trade, state, config);
    case 'Drift':
      return drift(command.now, state, config);
  }
}

function initialize(command: Extract<PricingCommand, { type: 'Initialize' }>, state: PricingState, config: PricingConfig): PricingDecision {
  if (state.status === 'pricing') return []; // the app re-initializes its roster on every start: a no-op
  const { initialPriceCents } = command;
  if (!Number.isSafeInteger(initialPriceCents) || initialPriceCents < config.floorPriceCents || initialPriceCents > config.ceilingPriceCents) {
    return {
      rejected: 'INVALID_INITIAL_PRICE',
      detail: `initialPriceCents must be integer cents in ${config.floorPriceCents}..${config.ceilingPriceCents}, got ${initialPriceCents}`,
    };
  }
  const tick: PriceTick = {
    playerId: command.player.playerId,
    matchId: command.player.matchId,
    seq: 1,
    priceCents: initialPriceCents,
    previousPriceCents: initialPriceCents,
    cause: 'INITIAL',
    causeEventId: null,
    causeEventType: null,
    causeOccurredAt: null,
    lockedUntil: null,
    tickedAt: command.at,
  };
  const rng = rngStateFromSeed(seedFromText(`${config.rngSeed}:${command.player.playerId}`));
  return [{ type: 'PriceInitialized', player: command.player, tick, rng }];
}

/** Lock from ingestedAt: that is when we (and fans watching our prices) learned of the event. See README. */
export function lockedUntilAfter(event: Pick<MatchEvent, 'ingestedAt'>, currentLockedUntil: number | null, lockWindowMs: number): number {
  return Math.max(currentLockedUntil ?? Number.NEGATIVE_INFINITY, event.ingestedAt + lockWindowMs);
}

function applyMatchEvent(event: MatchEvent, role: PlayerRole, state: PlayerPriceState, config: PricingConfig): PricingDecision {
  const concernsPlayer =
    role === 'match' ? event.matchId === state.matchId
    : role === 'subject' ? event.playerId === state.playerId
    : role === 'related' ? event.relatedPlayerId === state.playerId
    : true; // keeper: found by rolesFor from the roster, not named in the event
  if (!concernsPlayer) return { rejected: 'WRONG_PLAYER', detail: `${event.eventId} does not name ${state.playerId} as ${role}` };
  if (state.seenEventIds.includes(event.eventId)) return [];

  if (role === 'match') {
    if (event.type !== 'FULL_TIME' || state.matchEndedAt !== null) return [];
    return [{ type: 'MatchEnded', eventId: event.eventId, endedAt: event.ingestedAt }];
  }
  const jumpBp = jumpBpFor(config.jumpTable, event.type, role);
  if (jumpBp === undefined) return [];

  const priceCents = movePriceCents(state.priceCents, jumpBp, config);
  const tick = nextTick(state, config, {
    priceCents,
    cause: 'EVENT',
    causeEventId: event.eventId,
    causeEventType: event.type,
    causeOccurredAt: event.occurredAt,
    lockedUntil: lockedUntilAfter(event, state.lockedUntil, config.lockWindowMs),
    tickedAt: Math.max(event.ingestedAt, state.lastTickAt),
  });
  return [{ type: 'PriceTicked', tick, anchorPriceCents: priceCents, pendingDemandShares: state.pendingDemandShares, rng: state.rng, tradeId: null }];
}

function applyTrade(trade: Trade, state: PlayerPriceState, config: PricingConfig): PricingDecision {
  if (trade.playerId !== state.playerId) return { rejected: 'WRONG_PLAYER', detail: `trade ${trade.tradeId} is for ${trade.playerId}` };
  if (!Number.isSafeInteger(trade.quantity) || trade.quantity <= 0) {
    return { rejected: 'INVALID_TRADE', detail: `trade ${trade.tradeId} quantity must be a positive integer, got ${trade.quantity}` };
  }
  if (state.seenTradeIds.includes(trade.tradeId)) return [];
  const netShares = trade.side === 'BUY' ? trade.quantity : -trade.quantity;
  if (!mayTickAt(trade.executedAt, state, config)) return [{ type: 'DemandDeferred', tradeId: trade.tradeId, netShares }];
  return [demandTick(state.pendingDemandShares + netShares, trade.executedAt, trade.tradeId, state, config)];
}

function drift(now: number, state: PlayerPriceState, config: PricingConfig): PricingDecision {
  if (!mayTickAt(now, state, config)) return [];
  if (state.pendingDemandShares !== 0) return [demandTick(state.pendingDemandShares, now, null, state, config)];
  if (state.matchEndedAt !== null || now - state.lastTickAt < config.driftIntervalMs) return [];
  const rng = createRandom(state.rng);
  const bp = driftBp(state.priceCents, state.anchorPriceCents, rng, config);
  const tick = nextTick(state, config, { priceCents: movePriceCents(state.priceCents, bp, config), cause: 'DRIFT', tickedAt: now });
  return [{ type: 'PriceTicked', tick, anchorPriceCents: state.anchorPriceCents, pendingDemandShares: 0, rng: rng.state(), tradeId: null }];
}

/** Drift and demand ticks respect the per-player tick budget; events do not (they are rare and must not wait). */
function mayTickAt(at: number, state: PlayerPriceState, config: PricingConfig): boolean {
  return at - state.lastTickAt >= minTickIntervalMs(config);
}

function demandTick(netShares: number, at: number, tradeId: string | null, state: PlayerPriceState, config: PricingConfig): PricingEvent {
  const priceCents = movePriceCents(state.priceCents, demandBp(netShares, config), config);
  const tick = nextTick(state, config, { priceCents, cause: 'DEMAND', tickedAt: at });
  return { type: 'PriceTicked', tick, anchorPriceCents: state.anchorPriceCents, pendingDemandShares: 0, rng: state.rng, tradeId };
}

interface TickChange {
  priceCents: number;
  cause: TickCause;
  tickedAt: number;
  causeEventId?: string;
  causeEventType?: string;
  causeOccurredAt?: number;
  lockedUntil?: number;
}

function nextTick(state: PlayerPriceState, config: PricingConfig, change: TickChange): PriceTick {
  invariant(Number.isSafeInteger(change.priceCents), () => `price must be integer cents, got ${change.priceCents}`);
  invariant(change.priceCents >= config.floorPriceCents, () => `price ${change.priceCents} below floor ${config.floorPriceCents}`);
  const lockedUntil = change.lockedUntil ?? (state.lockedUntil !== null && state.lockedUntil > change.tickedAt ? state.lockedUntil : null);
  return {
    playerId: state.playerId,
    matchId: state.matchId,
    seq: state.seq + 1,
    priceCents: change.priceCents,
    previousPriceCents: state.priceCents,
    cause: change.cause,
    causeEventId: change.causeEventId ?? null,
    causeEventType: change.causeEventType ?? null,
    causeOccurredAt: change.causeOccurredAt ?? null,
    lockedUntil,
    tickedAt: change.tickedAt,
  };
}
