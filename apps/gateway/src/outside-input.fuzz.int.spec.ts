// The gateway's outside input fuzzed on a real gateway (real Kafka, Postgres,
// registry): POST /orders with any body and headers, GET /orders/:id, the
// public GET routes' queries, GET /admin/anomalies, WebSocket upgrades and
// frames. Every answer is < 500 and a refusal is {error: {code, message}}; a
// refused order leaves order_keys and the `orders` topic as they were; a
// socket only ever hears coded errors and stays open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { createPool, type Pool } from '@inplay/db';
import { errorCodeOf, rawHttp, type RawResponse } from '@inplay/testing';
import { asTargetText, hostileBody, hostileString, httpHeaderValue, percentEncoded, TRICKY_STRINGS, utf16String } from '@inplay/testing/fuzz';
import { gatewayHarness, type GatewayHarness, type TestGateway } from '../test/harness';
import { UpgradeRefused, type TestWsClient } from '../test/ws-client';
import { adminRoutes } from './admin';
import { leaderboardRoutes } from './leaderboard';
import { orderRoutes } from './orders';
import { parseIdempotencyKey, parseOrderBody, preferWaitMs } from './orders/order-request';
import { portfolioRoutes } from './portfolio';
import { CLOSE_DO_NOT_RECONNECT_RANGE, ERROR } from './protocol/codes';

const ADMIN_TOKEN = 'admin-token-of-at-least-thirty-two-bytes';
const VALID_ORDER = { playerId: 'p1', side: 'buy', quantity: 1 };
/** Few enough to keep this file to seconds; a failure prints the seed to replay it with more. */
const HTTP_RUNS = 200;

let h: GatewayHarness;
let gw: TestGateway;
let pool: Pool;
let admin: Admin;
let token: string;

beforeAll(async () => {
  h = await gatewayHarness();
  pool = createPool(h.env.databaseUrl, { max: 2 });
  await pool.query("INSERT INTO users (user_id, display_name) VALUES ('carol', 'carol')");
  await pool.query("INSERT INTO accounts (user_id, cash_cents) VALUES ('carol', 100000)");
  await pool.query("INSERT INTO matches VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'P', 'h', 'Home', 'MID', 100)");
  gw = await h.start({
    // No rate limit in the way of the parsers; no claim sweep re-sending accepted orders while refusals are counted.
    routeModules: [orderRoutes({ rateLimit: { ordersPerSecond: 1_000_000, burstOrders: 1_000_000 }, tradeLock: () => null }), portfolioRoutes(), leaderboardRoutes()],
    internalRouteModules: [adminRoutes(ADMIN_TOKEN)],
    limits: { unsentClaimGraceMs: 3_600_000, maxMessagesPerSecond: 100_000, messageBurst: 100_000, protocolErrorsBeforeClose: 1_000_000, maxFrameBytes: 1_024 },
  });
  admin = h.env.kafka.admin();
  await admin.connect();
  token = await h.token('carol');
});
afterAll(async () => {
  await admin?.disconnect();
  await pool?.end();
  await h?.close();
});

const claimedKeys = async (): Promise<number> => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM order_keys')).rows[0]?.n);
async function recordsOnOrders(): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(`${h.env.prefix}orders`);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

/** < 500, JSON, and a refusal carries {error: {code, message}}; returns the code ('' for a success). */
function expectCleanAnswer(res: RawResponse | null, what: string): string {
  // Null: the HTTP parser (uWS) dropped bytes that are not HTTP; nothing of ours ran.
  if (res === null) return '';
  expect(res.status, `${what} → ${res.status} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  expect(res.headers['content-type'], what).toBe('application/json');
  if (res.status >= 400) return errorCodeOf(res);
  JSON.parse(res.body);
  return '';
}

const headerValue = httpHeaderValue(64);

/**
 * A header value as uWS hands it to a handler: latin1, with every byte below 0x21 or from 0x80 up
 * cut from both ends (its trim compares signed chars). So "é1é" arrives as "1": a key with non-ASCII
 * bytes at its ends is read as a shorter, valid one, which no handler can see or refuse.
 */
function asUwsReadsHeader(bytes: Buffer): string {
  const kept = (b: number) => b >= 0x21 && b < 0x80;
  let from = 0;
  let to = bytes.length;
  while (from < to && !kept(bytes[from]!)) from += 1;
  while (to > from && !kept(bytes[to - 1]!)) to -= 1;
  return bytes.subarray(from, to).toString('latin1');
}
let keySeq = 0;

describe('POST /orders, fuzzed', () => {
  it('answers any body and headers with < 500, and a refused order changes nothing', async () => {
    const request = fc.record({
      authorization: fc.oneof({ weight: 4, arbitrary: fc.constant('valid') }, headerValue),
      key: fc.oneof({ weight: 3, arbitrary: fc.constant('fresh') }, fc.constant('reused'), headerValue),
      // Garbage, or a wait short enough for an accepted order to come back quickly (none is ever settled here).
      prefer: fc.oneof(fc.constantFrom('', 'wait=0', 'wait=0.05', 'wait=abc', 'wait=-1', 'wait=1e400').map((p) => Buffer.from(p)), httpHeaderValue(16).filter((p) => preferWaitMs(p.toString('latin1')) <= 100 && preferWaitMs(p.toString('utf8')) <= 100)),
      body: fc.oneof({ weight: 4, arbitrary: hostileBody(VALID_ORDER) }, fc.constant(Buffer.from(JSON.stringify(VALID_ORDER))), fc.constant(Buffer.alloc(4_096, 0x20))),
    });
    const recordsBefore = await recordsOnOrders();
    let accepted = 0;
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const key = r.key === 'fresh' ? `fuzz-${++keySeq}` : r.key === 'reused' ? 'fuzz-reused' : r.key;
      const authorization = r.authorization === 'valid' ? `Bearer ${token}` : r.authorization;
      const keysBefore = await claimedKeys();
      const res = await rawHttp(gw.httpUrl(''), {
        method: 'POST', target: '/orders', body: r.body,
        headers: [['authorization', authorization], ['idempotency-key', key], ['prefer', r.prefer], ['content-type', 'application/json']],
      });
      const code = expectCleanAnswer(res, `POST /orders ${r.body.toString('utf8').slice(0, 200)}`);
      if (res === null || res.status >= 400) {
        expect(await claimedKeys(), `${code}: no key claimed`).toBe(keysBefore);
        return;
      }
      // Accepted: only a valid order with a valid key and token gets here; each acceptance sends the order once.
      accepted += 1;
      expect(authorization).toBe(`Bearer ${token}`);
      expect(parseIdempotencyKey(asUwsReadsHeader(typeof key === 'string' ? Buffer.from(key) : key)).ok).toBe(true);
      expect(parseOrderBody(r.body).ok).toBe(true);
    }), { numRuns: HTTP_RUNS });
    // Refusals produced nothing: one record per acceptance (a retry of an unsettled key sends it again), no more.
    expect(await recordsOnOrders()).toBe(recordsBefore + accepted);
  });

  it('answers GET /orders/<anything> with 401 or 404, never 500', async () => {
    const id = fc.oneof(hostileString(64).map(percentEncoded), hostileString(64).map(asTargetText), fc.constantFrom(...TRICKY_STRINGS).map(asTargetText), fc.stringMatching(/^[\w.~!$&'()*+,;=:@-]{0,300}$/));
    await fc.assert(fc.asyncProperty(id, fc.boolean(), async (orderId, withToken) => {
      const res = await rawHttp(gw.httpUrl(''), { method: 'GET', target: `/orders/${orderId}`, headers: withToken ? [['authorization', `Bearer ${token}`]] : [] });
      expectCleanAnswer(res, `GET /orders/${orderId}`);
      if (res) expect([401, 404], `GET /orders/${orderId}`).toContain(res.status);
    }), { numRuns: 100 });
  });
});

describe('public GET routes and GET /admin/anomalies, fuzzed', () => {
  const query = fc.oneof(
    hostileString(48).map(asTargetText),
    fc.array(fc.tuple(
      fc.constantFrom('matchId', 'board', 'limit', 'epsilonMs', 'minMoveBp', 'match', 'token', '__proto__'),
      fc.oneof(fc.constantFrom(...TRICKY_STRINGS), fc.constantFrom('1', '10000', 'overall', 'match:m1', 'm1'), hostileString(16)),
      fc.boolean(),
    ), { maxLength: 4 }).map((pairs) => pairs.map(([k, v, encode]) => `${k}=${encode ? percentEncoded(v) : asTargetText(v)}`).join('&')),
    fc.constantFrom('', 'limit=5', 'match=m1&limit=1&epsilonMs=0', 'board=match:m1&limit=1000', 'matchId=m1'),
  );

  it('answers any query string and token on /players, /leaderboard and /portfolio with < 500', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('/players', '/leaderboard', '/portfolio', '/prices'), query, headerValue, async (path, q, authorization) => {
      const res = await rawHttp(gw.httpUrl(''), { method: 'GET', target: `${path}?${q}`, headers: [['authorization', authorization]] });
      expectCleanAnswer(res, `GET ${path}?${q}`);
    }), { numRuns: 100 });
  });

  it('answers any query and token on /admin/anomalies with < 500: 401 without the token, 400 or the report with it', async () => {
    await fc.assert(fc.asyncProperty(query, fc.boolean(), async (q, withToken) => {
      const res = await rawHttp(`http://127.0.0.1:${gw.internalPort}`, { method: 'GET', target: `/admin/anomalies?${q}`, headers: withToken ? [['authorization', `Bearer ${ADMIN_TOKEN}`]] : [['authorization', `Bearer ${q}`]] });
      expectCleanAnswer(res, `GET /admin/anomalies?${q}`);
      if (res && !withToken) expect(res.status).toBe(401);
    }), { numRuns: 60 });
  });
});

describe('WebSocket upgrades and frames, fuzzed', () => {
  // What node:http lets a client send in a header: tab, visible ASCII and space, 0x80-0xff.
  const latin1Header = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: 64 });

  it('answers any token (query or subprotocol) with hello, or a coded error and a do-not-reconnect close', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(hostileString(64).map(percentEncoded), fc.constant('')), fc.array(latin1Header.filter((s) => s.trim() !== ''), { maxLength: 3 }), async (t, protocols) => {
      let client: TestWsClient;
      try {
        client = await gw.connect(t === '' ? undefined : `token=${t}`, protocols.length > 0 ? { protocols } : {});
      } catch (err) {
        expect(err).toBeInstanceOf(UpgradeRefused);
        expect((err as UpgradeRefused).status).toBeLessThan(500);
        return;
      }
      try {
        const first = await client.waitFor('hello or error', () => client.messages[0]);
        if (first['type'] === 'hello') return;
        expect(first).toMatchObject({ type: 'error', code: expect.any(Number) });
        const closed = await client.waitForClose();
        expect(closed.code).toBeGreaterThanOrEqual(CLOSE_DO_NOT_RECONNECT_RANGE.from);
        expect(closed.code).toBeLessThanOrEqual(CLOSE_DO_NOT_RECONNECT_RANGE.to);
      } finally {
        client.destroy();
      }
    }), { numRuns: 60 });
  });

  it('answers any frames with coded errors or replies, and the socket stays open', async () => {
    const client = await gw.connect();
    try {
      await client.waitFor('hello', () => client.ofType('hello')[0]);
      const frame = fc.oneof(
        { weight: 3, arbitrary: fc.oneof(utf16String(128), hostileString(128), fc.json({ maxDepth: 3 })).map((text) => ({ text })) },
        { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('subscribe', 'unsubscribe', 'resume', 'ping'), players: fc.oneof(fc.array(fc.oneof(hostileString(12), fc.record({ player: fc.oneof(fc.constant('p1'), hostileString(8)), fromSeq: fc.oneof(fc.nat(), fc.double()) })), { maxLength: 4 }), hostileString(8)) }).map((m) => ({ text: JSON.stringify(m) })) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ binary: Buffer.from(b) })) },
      );
      const known = new Set(Object.values(ERROR));
      await fc.assert(fc.asyncProperty(frame, async (f) => {
        if ('text' in f) client.sendText(f.text);
        else client.sendBinary(f.binary);
        const pongs = client.ofType('pong').length;
        client.sendJson({ op: 'ping' });
        await client.waitFor('the pong after it', () => client.ofType('pong').length > pongs);
        expect(client.closeFrame).toBeNull();
      }), { numRuns: 200 });
      for (const error of client.ofType('error')) expect(known.has(error['code'] as never), JSON.stringify(error)).toBe(true);
      expect(client.messages.every((m) => ['hello', 'snapshot', 'pong', 'error', 'tick', 'match'].includes(String(m['type'])))).toBe(true);
    } finally {
      client.destroy();
    }
  });
});
