import { describe, expect, it } from 'vitest';
import type { MatchEventType } from '@inplay/contracts';
import { MATCH_EVENT_TYPES } from '../match/match-event';
import { DEFAULT_JUMP_TABLE, type EventRole } from './jump-table';
import { DEFAULT_PRICING_CONFIG, type PricingConfig } from './pricing-config';
import { isRejection, pricingDecider } from './pricing-decider';
import { KICK_OFF_AT, initializeCommand, matchEvent, priceOf, roster, run, trade } from './pricing.fixtures';
import { rolesFor } from './roles';

const decider = pricingDecider(DEFAULT_PRICING_CONFIG);
const withConfig = (overrides: Partial<PricingConfig>) => pricingDecider({ ...DEFAULT_PRICING_CONFIG, ...overrides });
const started = (playerId = 'h-fw', priceCents = 1200) => run(decider, [initializeCommand(playerId, priceCents)]).state;

describe('pricing: initialize', () => {
  it('publishes an INITIAL tick with seq 1 at the given price and time', () => {
    expect(run(decider, [initializeCommand('h-fw', 1200, KICK_OFF_AT)]).ticks).toEqual([{
      playerId: 'h-fw', matchId: 'm1', seq: 1, priceCents: 1200, previousPriceCents: 1200, cause: 'INITIAL',
      causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: KICK_OFF_AT,
    }]);
  });

  it('treats a second Initialize as a no-op so the app can re-initialize its roster on every start', () => {
    expect(decider.decide(initializeCommand(), started())).toEqual([]);
  });

  it('rejects an initial price below the floor', () => {
    expect(decider.decide(initializeCommand('h-fw', 10), decider.initialState())).toMatchObject({ rejected: 'INVALID_INITIAL_PRICE' });
  });

  it('rejects every other command before Initialize', () => {
    expect(decider.decide({ type: 'Drift', now: KICK_OFF_AT }, decider.initialState())).toMatchObject({ rejected: 'PLAYER_NOT_INITIALIZED' });
  });
});

describe('pricing: match events', () => {
  const rolesWithJumps = MATCH_EVENT_TYPES.flatMap((type) =>
    (Object.entries(DEFAULT_JUMP_TABLE[type]) as [EventRole, number][]).map(([role, jumpBp]) => ({ type, role, jumpBp })));

  it.each(rolesWithJumps)('moves the $role of $type by the sign of its jump ($jumpBp bp)', ({ type, role, jumpBp }) => {
    const event = matchEvent({ type, playerId: role === 'subject' ? 'h-fw' : 'x', relatedPlayerId: role === 'related' ? 'h-fw' : null });
    const { ticks } = run(decider, [initializeCommand('h-fw', 1200), { type: 'ApplyMatchEvent', event, role }]);
    expect(ticks).toHaveLength(2);
    expect(Math.sign(ticks[1]!.priceCents - 1200)).toBe(Math.sign(jumpBp));
    expect(ticks[1]).toMatchObject({ cause: 'EVENT', causeEventId: event.eventId, causeEventType: type, seq: 2 });
  });

  it('raises the scorer and the assister and lowers the beaten keeper on a goal', () => {
    const goal = matchEvent({ type: 'GOAL', playerId: 'h-fw', relatedPlayerId: 'h-mf', teamId: 'home' });
    const moves = Object.fromEntries(rolesFor(goal, roster).map(({ playerId, command }) => {
      const { ticks } = run(decider, [initializeCommand(playerId, 1000), command]);
      return [playerId, ticks[1]!.priceCents - 1000];
    }));
    expect(moves).toEqual({ 'h-fw': 150, 'h-mf': 60, 'a-gk': -50 });
  });

  it.each<[MatchEventType, number]>([['RED_CARD', 960], ['OWN_GOAL', 1056], ['YELLOW_CARD', 1164], ['INJURY', 1116]])(
    'lowers the player on %s (1200 -> %i cents)', (type, expected) => {
      const { state } = run(decider, [initializeCommand(), { type: 'ApplyMatchEvent', event: matchEvent({ type }), role: 'subject' }]);
      expect(priceOf(state)).toBe(expected);
    });

  it('does not tick a player for a role the table does not move', () => {
    const substitution = matchEvent({ type: 'SUBSTITUTION_ON', playerId: 'h-mf', relatedPlayerId: 'h-fw' });
    expect(decider.decide({ type: 'ApplyMatchEvent', event: substitution, role: 'related' }, started())).toEqual([]);
  });

  it('produces no tick for a duplicate event id', () => {
    const command = { type: 'ApplyMatchEvent', event: matchEvent(), role: 'subject' } as const;
    const { ticks } = run(decider, [initializeCommand(), command, command]);
    expect(ticks.map((t) => t.cause)).toEqual(['INITIAL', 'EVENT']);
  });

  it('rejects an event that does not name the player in the given role', () => {
    expect(decider.decide({ type: 'ApplyMatchEvent', event: matchEvent({ playerId: 'someone-else' }), role: 'subject' }, started()))
      .toMatchObject({ rejected: 'WRONG_PLAYER' });
  });

  it('never takes a price below the floor, even on a red card at the floor', () => {
    const { state } = run(decider, [initializeCommand('h-fw', 50), { type: 'ApplyMatchEvent', event: matchEvent({ type: 'RED_CARD' }), role: 'subject' }]);
    expect(priceOf(state)).toBe(DEFAULT_PRICING_CONFIG.floorPriceCents);
  });
});

describe('pricing: trade lock', () => {
  const goal = matchEvent({ occurredAt: KICK_OFF_AT + 60_000, ingestedAt: KICK_OFF_AT + 85_000 });

  it('locks the player until ingestedAt + lockWindowMs, not occurredAt + lockWindowMs', () => {
    const { ticks } = run(decider, [initializeCommand(), { type: 'ApplyMatchEvent', event: goal, role: 'subject' }]);
    expect(ticks[1]!.lockedUntil).toBe(goal.ingestedAt + 60_000);
    expect(ticks[1]!.tickedAt).toBe(goal.ingestedAt);
  });

  it('takes the lock window from config', () => {
    const { ticks } = run(withConfig({ lockWindowMs: 15_000 }), [initializeCommand(), { type: 'ApplyMatchEvent', event: goal, role: 'subject' }]);
    expect(ticks[1]!.lockedUntil).toBe(goal.ingestedAt + 15_000);
  });

  it('extends the lock on a later event and never shortens it on an earlier one', () => {
    const later = matchEvent({ eventId: 'test:e2', type: 'SHOT_ON_TARGET', ingestedAt: goal.ingestedAt + 30_000 });
    const earlier = matchEvent({ eventId: 'test:e3', type: 'SHOT_ON_TARGET', ingestedAt: goal.ingestedAt - 30_000 });
    const { ticks } = run(decider, [initializeCommand(), ...[goal, later, earlier].map((event) => ({ type: 'ApplyMatchEvent', event, role: 'subject' }) as const)]);
    expect(ticks.slice(1).map((t) => t.lockedUntil)).toEqual([goal.ingestedAt + 60_000, goal.ingestedAt + 90_000, goal.ingestedAt + 90_000]);
  });

  it('carries the lock on drift ticks while it lasts and clears it after', () => {
    const { ticks } = run(decider, [
      initializeCommand(),
      { type: 'ApplyMatchEvent', event: goal, role: 'subject' },
      { type: 'Drift', now: goal.ingestedAt + 2_000 },
      { type: 'Drift', now: goal.ingestedAt + 61_000 },
    ]);
    expect(ticks.slice(2).map((t) => [t.cause, t.lockedUntil])).toEqual([['DRIFT', goal.ingestedAt + 60_000], ['DRIFT', null]]);
  });
});

describe('pricing: drift', () => {
  it('ticks an idle player every driftIntervalMs and not before', () => {
    const state = started();
    expect(decider.decide({ type: 'Drift', now: KICK_OFF_AT + 1_999 }, state)).toEqual([]);
    const decision = decider.decide({ type: 'Drift', now: KICK_OFF_AT + 2_000 }, state);
    expect(isRejection(decision) ? [] : decision.map((e) => e.type === 'PriceTicked' && e.tick.cause)).toEqual(['DRIFT']);
  });

  it('reverts toward the last event-driven price', () => {
    const calm = withConfig({ driftVolatilityBp: 0, driftReversionPerTick: 0.5 });
    const { state } = run(calm, [initializeCommand('h-fw', 1000), { type: 'ApplyTrade', trade: trade({ quantity: 400, executedAt: KICK_OFF_AT + 1_000 }) }]);
    expect(priceOf(state)).toBe(1020);
    const after = run(calm, [{ type: 'Drift', now: KICK_OFF_AT + 3_000 }], state).state;
    expect(priceOf(after)).toBeLessThan(1020);
  });

  it('stops after FULL_TIME', () => {
    const fullTime = matchEvent({ eventId: 'test:ft', type: 'FULL_TIME', playerId: null, teamId: null, ingestedAt: KICK_OFF_AT + 1_000 });
    const { state, events } = run(decider, [initializeCommand(), { type: 'ApplyMatchEvent', event: fullTime, role: 'match' }]);
    expect(events.map((e) => e.type)).toEqual(['PriceInitialized', 'MatchEnded']);
    expect(decider.decide({ type: 'Drift', now: KICK_OFF_AT + 60_000 }, state)).toEqual([]);
  });
});

describe('pricing: demand', () => {
  it('raises the price on buys and lowers it on sells', () => {
    const buy = run(decider, [initializeCommand('h-fw', 1000), { type: 'ApplyTrade', trade: trade({ quantity: 100 }) }]);
    const sell = run(decider, [initializeCommand('h-fw', 1000), { type: 'ApplyTrade', trade: trade({ side: 'SELL', quantity: 100 }) }]);
    expect(buy.ticks[1]).toMatchObject({ cause: 'DEMAND', priceCents: 1005 });
    expect(sell.ticks[1]).toMatchObject({ cause: 'DEMAND', priceCents: 995 });
  });

  it('bounds the impact of one tick by demandMaxBpPerTick', () => {
    const { ticks } = run(decider, [initializeCommand('h-fw', 1000), { type: 'ApplyTrade', trade: trade({ quantity: 1_000_000 }) }]);
    expect(ticks[1]!.priceCents).toBe(1020);
  });

  it('defers a trade inside the tick budget and applies it on the next allowed tick', () => {
    const first = trade({ tradeId: 't1', executedAt: KICK_OFF_AT + 1_000, quantity: 100 });
    const second = trade({ tradeId: 't2', executedAt: KICK_OFF_AT + 1_100, quantity: 100 });
    const { events, ticks } = run(decider, [
      initializeCommand('h-fw', 1000),
      { type: 'ApplyTrade', trade: first },
      { type: 'ApplyTrade', trade: second },
      { type: 'Drift', now: KICK_OFF_AT + 1_200 },
      { type: 'Drift', now: KICK_OFF_AT + 1_250 },
    ]);
    expect(events.map((e) => e.type)).toEqual(['PriceInitialized', 'PriceTicked', 'DemandDeferred', 'PriceTicked']);
    expect(ticks.map((t) => [t.cause, t.tickedAt - KICK_OFF_AT, t.priceCents])).toEqual([
      ['INITIAL', 0, 1000], ['DEMAND', 1_000, 1005], ['DEMAND', 1_250, 1010],
    ]);
  });

  it('ignores a redelivered trade', () => {
    const command = { type: 'ApplyTrade', trade: trade() } as const;
    expect(run(decider, [initializeCommand(), command, command]).ticks).toHaveLength(2);
  });

  it('rejects a trade for another player or with a non-positive quantity', () => {
    expect(decider.decide({ type: 'ApplyTrade', trade: trade({ playerId: 'a-gk' }) }, started())).toMatchObject({ rejected: 'WRONG_PLAYER' });
    expect(decider.decide({ type: 'ApplyTrade', trade: trade({ quantity: 0 }) }, started())).toMatchObject({ rejected: 'INVALID_TRADE' });
  });
});
