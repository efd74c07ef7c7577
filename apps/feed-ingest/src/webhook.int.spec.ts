import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Roster } from '@inplay/domain';
import { checkAgainstContract } from '@inplay/testing/openapi';
import { feedTestEnv, type FeedTestEnv } from '../test/feed.fixtures';
import { registerMatch } from './match-registry';
import { MAX_SIGNATURE_AGE_MS, signWebhook } from './signature';
import { MAX_BODY_BYTES, startWebhookServer, type WebhookServer } from './webhook';

const SECRET = 'webhook-test-secret-0123456789';
const MATCH_ID = 'live-m1';
const roster: Roster = {
  matchId: MATCH_ID, homeTeamId: 'h', awayTeamId: 'a',
  players: [
    { playerId: 'live-p1', name: 'One', jersey: 9, teamId: 'h', teamName: 'Home', position: 'FWD', startingXi: true, initialPriceCents: 1200 },
    { playerId: 'live-p2', name: 'Two', jersey: 1, teamId: 'a', teamName: 'Away', position: 'GK', startingXi: true, initialPriceCents: 700 },
  ],
};

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

const eventBody = (overrides: Record<string, unknown> = {}) => ({
  matchId: MATCH_ID, providerEventId: `pe-${randomUUID()}`, type: 'GOAL', playerId: 'live-p1', relatedPlayerId: null, teamId: 'h',
  period: 1, matchClockMs: 754_000, occurredAt: Date.now() - 20_000, homeScore: 1, awayScore: 0, attributes: { source: 'test' }, ...overrides,
});

interface Post {
  body?: unknown;
  raw?: string;
  timestampMs?: number;
  delivery?: string | null;
  secret?: string;
  signature?: string | null;
  method?: string;
  contentType?: string;
}

async function post(p: Post = {}): Promise<{ status: number; json: { eventId?: string; duplicate?: boolean; error?: { code: string; message: string } } }> {
  const raw = p.raw ?? JSON.stringify(p.body ?? eventBody());
  const timestamp = String(p.timestampMs ?? Date.now());
  const headers: Record<string, string> = { 'content-type': p.contentType ?? 'application/json', 'x-inplay-timestamp': timestamp };
  if (p.delivery !== null) headers['x-inplay-delivery'] = p.delivery ?? randomUUID();
  if (p.signature !== null) headers['x-inplay-signature'] = p.signature ?? signWebhook(p.secret ?? SECRET, timestamp, raw);
  const method = p.method ?? 'POST';
  const res = await fetch(`${server.url}/feed/events`, { method, headers, ...(method === 'GET' ? {} : { body: raw }) });
  return { status: res.status, json: (await res.json()) as never };
}

async function written() {
  return { events: await t.rowCount('feed_events'), deliveries: await t.rowCount('webhook_deliveries'), records: await t.recordCount() };
}

describe('live webhook', () => {
  it('answers /health', async () => {
    const res = await fetch(`${server.url}/health`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('accepts a signed event with 202 and its eventId, records it as sent and produces it once', async () => {
    const before = await written();
    const body = eventBody();
    const { status, json } = await post({ body });
    expect([status, json]).toEqual([202, { eventId: `live:${MATCH_ID}:${body.providerEventId}` }]);
    expect(await written()).toEqual({ events: before.events + 1, deliveries: before.deliveries + 1, records: before.records + 1 });
    expect(await t.rowCount('feed_events', "event_id = $1 AND status = 'sent'", [json.eventId])).toBe(1);
    const records = await t.readMatchEvents(before.records + 1);
    const produced = records.find((r) => r.value.eventId === json.eventId)?.value;
    expect(produced).toMatchObject({ matchId: MATCH_ID, type: 'GOAL', playerId: 'live-p1', relatedPlayerId: null, provider: 'live', occurredAt: body.occurredAt, attributes: { source: 'test' } });
    expect(produced!.ingestedAt).toBeGreaterThanOrEqual(body.occurredAt);
  });

  it('answers 200 duplicate for the same provider event under a new delivery id and produces nothing new', async () => {
    const body = eventBody();
    const first = await post({ body });
    const before = await written();
    const again = await post({ body });
    expect([again.status, again.json]).toEqual([200, { eventId: first.json.eventId, duplicate: true }]);
    expect(await written()).toEqual({ ...before, deliveries: before.deliveries + 1 });
  });

  it('refuses a delivery id seen before with 409 REPLAYED_DELIVERY', async () => {
    const delivery = randomUUID();
    expect((await post({ delivery })).status).toBe(202);
    const before = await written();
    const { status, json } = await post({ delivery, body: eventBody() });
    expect([status, json.error?.code]).toEqual([409, 'REPLAYED_DELIVERY']);
    expect(json.error?.message).toContain(delivery);
    expect(await written()).toEqual(before);
  });

  const tooBig = JSON.stringify(eventBody({ attributes: { pad: 'x'.repeat(MAX_BODY_BYTES) } }));
  const refusals: [string, () => Post, number, string, string][] = [
    ['a signature made with another secret', () => ({ secret: 'not-the-secret-0123456789' }), 401, 'BAD_SIGNATURE', 'does not match'],
    ['a missing signature', () => ({ signature: null }), 401, 'BAD_SIGNATURE', 'X-Inplay-Signature'],
    ['a signature over another body', () => ({ signature: signWebhook(SECRET, String(Date.now()), '{}') }), 401, 'BAD_SIGNATURE', 'does not match'],
    ['a timestamp older than the allowed age', () => ({ timestampMs: Date.now() - MAX_SIGNATURE_AGE_MS - 5_000 }), 401, 'STALE_TIMESTAMP', 'at most 300 s'],
    ['a timestamp too far in the future', () => ({ timestampMs: Date.now() + MAX_SIGNATURE_AGE_MS + 5_000 }), 401, 'STALE_TIMESTAMP', 'at most 300 s'],
    ['a missing delivery id', () => ({ delivery: null }), 400, 'MISSING_DELIVERY_ID', 'X-Inplay-Delivery'],
    ['a body that is not JSON', () => ({ raw: '{"matchId": ' }), 400, 'MALFORMED_BODY', 'not JSON'],
    ['an unknown event type and wrong field types', () => ({ body: eventBody({ type: 'TOUCHDOWN', period: '1' }) }), 400, 'MALFORMED_BODY', 'period'],
    ['a missing required field', () => ({ body: { ...eventBody(), occurredAt: undefined } }), 400, 'MALFORMED_BODY', 'occurredAt'],
    ['a body over 64 KiB', () => ({ raw: tooBig }), 413, 'BODY_TOO_LARGE', `${MAX_BODY_BYTES} bytes`],
    ['an unknown match', () => ({ body: eventBody({ matchId: 'no-such-match' }) }), 404, 'UNKNOWN_MATCH', 'no-such-match'],
    ['a player not in the match', () => ({ body: eventBody({ relatedPlayerId: 'someone-else' }) }), 422, 'UNKNOWN_PLAYER', 'someone-else'],
    ['a GET', () => ({ method: 'GET' }), 405, 'METHOD_NOT_ALLOWED', 'POST'],
    ['a form-encoded body', () => ({ contentType: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/json'],
  ];

  it.each(refusals)('refuses %s with %i %s and writes nothing', async (_what, request, status, code, messagePart) => {
    const before = await written();
    const res = await post(request());
    expect([res.status, res.json.error?.code]).toEqual([status, code]);
    expect(res.json.error?.message).toContain(messagePart);
    expect(await written()).toEqual(before);
  });
});
