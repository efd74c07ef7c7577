// What the gateway sends (protocol v1), as JSON text built once per message:
// a tick is serialised once and published to every subscriber of its player.
import type { LeaderboardEntry, MatchEvent, OrderResult, PriceTick } from '@inplay/contracts';
import { ERROR, PROTOCOL_VERSION, type ErrorName } from './codes';

export interface HelloLimits {
  maxSubscriptionsPerConnection: number;
  maxFrameBytes: number;
  maxMessagesPerSecond: number;
  messageBurst: number;
  conflateMs: number;
  idleTimeoutSeconds: number;
}

export function helloMessage(serverId: string, userId: string | null, limits: HelloLimits): string {
  return JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, serverId, userId, limits });
}

/** The answer to an accepted `auth` message (or bearer subprotocol): whose socket this is now, and until when. */
export function authenticatedMessage(userId: string, expiresAt: number): string {
  return JSON.stringify({ type: 'authenticated', userId, expiresAt });
}

/** A player's latest state as the gateway holds it. `price` is integer cents, times are ms since the epoch. */
export interface PriceState {
  player: string;
  priceCents: number;
  seq: number;
  lockedUntil: number | null;
  updatedAt: number;
}

export interface SnapshotFlags {
  /** The client asked to resume from a seq the ring buffer no longer holds: ticks were lost, this replaces them. */
  gap?: boolean;
  /** Sent to a slow consumer instead of the tick stream. */
  conflated?: boolean;
}

/** The latest state of a player; `price: null, seq: 0` when it has no price yet. */
export function snapshotMessage(player: string, state: PriceState | undefined, flags: SnapshotFlags = {}): string {
  return JSON.stringify({
    type: 'snapshot',
    player,
    price: state?.priceCents ?? null,
    seq: state?.seq ?? 0,
    lockedUntil: state?.lockedUntil ?? null,
    updatedAt: state?.updatedAt ?? null,
    ...(flags.gap ? { gap: true } : {}),
    ...(flags.conflated ? { conflated: true } : {}),
  });
}

/** The tick before this one in the stream this message belongs to (not always seq - 1: see conflation). */
export interface PreviousTick { seq: number; priceCents: number }

/**
 * A price change. `prevSeq` is the seq of the previous message of this
 * stream: a client holding `lastSeq >= prevSeq` has missed nothing.
 * `conflated` marks a deliberate skip (seq > prevSeq + 1).
 */
export function tickMessage(tick: PriceTick, previous: PreviousTick, flags: { replay?: boolean } = {}): string {
  return JSON.stringify({
    type: 'tick',
    player: tick.playerId,
    seq: tick.seq,
    prevSeq: previous.seq,
    price: tick.priceCents,
    prevPrice: previous.priceCents,
    cause: tick.cause,
    lockedUntil: tick.lockedUntil,
    ts: tick.tickedAt,
    ...(tick.seq > previous.seq + 1 ? { conflated: true } : {}),
    ...(flags.replay ? { replay: true } : {}),
  });
}

/**
 * Several messages in one frame, in order (docs/protocol.md "Batches"). Each part is one
 * already-serialised message, or several joined by commas: the frame is built by
 * concatenation, never by serialising again.
 */
export function batchMessage(parts: readonly string[]): string {
  return `{"type":"batch","messages":[${parts.join(',')}]}`;
}

export function errorMessage(name: ErrorName, message: string, op?: string): string {
  return JSON.stringify({ type: 'error', code: ERROR[name], name, message, ...(op ? { op } : {}) });
}

export function pongMessage(nowMs: number): string {
  return JSON.stringify({ type: 'pong', ts: nowMs });
}

export function orderResultMessage(result: OrderResult): string {
  return JSON.stringify({ type: 'order.result', ...result });
}

export interface BoardPosition {
  boardId: string;
  computedAt: number;
  totalUsers: number;
  rank: number;
  valueCents: number;
}

/** A user's own position on a board; `topJson` is the board's head, serialised once per board update. */
export function leaderboardMessage(position: BoardPosition, topJson: string): string {
  return `{"type":"leaderboard","boardId":${JSON.stringify(position.boardId)},"computedAt":${position.computedAt},"totalUsers":${position.totalUsers},"rank":${position.rank},"valueCents":${position.valueCents},"top":${topJson}}`;
}

export function boardTopJson(entries: readonly LeaderboardEntry[], count: number): string {
  return JSON.stringify(entries.slice(0, count));
}

/** A match event as every socket gets it (public): what happened, and the score after it. */
/** A match event as sockets get it: the record's fields (types from schemas/, never copied) without the provider's details. */
export type MatchEventMessage = { type: 'match.event'; eventType: MatchEvent['type'] } & Pick<MatchEvent,
  'matchId' | 'eventId' | 'playerId' | 'relatedPlayerId' | 'teamId' | 'period' | 'matchClockMs' | 'occurredAt' | 'ingestedAt' | 'homeScore' | 'awayScore'>;

export function matchEventFields(event: MatchEvent): MatchEventMessage {
  return {
    type: 'match.event', matchId: event.matchId, eventId: event.eventId, eventType: event.type, playerId: event.playerId,
    relatedPlayerId: event.relatedPlayerId, teamId: event.teamId, period: event.period, matchClockMs: event.matchClockMs,
    occurredAt: event.occurredAt, ingestedAt: event.ingestedAt, homeScore: event.homeScore, awayScore: event.awayScore,
  };
}

export function matchEventMessage(fields: MatchEventMessage): string {
  return JSON.stringify(fields);
}
