import { describe, expect, it } from 'vitest';
import { MAX_AUTH_TOKEN_CHARS, parseClientMessage } from './client-messages';

const limits = { maxSubscriptionsPerConnection: 3 };
const parse = (text: string) => parseClientMessage(text, limits);

describe('parsing client messages (protocol v1)', () => {
  it('reads subscribe, unsubscribe and ping', () => {
    expect(parse('{"op":"subscribe","players":["p1","p2"]}')).toEqual({ ok: true, request: { op: 'subscribe', players: ['p1', 'p2'] } });
    expect(parse('{"op":"unsubscribe","players":["p1"]}')).toEqual({ ok: true, request: { op: 'unsubscribe', players: ['p1'] } });
    expect(parse('{"op":"ping"}')).toEqual({ ok: true, request: { op: 'ping' } });
  });

  it('reads auth with its token, and refuses one without a token, with an empty one or one over MAX_AUTH_TOKEN_CHARS', () => {
    expect(parse('{"op":"auth","token":"a.b.c"}')).toEqual({ ok: true, request: { op: 'auth', token: 'a.b.c' } });
    for (const text of ['{"op":"auth"}', '{"op":"auth","token":""}', '{"op":"auth","token":42}', JSON.stringify({ op: 'auth', token: 'x'.repeat(MAX_AUTH_TOKEN_CHARS + 1) })]) {
      expect(parse(text)).toMatchObject({ ok: false, error: 'BAD_MESSAGE', op: 'auth' });
    }
  });

  it('drops duplicate player ids from a subscribe', () => {
    expect(parse('{"op":"subscribe","players":["p1","p1"]}')).toEqual({ ok: true, request: { op: 'subscribe', players: ['p1'] } });
  });

  it('reads resume for one player or a list, the later position of a repeated player winning', () => {
    expect(parse('{"op":"resume","player":"p1","fromSeq":7}')).toEqual({ ok: true, request: { op: 'resume', positions: [{ player: 'p1', fromSeq: 7 }] } });
    expect(parse('{"op":"resume","players":[{"player":"p1","fromSeq":1},{"player":"p2","fromSeq":0},{"player":"p1","fromSeq":4}]}'))
      .toEqual({ ok: true, request: { op: 'resume', positions: [{ player: 'p1', fromSeq: 4 }, { player: 'p2', fromSeq: 0 }] } });
  });

  it('answers malformed JSON with BAD_JSON', () => {
    expect(parse('{"op":')).toMatchObject({ ok: false, error: 'BAD_JSON' });
  });

  it('answers non-objects and a missing op with BAD_MESSAGE', () => {
    for (const text of ['[]', '42', 'null', '"subscribe"', '{"players":["p1"]}', '{"op":7}']) {
      expect(parse(text), text).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
    }
  });

  it('answers an unknown op with UNKNOWN_OP and names it', () => {
    expect(parse('{"op":"buy"}')).toMatchObject({ ok: false, error: 'UNKNOWN_OP', op: 'buy' });
  });

  it('refuses invalid player ids, empty lists and lists over the subscription limit', () => {
    expect(parse('{"op":"subscribe","players":[]}')).toMatchObject({ ok: false, error: 'BAD_MESSAGE', op: 'subscribe' });
    expect(parse('{"op":"subscribe","players":"p1"}')).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
    expect(parse('{"op":"subscribe","players":["p 1"]}')).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
    expect(parse(`{"op":"subscribe","players":["${'x'.repeat(65)}"]}`)).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
    expect(parse('{"op":"subscribe","players":[1]}')).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
    const tooMany = parse('{"op":"subscribe","players":["a","b","c","d"]}');
    expect(tooMany).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
    expect(!tooMany.ok && tooMany.message).toContain('at most 3');
  });

  it('refuses a resume without a non-negative integer fromSeq', () => {
    for (const fromSeq of ['-1', '1.5', '"3"', 'null']) {
      expect(parse(`{"op":"resume","player":"p1","fromSeq":${fromSeq}}`), fromSeq).toMatchObject({ ok: false, error: 'BAD_MESSAGE', op: 'resume' });
    }
    expect(parse('{"op":"resume","fromSeq":3}')).toMatchObject({ ok: false, error: 'BAD_MESSAGE' });
  });
});
