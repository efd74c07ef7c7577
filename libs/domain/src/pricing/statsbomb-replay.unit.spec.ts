// The recorded match priced end to end, as the pricing app would: roster ->
// Initialize, each feed event -> rolesFor -> ApplyMatchEvent, Drift between.
import { beforeAll, describe, expect, it } from 'vitest';
import type { MatchEvent, PriceTick } from '@inplay/contracts';
import { mapStatsBombEvents } from '../feed/statsbomb-events';
import { rosterFromLineups } from '../feed/statsbomb-roster';
import { loadStatsBombMatch } from '../feed/statsbomb.fixtures';
import { DEFAULT_PRICING_CONFIG } from './pricing-config';
import { pricingDecider, type PricingCommand } from './pricing-decider';
import { run } from './pricing.fixtures';
import type { PricingState } from './pricing-state';
import { rolesFor } from './roles';

const KICK_OFF_AT = 1_537_728_300_000;
const FEED_LAG_MS = 20_000;
const decider = pricingDecider(DEFAULT_PRICING_CONFIG);

function priceMatch(events: MatchEvent[], roster: ReturnType<typeof rosterFromLineups>): Map<string, PriceTick[]> {
  const states = new Map<string, PricingState>();
  const ticks = new Map<string, PriceTick[]>();
  const apply = (playerId: string, commands: PricingCommand[]) => {
    const result = run(decider, commands, states.get(playerId) ?? decider.initialState());
    states.set(playerId, result.state);
    ticks.set(playerId, [...(ticks.get(playerId) ?? []), ...result.ticks]);
  };
  for (const p of roster.players) {
    apply(p.playerId, [{ type: 'Initialize', player: { playerId: p.playerId, matchId: roster.matchId, teamId: p.teamId, position: p.position }, initialPriceCents: p.initialPriceCents, at: KICK_OFF_AT }]);
  }
  for (const event of events) {
    for (const p of roster.players) apply(p.playerId, [{ type: 'Drift', now: event.ingestedAt }]);
    for (const { playerId, command } of rolesFor(event, roster)) apply(playerId, [command]);
  }
  const afterFullTimeAt = (events.at(-1)?.ingestedAt ?? 0) + 10 * 60_000;
  for (const p of roster.players) apply(p.playerId, [{ type: 'Drift', now: afterFullTimeAt }]);
  return ticks;
}

let ticksByPlayer: Map<string, PriceTick[]>;
let fullTimeIngestedAt: number;
beforeAll(async () => {
  const { events, lineups, teams } = await loadStatsBombMatch();
  const roster = rosterFromLineups(lineups, events, { matchId: '15986', teams });
  const feed = mapStatsBombEvents(events, { matchId: '15986', kickOffAt: KICK_OFF_AT, teams });
  const ingested = feed.events.map((e) => ({ ...e, ingestedAt: e.occurredAt + FEED_LAG_MS }));
  fullTimeIngestedAt = ingested.find((e) => e.type === 'FULL_TIME')?.ingestedAt ?? Number.NaN;
  ticksByPlayer = priceMatch(ingested, roster);
});

describe('pricing the recorded match', () => {
  it('jumps Messi by 15% on his goal and locks him for a minute after we learned of it', () => {
    const goalTick = ticksByPlayer.get('5503')?.find((t) => t.causeEventType === 'GOAL');
    expect(goalTick).toBeDefined();
    expect(goalTick!.priceCents).toBe(Math.round(goalTick!.previousPriceCents * 1.15));
    expect(goalTick!.lockedUntil).toBe(goalTick!.tickedAt + DEFAULT_PRICING_CONFIG.lockWindowMs);
  });

  it('lowers ter Stegen on each of the two goals he conceded', () => {
    const conceded = ticksByPlayer.get('20055')?.filter((t) => t.causeEventType === 'GOAL') ?? [];
    expect(conceded).toHaveLength(2);
    for (const t of conceded) expect(t.priceCents).toBeLessThan(t.previousPriceCents);
  });

  it('ticks every player in sequence, above the floor, and stops drifting after full time', () => {
    for (const ticks of ticksByPlayer.values()) {
      ticks.forEach((t, i) => {
        expect(t.seq).toBe(i + 1);
        expect(t.priceCents).toBeGreaterThanOrEqual(DEFAULT_PRICING_CONFIG.floorPriceCents);
      });
    }
    const lastTickAt = Math.max(...[...ticksByPlayer.values()].flatMap((ticks) => ticks.map((t) => t.tickedAt)));
    expect(lastTickAt).toBeLessThanOrEqual(fullTimeIngestedAt);
  });
});
