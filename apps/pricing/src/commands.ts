// The sequencer's rules, pure: what it appends to pricing.commands for a match
// event, a trade or a drift beat, and how the processor reads a command record
// back into the domain decider's command.
import type { MatchEvent, PricingCommand as PricingCommandRecord, Trade } from '@inplay/contracts';
import { rolesFor, type PricingCommand, type Roster } from '@inplay/domain';

export type { PricingCommandRecord };

/** Key of DRIFT records: they carry no player and go to an explicit partition. */
export const DRIFT_KEY = 'drift';

export interface KeyedCommand {
  key: string;
  value: PricingCommandRecord;
}

const NO_PAYLOAD = { initialize: null, matchEvent: null, trade: null } as const;

/** A player's share persists across matches: the decider ignores INITIALIZE for a player it already prices. */
export function initializeCommands(roster: Roster, at: number): KeyedCommand[] {
  return roster.players.map((player) => ({
    key: player.playerId,
    value: {
      ...NO_PAYLOAD,
      kind: 'INITIALIZE',
      playerId: player.playerId,
      at,
      initialize: { matchId: roster.matchId, teamId: player.teamId, position: player.position, initialPriceCents: player.initialPriceCents },
    },
  }));
}

/** KICK_OFF initializes the roster first; then one MATCH_EVENT per concerned player (rolesFor). */
export function matchEventCommands(event: MatchEvent, roster: Roster): KeyedCommand[] {
  const initialize = event.type === 'KICK_OFF' ? initializeCommands(roster, event.ingestedAt) : [];
  const concerned = rolesFor(event, roster).map(({ playerId, command }) => ({
    key: playerId,
    value: { ...NO_PAYLOAD, kind: 'MATCH_EVENT' as const, playerId, at: event.ingestedAt, matchEvent: { role: command.role, event } },
  }));
  return [...initialize, ...concerned];
}

export function tradeCommand(trade: Trade): KeyedCommand {
  return { key: trade.playerId, value: { ...NO_PAYLOAD, kind: 'TRADE', playerId: trade.playerId, at: trade.executedAt, trade } };
}

export function driftCommand(now: number): KeyedCommand {
  return { key: DRIFT_KEY, value: { ...NO_PAYLOAD, kind: 'DRIFT', playerId: null, at: now } };
}

export type CommandReading =
  | { ok: true; playerId: string; command: PricingCommand }
  | { ok: true; playerId: null; command: Extract<PricingCommand, { type: 'Drift' }> }
  | { ok: false; reason: string };

/** The decider command a record stands for; a record whose payload does not match its kind is reported, not guessed. */
export function readCommand(record: PricingCommandRecord): CommandReading {
  const { kind, playerId, at } = record;
  if (kind === 'DRIFT') return { ok: true, playerId: null, command: { type: 'Drift', now: at } };
  if (playerId === null) return { ok: false, reason: `${kind} command without playerId` };
  switch (kind) {
    case 'INITIALIZE': {
      const init = record.initialize;
      if (init === null) return { ok: false, reason: 'INITIALIZE command without initialize payload' };
      const player = { playerId, matchId: init.matchId, teamId: init.teamId, position: init.position };
      return { ok: true, playerId, command: { type: 'Initialize', player, initialPriceCents: init.initialPriceCents, at } };
    }
    case 'MATCH_EVENT': {
      const payload = record.matchEvent;
      if (payload === null) return { ok: false, reason: 'MATCH_EVENT command without matchEvent payload' };
      return { ok: true, playerId, command: { type: 'ApplyMatchEvent', event: payload.event, role: payload.role } };
    }
    case 'TRADE': {
      if (record.trade === null) return { ok: false, reason: 'TRADE command without trade payload' };
      return { ok: true, playerId, command: { type: 'ApplyTrade', trade: record.trade } };
    }
  }
}
