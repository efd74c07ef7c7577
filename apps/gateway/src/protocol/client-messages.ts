// Parses and validates what clients send (protocol v1). Pure: text in, a typed
// request or a coded error out; nothing here throws on client input.
import type { ErrorName } from './codes';

export const PLAYER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Every op the gateway accepts (docs/api/asyncapi.yaml documents each). */
export const OPS = ['auth', 'subscribe', 'unsubscribe', 'resume', 'ping'] as const;
/** Longest token an `auth` message may carry (ours are about 300 characters). */
export const MAX_AUTH_TOKEN_CHARS = 2_048;
export type Op = (typeof OPS)[number];

export interface ResumeFrom { player: string; fromSeq: number }

export type ClientRequest =
  | { op: 'subscribe'; players: string[] }
  | { op: 'unsubscribe'; players: string[] }
  | { op: 'resume'; positions: ResumeFrom[] }
  | { op: 'ping' }
  | { op: 'auth'; token: string };

export interface ParseLimits {
  /** No single request may name more players than a connection may hold. */
  maxSubscriptionsPerConnection: number;
}

export type ParseResult =
  | { ok: true; request: ClientRequest }
  | { ok: false; error: ErrorName; message: string; op?: string };

export function parseClientMessage(text: string, limits: ParseLimits): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'BAD_JSON', message: 'the message is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'BAD_MESSAGE', message: 'a message is a JSON object with an "op"' };
  }
  const message = value as Record<string, unknown>;
  const op = message['op'];
  if (typeof op !== 'string') return { ok: false, error: 'BAD_MESSAGE', message: 'a message is a JSON object with an "op"' };
  if (!(OPS as readonly string[]).includes(op)) {
    return { ok: false, error: 'UNKNOWN_OP', message: `unknown op ${JSON.stringify(op.slice(0, 32))}: expected one of ${OPS.join(', ')}`, op: op.slice(0, 32) };
  }
  switch (op as Op) {
    case 'ping':
      return { ok: true, request: { op: 'ping' } };
    case 'auth': {
      const token = message['token'];
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_AUTH_TOKEN_CHARS) {
        return { ok: false, error: 'BAD_MESSAGE', message: `auth takes {"op":"auth","token":"<jwt>"}, a token of 1-${MAX_AUTH_TOKEN_CHARS} characters`, op };
      }
      return { ok: true, request: { op: 'auth', token } };
    }
    case 'subscribe':
    case 'unsubscribe': {
      const players = playerList(message['players'], limits);
      if (typeof players === 'string') return { ok: false, error: 'BAD_MESSAGE', message: players, op };
      return { ok: true, request: { op: op as 'subscribe' | 'unsubscribe', players } };
    }
    case 'resume': {
      const positions = resumePositions(message, limits);
      if (typeof positions === 'string') return { ok: false, error: 'BAD_MESSAGE', message: positions, op };
      return { ok: true, request: { op: 'resume', positions } };
    }
  }
}

/** Distinct valid player ids, or what is wrong with them. */
function playerList(value: unknown, limits: ParseLimits): string[] | string {
  if (!Array.isArray(value) || value.length === 0) return '"players" must be a non-empty array of player ids';
  if (value.length > limits.maxSubscriptionsPerConnection) {
    return `"players" names ${value.length} players; at most ${limits.maxSubscriptionsPerConnection} per connection`;
  }
  for (const id of value) {
    if (typeof id !== 'string' || !PLAYER_ID_PATTERN.test(id)) return `invalid player id ${JSON.stringify(id)}: 1-64 of A-Z a-z 0-9 _ . : -`;
  }
  return [...new Set(value as string[])];
}

function resumePositions(message: Record<string, unknown>, limits: ParseLimits): ResumeFrom[] | string {
  const raw = message['players'] !== undefined ? message['players'] : [{ player: message['player'], fromSeq: message['fromSeq'] }];
  if (!Array.isArray(raw) || raw.length === 0) return 'resume takes {player, fromSeq} or players: [{player, fromSeq}, ...]';
  if (raw.length > limits.maxSubscriptionsPerConnection) {
    return `resume names ${raw.length} players; at most ${limits.maxSubscriptionsPerConnection} per connection`;
  }
  const byPlayer = new Map<string, number>();
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) return 'each resume position is {player, fromSeq}';
    const { player, fromSeq } = item as Record<string, unknown>;
    if (typeof player !== 'string' || !PLAYER_ID_PATTERN.test(player)) return `invalid player id ${JSON.stringify(player)}: 1-64 of A-Z a-z 0-9 _ . : -`;
    if (typeof fromSeq !== 'number' || !Number.isSafeInteger(fromSeq) || fromSeq < 0) return `"fromSeq" of ${player} must be an integer >= 0 (the last seq the client holds)`;
    byPlayer.set(player, fromSeq);
  }
  return [...byPlayer].map(([player, fromSeq]) => ({ player, fromSeq }));
}
