import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaOf } from '@inplay/contracts/schemas';
import { DEFAULT_PRICING_CONFIG, pricingDecider, type PlayerPriceState } from '@inplay/domain';
import { driftCommand, matchEventCommands, tradeCommand, type KeyedCommand } from './commands';
import { foldCommands, type CommandAt } from './fold';
import { KICK_OFF_AT, kickOff, matchEvent, roster, trade } from '../test/pricing.fixtures';
import { fromSnapshot, toSnapshot, type PricingSnapshot } from './snapshot-codec';

const decider = pricingDecider(DEFAULT_PRICING_CONFIG);
const snapshotType = avro.Type.forSchema(schemaOf('PricingSnapshot') as avro.Schema);
const DRIFT_MS = DEFAULT_PRICING_CONFIG.driftIntervalMs;

function at(commands: KeyedCommand[], firstOffset = 0): CommandAt[] {
  return commands.map((c, i) => ({ offset: String(firstOffset + i), command: c.value }));
}

/** A small match: kick-off, drift beats, a goal, a duplicate of it, trades and a card. */
function matchCommands(): KeyedCommand[] {
  const goal = matchEvent({ ingestedAt: KICK_OFF_AT + 30_000 });
  return [
    ...matchEventCommands(kickOff('m1', KICK_OFF_AT), roster),
    driftCommand(KICK_OFF_AT + DRIFT_MS),
    driftCommand(KICK_OFF_AT + 2 * DRIFT_MS),
    ...matchEventCommands(goal, roster),
    ...matchEventCommands(goal, roster),
    tradeCommand(trade({ tradeId: 't1', executedAt: KICK_OFF_AT + 30_100 })),
    tradeCommand(trade({ tradeId: 't2', executedAt: KICK_OFF_AT + 31_000, side: 'SELL', playerId: 'a-df' })),
    driftCommand(KICK_OFF_AT + 40_000),
    ...matchEventCommands(matchEvent({ eventId: 'test:card', type: 'YELLOW_CARD', playerId: 'a-df', relatedPlayerId: null, teamId: 'away', ingestedAt: KICK_OFF_AT + 41_000 }), roster),
    driftCommand(KICK_OFF_AT + 50_000),
  ];
}

describe('folding pricing commands', () => {
  it('initializes every player at kick-off with an INITIAL tick of seq 1 at the kick-off time', () => {
    const fold = foldCommands(decider, new Map(), at(matchEventCommands(kickOff('m1', KICK_OFF_AT), roster)));
    expect(fold.ticks.map((t) => [t.playerId, t.seq, t.cause, t.tickedAt])).toEqual(roster.players.map((p) => [p.playerId, 1, 'INITIAL', KICK_OFF_AT]));
    expect([...fold.touched.keys()]).toEqual(roster.players.map((p) => p.playerId));
    expect(fold.commandsByKind).toEqual({ INITIALIZE: 6, MATCH_EVENT: 6, TRADE: 0, DRIFT: 0 });
  });

  it('beats drift on every player the partition holds, idle ones included, at the beat time', () => {
    const started = foldCommands(decider, new Map(), at(matchEventCommands(kickOff('m1', KICK_OFF_AT), roster)));
    const fold = foldCommands(decider, started.players, at([driftCommand(KICK_OFF_AT + DRIFT_MS)]));
    expect(fold.ticks.map((t) => t.playerId)).toEqual(roster.players.map((p) => p.playerId).sort());
    expect(fold.ticks.every((t) => t.cause === 'DRIFT' && t.seq === 2 && t.tickedAt === KICK_OFF_AT + DRIFT_MS)).toBe(true);
  });

  it('raises the scorer and lowers the conceding keeper on a goal, and ticks nothing for a duplicate of it', () => {
    const fold = foldCommands(decider, new Map(), at(matchCommands()));
    const goalTicks = fold.ticks.filter((t) => t.causeEventId === 'test:e1');
    expect(goalTicks.map((t) => t.playerId)).toEqual(['h-fw', 'h-mf', 'a-gk']);
    expect(goalTicks[0]!.priceCents).toBeGreaterThan(goalTicks[0]!.previousPriceCents);
    expect(goalTicks[2]!.priceCents).toBeLessThan(goalTicks[2]!.previousPriceCents);
  });

  it('refuses a command for a player not yet initialized as a value, and leaves the given states untouched', () => {
    const before = new Map<string, PlayerPriceState>();
    const fold = foldCommands(decider, before, at([tradeCommand(trade({ playerId: 'nobody' }))]));
    expect(fold.rejections).toEqual([{ offset: '0', playerId: 'nobody', code: 'PLAYER_NOT_INITIALIZED', detail: 'ApplyTrade before Initialize' }]);
    expect(fold.ticks).toEqual([]);
    expect(before.size).toBe(0);
  });

  it('gives the same ticks however the log is cut into batches and restored from snapshots between them', () => {
    const commands = at(matchCommands());
    const whole = foldCommands(decider, new Map(), commands).ticks;
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: commands.length - 1 }), { maxLength: 5 }), (cuts) => {
      const bounds = [0, ...cuts.sort((a, b) => a - b), commands.length];
      let players = new Map<string, PlayerPriceState>();
      const ticks = [];
      for (let i = 1; i < bounds.length; i++) {
        const fold = foldCommands(decider, players, commands.slice(bounds[i - 1], bounds[i]));
        ticks.push(...fold.ticks);
        // What the processor writes and reads back on assignment, through Avro.
        players = new Map([...fold.players].map(([id, state]) => [id, fromSnapshot(snapshotType.fromBuffer(snapshotType.toBuffer(toSnapshot(state, 0, 0))) as PricingSnapshot)]));
      }
      expect(ticks).toEqual(whole);
    }), { numRuns: 50 });
  });

  it('snapshots a player exactly: generator state, dedupe windows and lock included', () => {
    const fold = foldCommands(decider, new Map(), at(matchCommands()));
    for (const [playerId, touched] of fold.touched) {
      const snapshot = toSnapshot(touched.state, 3, touched.commandOffset);
      expect(snapshot).toMatchObject({ playerId, commandPartition: 3 });
      expect(fromSnapshot(snapshotType.fromBuffer(snapshotType.toBuffer(snapshot)) as PricingSnapshot)).toEqual(touched.state);
    }
  });

  it('replays from an older offset after a crash and gives exactly the ticks the snapshots do not reflect yet', () => {
    const commands = at(matchCommands());
    const whole = foldCommands(decider, new Map(), commands);
    fc.assert(fc.property(fc.integer({ min: 0, max: commands.length - 1 }), fc.array(fc.integer({ min: 0, max: commands.length - 1 })), (resumeAt, snapshotAtSeeds) => {
      // Each player was snapshotted at some offset at or after the resume point (its state then, that offset recorded).
      const upTo = (end: number) => foldCommands(decider, new Map(), commands.slice(0, end + 1));
      const players = new Map<string, PlayerPriceState>();
      const reflected = new Map<string, number>();
      [...whole.players.keys()].forEach((playerId, i) => {
        const snapshotAt = Math.max(resumeAt - 1, snapshotAtSeeds[i] ?? resumeAt - 1);
        const state = snapshotAt < 0 ? undefined : upTo(snapshotAt).players.get(playerId);
        if (state) {
          players.set(playerId, state);
          reflected.set(playerId, snapshotAt);
        }
      });
      const replay = foldCommands(decider, players, commands.slice(resumeAt), reflected);
      const seqReflected = (playerId: string) => players.get(playerId)?.seq ?? 0;
      expect(replay.ticks).toEqual(whole.ticks.filter((t) => t.seq > seqReflected(t.playerId)));
      expect(replay.players).toEqual(whole.players);
    }), { numRuns: 50 });
  });
});
