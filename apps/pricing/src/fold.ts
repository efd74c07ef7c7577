// The processor's pure core: folds a batch of pricing.commands (one partition)
// through the decider into new player states, the ticks to publish and the
// players to snapshot. No clock, no I/O: the same commands give the same ticks.
import type { PriceTick, PricingCommandKind } from '@inplay/contracts';
import { isRejection, ticksOf, type PlayerPriceState, type PricingCommand, type PricingDecider, type PricingRejectionCode } from '@inplay/domain';
import { readCommand, type PricingCommandRecord } from './commands';

export interface CommandAt {
  /** Offset in pricing.commands (an integer as Kafka gives it: a string). */
  offset: string;
  command: PricingCommandRecord;
}

export type RejectionCode = PricingRejectionCode | 'MALFORMED_COMMAND';

export interface Rejection {
  offset: string;
  playerId: string | null;
  code: RejectionCode;
  detail: string;
}

export interface Touched {
  state: PlayerPriceState;
  /** Offset of the last command that changed this player. */
  commandOffset: number;
}

export interface FoldResult {
  /** Every player of the partition after the batch (a new map: the input is left as it was). */
  players: Map<string, PlayerPriceState>;
  ticks: PriceTick[];
  /** Players whose state changed, in first-touched order. */
  touched: Map<string, Touched>;
  /** Expected refusals of the decider (values, not errors): counted and logged by the app. */
  rejections: Rejection[];
  commandsByKind: Record<PricingCommandKind, number>;
}

/**
 * Per player, the offset its restored snapshot reflects: commands at or below it
 * are already in the state and are skipped for that player (replay after a crash).
 */
export type ReflectedOffsets = ReadonlyMap<string, number>;

const NOTHING_REFLECTED: ReflectedOffsets = new Map();

export function foldCommands(
  decider: PricingDecider,
  players: ReadonlyMap<string, PlayerPriceState>,
  commands: readonly CommandAt[],
  reflected: ReflectedOffsets = NOTHING_REFLECTED,
): FoldResult {
  const result: FoldResult = {
    players: new Map(players),
    ticks: [],
    touched: new Map(),
    rejections: [],
    commandsByKind: { INITIALIZE: 0, MATCH_EVENT: 0, TRADE: 0, DRIFT: 0 },
  };
  for (const { offset, command: record } of commands) {
    result.commandsByKind[record.kind] += 1;
    const reading = readCommand(record);
    if (!reading.ok) {
      result.rejections.push({ offset, playerId: record.playerId, code: 'MALFORMED_COMMAND', detail: reading.reason });
      continue;
    }
    // DRIFT beats every player this partition holds, in a stable order.
    const targets = reading.playerId === null ? [...result.players.keys()].sort() : [reading.playerId];
    for (const playerId of targets) {
      if (Number(offset) <= (reflected.get(playerId) ?? -1)) continue;
      apply(decider, result, playerId, reading.command, offset);
    }
  }
  return result;
}

function apply(decider: PricingDecider, result: FoldResult, playerId: string, command: PricingCommand, offset: string): void {
  const before = result.players.get(playerId) ?? decider.initialState();
  const decision = decider.decide(command, before);
  if (isRejection(decision)) {
    result.rejections.push({ offset, playerId, code: decision.rejected, detail: decision.detail });
    return;
  }
  if (decision.length === 0) return;
  let state = before;
  for (const event of decision) state = decider.evolve(state, event);
  if (state.status !== 'pricing') throw new Error(`player ${playerId} is not priced after ${command.type}`);
  result.players.set(playerId, state);
  result.touched.set(playerId, { state, commandOffset: Number(offset) });
  result.ticks.push(...ticksOf(decision));
}
