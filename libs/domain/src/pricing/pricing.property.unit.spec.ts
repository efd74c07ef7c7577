// Property tests for the pricing invariants of DESIGN.md: whatever arrives, in
// whatever order, the price stays in bounds, seq rises by one, and the same
// inputs give the same ticks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MATCH_EVENT_TYPES } from '../match/match-event';
import { DEFAULT_PRICING_CONFIG, minTickIntervalMs } from './pricing-config';
import type { PricingCommand } from './pricing-decider';
import { pricingDecider } from './pricing-decider';
import { KICK_OFF_AT, initializeCommand, matchEvent, run, trade } from './pricing.fixtures';

const config = DEFAULT_PRICING_CONFIG;
const decider = pricingDecider(config);

/** A command at an offset (ms) after the previous one; times are made absolute by commandsArb. */
const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('event' as const),
    gapMs: fc.integer({ min: 0, max: 20_000 }),
    type: fc.constantFrom(...MATCH_EVENT_TYPES),
    role: fc.constantFrom('subject' as const, 'related' as const, 'keeper' as const),
    eventNo: fc.integer({ min: 0, max: 30 }), // small range: duplicates happen
  }),
  fc.record({
    kind: fc.constant('trade' as const),
    gapMs: fc.integer({ min: 0, max: 3_000 }),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    quantity: fc.integer({ min: 1, max: 100_000 }),
    tradeNo: fc.integer({ min: 0, max: 200 }),
  }),
  fc.record({ kind: fc.constant('drift' as const), gapMs: fc.integer({ min: 0, max: 5_000 }) }),
);

const commandsArb = fc.tuple(fc.integer({ min: config.floorPriceCents, max: 5_000 }), fc.array(stepArb, { maxLength: 120, size: 'medium' })).map(
  ([initialPriceCents, steps]) => {
    let at = KICK_OFF_AT;
    const commands: PricingCommand[] = [initializeCommand('h-fw', initialPriceCents, at)];
    for (const step of steps) {
      at += step.gapMs;
      if (step.kind === 'event') {
        const event = matchEvent({
          eventId: `test:e${step.eventNo}`, type: step.type, ingestedAt: at, occurredAt: at - 20_000,
          playerId: step.role === 'subject' ? 'h-fw' : 'x', relatedPlayerId: step.role === 'related' ? 'h-fw' : null,
        });
        commands.push({ type: 'ApplyMatchEvent', event, role: step.role });
      } else if (step.kind === 'trade') {
        commands.push({ type: 'ApplyTrade', trade: trade({ tradeId: `t${step.tradeNo}`, side: step.side, quantity: step.quantity, executedAt: at }) });
      } else {
        commands.push({ type: 'Drift', now: at });
      }
    }
    return commands;
  },
);

describe('pricing properties', () => {
  it('never takes a price below the floor or above the ceiling, and always whole cents', () => {
    fc.assert(fc.property(commandsArb, (commands) => {
      for (const tick of run(decider, commands).ticks) {
        expect(Number.isInteger(tick.priceCents)).toBe(true);
        expect(tick.priceCents).toBeGreaterThanOrEqual(config.floorPriceCents);
        expect(tick.priceCents).toBeLessThanOrEqual(config.ceilingPriceCents);
      }
    }));
  });

  it('raises seq by exactly 1 per tick and chains previousPriceCents', () => {
    fc.assert(fc.property(commandsArb, (commands) => {
      const { ticks } = run(decider, commands);
      ticks.forEach((tick, i) => {
        expect(tick.seq).toBe(i + 1);
        if (i > 0) expect(tick.previousPriceCents).toBe(ticks[i - 1]!.priceCents);
      });
    }));
  });

  it('gives identical ticks for identical inputs, and state survives a JSON round trip', () => {
    fc.assert(fc.property(commandsArb, fc.integer({ min: 0, max: 120 }), (commands, cut) => {
      const whole = run(decider, commands);
      const firstPart = run(decider, commands.slice(0, cut));
      const restored = JSON.parse(JSON.stringify(firstPart.state));
      const secondPart = run(decider, commands.slice(cut), restored);
      expect(run(decider, commands).ticks).toEqual(whole.ticks);
      expect([...firstPart.ticks, ...secondPart.ticks]).toEqual(whole.ticks);
    }));
  });

  it('keeps every drift tick within driftMaxBp and every demand tick within demandMaxBpPerTick', () => {
    fc.assert(fc.property(commandsArb, (commands) => {
      for (const tick of run(decider, commands).ticks) {
        const maxBp = tick.cause === 'DRIFT' ? config.driftMaxBp : tick.cause === 'DEMAND' ? config.demandMaxBpPerTick : null;
        if (maxBp === null) continue;
        // half a cent of rounding on top of the bound
        expect(Math.abs(tick.priceCents - tick.previousPriceCents)).toBeLessThanOrEqual((tick.previousPriceCents * maxBp) / 10_000 + 0.5);
      }
    }));
  });

  it('spaces drift and demand ticks at least 1000 / maxTicksPerPlayerPerSecond ms after the previous tick', () => {
    fc.assert(fc.property(commandsArb, (commands) => {
      const { ticks } = run(decider, commands);
      ticks.forEach((tick, i) => {
        if (i === 0) return;
        expect(tick.tickedAt).toBeGreaterThanOrEqual(ticks[i - 1]!.tickedAt);
        if (tick.cause === 'DRIFT' || tick.cause === 'DEMAND') {
          expect(tick.tickedAt - ticks[i - 1]!.tickedAt).toBeGreaterThanOrEqual(minTickIntervalMs(config));
        }
      });
    }));
  });

  it('ticks at most once per distinct event id, and locks at least lockWindowMs after it was ingested', () => {
    fc.assert(fc.property(commandsArb, (commands) => {
      const eventTicks = run(decider, commands).ticks.filter((t) => t.cause === 'EVENT');
      const ids = eventTicks.map((t) => t.causeEventId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const tick of eventTicks) expect(tick.lockedUntil).toBeGreaterThanOrEqual(tick.tickedAt + config.lockWindowMs);
    }));
  });

  it('never ticks more than maxTicksPerPlayerPerSecond drift/demand ticks in any second', () => {
    fc.assert(fc.property(commandsArb, (commands) => {
      const times = run(decider, commands).ticks.filter((t) => t.cause === 'DRIFT' || t.cause === 'DEMAND').map((t) => t.tickedAt);
      times.forEach((start, i) => {
        const inWindow = times.slice(i).filter((t) => t < start + 1_000).length;
        expect(inWindow).toBeLessThanOrEqual(config.maxTicksPerPlayerPerSecond);
      });
    }));
  });
});
