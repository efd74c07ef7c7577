// WebSocket client messages fuzzed: whatever a client sends, the parser
// answers a coded error (1xx, the connection stays open) or a request inside
// the protocol's limits, and never throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostileJsonValue, hostileString, mutatedJson, utf16String } from '@inplay/testing/fuzz';
import { ERROR } from './codes';
import { PLAYER_ID_PATTERN, parseClientMessage, type ParseResult } from './client-messages';

const RUNS = { numRuns: 500 };
const limits = { maxSubscriptionsPerConnection: 5 };
const PARSE_ERRORS = ['BAD_JSON', 'BAD_MESSAGE', 'UNKNOWN_OP'];

function expectCleanVerdict(result: ParseResult): void {
  if (!result.ok) {
    expect(PARSE_ERRORS).toContain(result.error);
    expect(ERROR[result.error]).toBeGreaterThanOrEqual(100);
    expect(ERROR[result.error]).toBeLessThan(200);
    expect(typeof result.message).toBe('string');
    if (result.op !== undefined) expect(result.op.length).toBeLessThanOrEqual(32);
    return;
  }
  const { request } = result;
  const players = request.op === 'resume' ? request.positions.map((p) => p.player) : request.op === 'ping' || request.op === 'auth' ? [] : request.players;
  if (request.op === 'auth') expect(request.token.length).toBeGreaterThan(0);
  expect(players.length).toBeLessThanOrEqual(limits.maxSubscriptionsPerConnection);
  expect(new Set(players).size).toBe(players.length);
  for (const player of players) expect(player).toMatch(PLAYER_ID_PATTERN);
  if (request.op === 'resume') for (const p of request.positions) expect(Number.isSafeInteger(p.fromSeq) && p.fromSeq >= 0).toBe(true);
}

const parse = (text: string) => parseClientMessage(text, limits);

describe('client messages, fuzzed', () => {
  it('answers any text with a 1xx error or a request inside the limits', () => {
    fc.assert(fc.property(fc.oneof(hostileString(256), utf16String(256), fc.json({ maxDepth: 4 })), (text) => expectCleanVerdict(parse(text))), RUNS);
  });

  it('answers any JSON object with an op of its own the same way', () => {
    const anyMessage = fc.record({
      op: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'resume', 'ping'), hostileString(48)),
      players: fc.oneof(hostileJsonValue, fc.array(fc.oneof(hostileJsonValue, fc.record({ player: hostileJsonValue, fromSeq: hostileJsonValue })), { maxLength: 8 })),
      player: hostileJsonValue,
      fromSeq: hostileJsonValue,
    }, { requiredKeys: ['op'] });
    fc.assert(fc.property(anyMessage, (message) => expectCleanVerdict(parse(JSON.stringify(message)))), RUNS);
  });

  it.each([
    { op: 'subscribe', players: ['p1', 'p2'] },
    { op: 'resume', players: [{ player: 'p1', fromSeq: 3 }, { player: 'p2', fromSeq: 0 }] },
    { op: 'resume', player: 'p1', fromSeq: 7 },
  ])('refuses a valid %o with one thing wrong, or reads it within the limits', (valid) => {
    fc.assert(fc.property(mutatedJson(valid), (text) => expectCleanVerdict(parse(text))), RUNS);
  });

  it.each([
    ['a prototype key as the op', '{"op":"__proto__"}', 'UNKNOWN_OP'],
    ['an op inherited from Object.prototype', '{"op":"toString"}', 'UNKNOWN_OP'],
    ['a __proto__ carrying the op', '{"__proto__":{"op":"ping"}}', 'BAD_MESSAGE'],
    ['an overflowing fromSeq', '{"op":"resume","player":"p1","fromSeq":1e400}', 'BAD_MESSAGE'],
    ['an unsafe fromSeq', '{"op":"resume","player":"p1","fromSeq":9007199254740993}', 'BAD_MESSAGE'],
    ['a lone surrogate as a player', '{"op":"subscribe","players":["\\ud800"]}', 'BAD_MESSAGE'],
    ['a resume position that is an array', '{"op":"resume","players":[["p1",1]]}', 'BAD_MESSAGE'],
  ] as const)('answers %s with %s', (_what, text, error) => {
    expect(parse(text)).toMatchObject({ ok: false, error });
  });
});
