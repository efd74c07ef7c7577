// POST /feed/events fuzzed on a real webhook server (real Postgres and Kafka):
// signed deliveries of near-valid events (one field wrong, odd text, odd
// numbers), hostile headers, methods and request targets. Every answer is
// < 500 with {error: {code, message}} when refused; a refusal records no
// delivery id and no event, and produces nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Roster } from '@inplay/domain';
import { errorCodeOf, rawHttp } from '@inplay/testing';
import { asTargetText, hostileBody, hostileString, httpHeaderValue, mutatedJson, TRICKY_STRINGS } from '@inplay/testing/fuzz';
import { checkAgainstContract } from '@inplay/testing/openapi';
import { feedTestEnv, type FeedTestEnv } from '../test/feed.fixtures';
import { registerMatch } from './match-registry';
import { signWebhook } from './signature';
import { startWebhookServer, type WebhookServer } from './webhook';

const SECRET = 'webhook-fuzz-secret-0123456789';
const MATCH_ID = 'fuzz-m1';
const roster: Roster = {
  matchId: MATCH_ID, homeTeamId: 'h', awayTeamId: 'a',
  players: [{ playerId: 'fuzz-p1', name: 'One', jersey: 9, teamId: 'h', teamName: 'Home', position: 'FWD', startingXi: true, initialPriceCents: 1200 }],
};
const validEvent = () => ({
  matchId: MATCH_ID, providerEventId: `pe-${randomUUID()}`, type: 'SHOT_ON_TARGET', playerId: 'fuzz-p1', relatedPlayerId: null, teamId: 'h',
  period: 1, matchClockMs: 754_000, occurredAt: Date.now() - 20_000, homeScore: 0, awayScore: 0, attributes: { source: 'fuzz' },
});

let t: FeedTestEnv;
let server: WebhookServer;

beforeAll(async () => {
  t = await feedTestEnv();
  await registerMatch(t.adapters.pool, roster, { provider: 'live', kickOffAt: Date.now() });
  server = await startWebhookServer({ adapters: t.adapters, secret: SECRET, port: 0, host: '127.0.0.1' });
  // Every answer this file gets must be one docs/api/openapi.yaml describes.
  checkAgainstContract({ [server.url]: 'feed-ingest' });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const rowsWritten = async () => ({ events: await t.rowCount('feed_events'), deliveries: await t.rowCount('webhook_deliveries') });

/** A delivery signed right, sent byte for byte. */
function signedDelivery(body: Buffer, target = '/feed/events') {
  const timestamp = String(Date.now());
  return rawHttp(server.url, {
    method: 'POST', target, body,
    headers: [['content-type', 'application/json'], ['x-inplay-timestamp', timestamp], ['x-inplay-signature', signWebhook(SECRET, timestamp, body)], ['x-inplay-delivery', randomUUID()]],
  });
}

describe('inputs the fuzzing found, each a 500 before', () => {
  it('refuses a request target that is no URL ("http://[/feed/events") with 400 BAD_REQUEST_TARGET', async () => {
    const res = await signedDelivery(Buffer.from(JSON.stringify(validEvent())), 'http://[/feed/events');
    expect([res?.status, res && errorCodeOf(res)]).toEqual([400, 'BAD_REQUEST_TARGET']);
  });

  it.each([
    ['a NUL in the match id', { matchId: `${MATCH_ID}\u0000` }],
    ['a NUL in an attribute (jsonb refuses \\u0000)', { attributes: { source: 'a\u0000b' } }],
    ['an unpaired surrogate in an attribute (jsonb refuses it)', { attributes: { source: '\ud800' } }],
  ])('refuses a signed event with %s as 400 MALFORMED_BODY and records nothing', async (_what, change) => {
    const before = await rowsWritten();
    const res = await signedDelivery(Buffer.from(JSON.stringify({ ...validEvent(), ...change })));
    expect([res?.status, res && errorCodeOf(res)]).toEqual([400, 'MALFORMED_BODY']);
    expect(await rowsWritten()).toEqual(before);
  });
});

describe('POST /feed/events, fuzzed', () => {
  it('answers any delivery with < 500; a refused one records and produces nothing', async () => {
    const text = fc.oneof(fc.constantFrom(...TRICKY_STRINGS), hostileString(24));
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.constant(null).chain(() => mutatedJson(validEvent())).map((s) => Buffer.from(s)) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('matchId', 'providerEventId', 'playerId', 'relatedPlayerId', 'teamId', 'attribute'), text)
        .map(([field, value]) => Buffer.from(JSON.stringify(field === 'attribute' ? { ...validEvent(), attributes: { [value]: value } } : { ...validEvent(), [field]: value }))) },
      { weight: 1, arbitrary: fc.constant(null).map(() => Buffer.from(JSON.stringify(validEvent()))) },
      { weight: 1, arbitrary: hostileBody(validEvent()) },
    );
    const delivery = {
      target: fc.oneof({ weight: 8, arbitrary: fc.constant('/feed/events') },
        fc.constantFrom('http://[/feed/events', 'http://x/feed/events', '//feed/events', '/feed/events?x=%zz', '/feed/%2e%2e/events', '*', '/feed/events#x', '/health'),
        hostileString(24).map((s) => `/${asTargetText(s)}`)),
      method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')),
      contentType: fc.oneof({ weight: 8, arbitrary: fc.constant(Buffer.from('application/json')) }, fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', '').map((c) => Buffer.from(c)), httpHeaderValue(32)),
      timestamp: fc.oneof({ weight: 8, arbitrary: fc.constant('now') }, fc.constantFrom('0', '-1', '1e12', '99999999999999999'), httpHeaderValue(20).map((b) => b.toString('latin1'))),
      signature: fc.oneof({ weight: 8, arbitrary: fc.constant('right') }, httpHeaderValue(80)),
      deliveryId: fc.oneof({ weight: 8, arbitrary: fc.constant('fresh') }, fc.constant('replayed'), httpHeaderValue(40)),
      body,
    };
    let acceptedEvents = 0;
    const recordsBefore = await t.recordCount();
    await fc.assert(fc.asyncProperty(fc.record(delivery), async (d) => {
      const timestamp = d.timestamp === 'now' ? String(Date.now()) : d.timestamp;
      const headers: [string, string | Buffer][] = [
        ['content-type', d.contentType],
        ['x-inplay-timestamp', Buffer.from(timestamp, 'latin1')],
        ['x-inplay-signature', d.signature === 'right' ? signWebhook(SECRET, timestamp, d.body) : d.signature],
        ['x-inplay-delivery', d.deliveryId === 'fresh' ? randomUUID() : d.deliveryId === 'replayed' ? 'fuzz-replayed' : d.deliveryId],
      ];
      const before = await rowsWritten();
      const res = await rawHttp(server.url, { method: d.method, target: d.target, headers, body: d.body });
      const after = await rowsWritten();
      const what = `${d.method} ${d.target} ${d.body.toString('utf8').slice(0, 200)}`;
      expect(res, what).not.toBeNull();
      expect(res!.status, `${what} → ${res!.status} ${res!.body.slice(0, 300)}`).toBeLessThan(500);
      expect(res!.headers['content-type'], what).toBe('application/json');
      if (res!.status >= 400) {
        errorCodeOf(res!);
        expect(after, `${what}: nothing recorded`).toEqual(before);
      } else if (res!.status === 202) {
        acceptedEvents += 1;
        expect(after).toEqual({ events: before.events + 1, deliveries: before.deliveries + 1 });
      } else if (d.target === '/health') {
        expect(after).toEqual(before);
      } else {
        expect([res!.status, JSON.parse(res!.body)]).toMatchObject([200, { duplicate: true }]);
        expect(after).toEqual({ ...before, deliveries: before.deliveries + 1 });
      }
    }), { numRuns: 200 });
    // Produced: the accepted events, nothing for a refusal or a duplicate.
    expect(await t.recordCount()).toBe(recordsBefore + acceptedEvents);
  });
});
