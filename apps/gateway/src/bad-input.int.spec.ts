// Bad input and limits: each breach gets its coded error (and a close only
// when needed), the gateway stays up, and a bystander keeps its prices.
// Tokens and private channels: each user gets only their own results.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderResult } from '@inplay/contracts';
import { eventually } from '@inplay/testing';
import { CLOSE, ERROR, SUBPROTOCOL } from './protocol/codes';
import { T0, ticks } from '../test/fanout.fixtures';
import { gatewayHarness, seqsOf, type GatewayHarness, type TestGateway } from '../test/harness';
import { TestWsClient, UpgradeRefused } from '../test/ws-client';

const MAX_FRAME_BYTES = 512;
const MAX_CONNECTIONS = 12;
let h: GatewayHarness;
let gw: TestGateway;
let bystander: TestWsClient;
let bystanderSeq = 0;
const opened: TestWsClient[] = [];

async function connect(query?: string, options?: Parameters<TestGateway['connect']>[1]): Promise<TestWsClient> {
  const client = await gw.connect(query, options);
  opened.push(client);
  await client.waitFor('hello or close', () => client.ofType('hello')[0] ?? client.closeFrame ?? undefined);
  return client;
}

/** The bystander still receives live ticks and the gateway still answers HTTP. */
async function othersUnaffected(): Promise<void> {
  bystanderSeq += 1;
  await h.sendTicks(ticks('watched', bystanderSeq, bystanderSeq));
  const seq = bystanderSeq;
  await bystander.waitFor(`bystander tick ${seq}`, () => seqsOf(bystander, 'watched').includes(seq));
  expect((await fetch(gw.httpUrl('/health'))).status).toBe(200);
}

/** A socket that sent `auth` with the user's token: resolves once the gateway said `authenticated` (or closed it). */
async function authed(token: string): Promise<TestWsClient> {
  const client = await connect();
  client.sendJson({ op: 'auth', token });
  await client.waitFor('authenticated or close', () => client.ofType('authenticated')[0] ?? client.closeFrame ?? undefined);
  return client;
}

function errorOf(client: TestWsClient, name: keyof typeof ERROR): Promise<Record<string, unknown>> {
  return client.waitForMessage(`error ${name}`, (m) => m['type'] === 'error' && m['name'] === name);
}

beforeAll(async () => {
  // A database of its own: every token check reads the revoked tokens from it.
  h = await gatewayHarness();
  gw = await h.start({
    allowedOrigins: ['https://play.example.com'],
    limits: { maxFrameBytes: MAX_FRAME_BYTES, maxSubscriptionsPerConnection: 5, maxConnectionsPerInstance: MAX_CONNECTIONS, maxMessagesPerSecond: 20, messageBurst: 10, rateLimitedMessagesBeforeClose: 30, protocolErrorsBeforeClose: 6 },
  });
  bystander = await gw.connect();
  bystander.sendJson({ op: 'subscribe', players: ['watched'] });
  await bystander.waitForMessage('bystander snapshot', (m) => m['type'] === 'snapshot');
});
afterEach(() => {
  for (const client of opened.splice(0)) client.destroy();
});
afterAll(() => h.close());

describe('bad input gets a coded error, and the connection stays open', () => {
  it.each([
    ['malformed JSON', '{"op":"subscribe",', 'BAD_JSON'],
    ['an unknown op', '{"op":"buy","players":["p1"]}', 'UNKNOWN_OP'],
    ['a message that is not an object', '[1,2,3]', 'BAD_MESSAGE'],
    ['an invalid player id', '{"op":"subscribe","players":["<script>"]}', 'BAD_MESSAGE'],
  ] as const)('answers %s with %s', async (_what, text, name) => {
    const client = await connect();
    client.sendText(text);
    expect(await errorOf(client, name)).toMatchObject({ code: ERROR[name] });
    client.sendJson({ op: 'ping' });
    await client.waitForMessage('pong', (m) => m['type'] === 'pong');
    expect(client.closeFrame).toBeNull();
    await othersUnaffected();
  });

  it('answers binary frames with BINARY_NOT_SUPPORTED', async () => {
    const client = await connect();
    client.sendBinary(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]));
    expect(await errorOf(client, 'BINARY_NOT_SUPPORTED')).toMatchObject({ code: 103 });
    await othersUnaffected();
  });

  it('answers a frame over maxFrameBytes with FRAME_TOO_LARGE without reading it', async () => {
    const client = await connect();
    client.sendText(JSON.stringify({ op: 'subscribe', players: ['p1'], padding: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect(await errorOf(client, 'FRAME_TOO_LARGE')).toMatchObject({ code: 105 });
    expect(client.ofType('snapshot')).toEqual([]);
    await othersUnaffected();
  });

  it('drops the connection of a frame far over the limit (uWS maxPayloadLength), and only that one', async () => {
    const client = await connect();
    client.sendText('x'.repeat(MAX_FRAME_BYTES * 20));
    expect(await client.waitForClose()).toEqual({ code: 1006, reason: 'no close frame' });
    await othersUnaffected();
  });

  it('refuses a subscription over maxSubscriptionsPerConnection, keeping the ones it has', async () => {
    const client = await connect();
    client.sendJson({ op: 'subscribe', players: ['a1', 'a2', 'a3', 'a4'] });
    await client.waitFor('4 snapshots', () => client.ofType('snapshot').length === 4);
    client.sendJson({ op: 'subscribe', players: ['a5', 'a6'] });
    expect(await errorOf(client, 'TOO_MANY_SUBSCRIPTIONS')).toMatchObject({ code: 104, op: 'subscribe' });
    client.sendJson({ op: 'unsubscribe', players: ['a1'] });
    client.sendJson({ op: 'subscribe', players: ['a5'] });
    await client.waitForMessage('a5 snapshot', (m) => m['type'] === 'snapshot' && m['player'] === 'a5');
    expect(client.ofType('snapshot')).toHaveLength(5);
    await othersUnaffected();
  });
});

describe('clients that keep misbehaving are closed', () => {
  it('closes with PROTOCOL_VIOLATION (do not reconnect) after protocolErrorsBeforeClose bad messages', async () => {
    const client = await connect();
    for (let i = 0; i < 6; i++) client.sendText('nope');
    expect(await client.waitForClose()).toMatchObject({ code: CLOSE.PROTOCOL_VIOLATION });
    expect(client.ofType('error')).toHaveLength(6);
    await othersUnaffected();
  });

  it('refuses messages over the rate with RATE_LIMITED, then closes a flood with RATE_LIMITED (reconnect later)', async () => {
    const client = await connect();
    for (let i = 0; i < 60; i++) client.sendJson({ op: 'ping' });
    expect(await errorOf(client, 'RATE_LIMITED')).toMatchObject({ code: 200 });
    expect(await client.waitForClose()).toMatchObject({ code: CLOSE.RATE_LIMITED });
    expect(client.ofType('pong').length).toBeGreaterThanOrEqual(10);
    expect(client.ofType('pong').length).toBeLessThan(60);
    await othersUnaffected();
  });
});

describe('who may connect', () => {
  it('refuses a browser origin that is not allowed with 403, and allows a listed one or none', async () => {
    await expect(TestWsClient.connect(gw.wsUrl(), { origin: 'https://evil.example.com' })).rejects.toMatchObject({ status: 403 });
    expect((await connect(undefined, { origin: 'https://play.example.com' })).ofType('hello')).toHaveLength(1);
    expect((await connect()).ofType('hello')).toHaveLength(1);
  });

  it('refuses connections past maxConnectionsPerInstance with 503 and Retry-After', async () => {
    await eventually('only the bystander connected', () => gw.status().connections === 1);
    for (let i = 1; i < MAX_CONNECTIONS; i++) await connect();
    const refused = await TestWsClient.connect(gw.wsUrl()).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect(refused).toMatchObject({ status: 503 });
    expect(JSON.parse((refused as UpgradeRefused).body)).toMatchObject({ error: { code: 'SERVER_FULL' } });
  });
});

describe('tokens on the private channel', () => {
  it('accepts a valid token from an auth message and from Sec-WebSocket-Protocol', async () => {
    const viaMessage = await authed(await h.token('alice'));
    expect(viaMessage.ofType('hello')[0]).toMatchObject({ userId: null });
    expect(viaMessage.ofType('authenticated')[0]).toMatchObject({ userId: 'alice', expiresAt: expect.any(Number) });
    const viaProtocol = await connect(undefined, { protocols: [SUBPROTOCOL, `bearer.${await h.token('bob')}`] });
    expect(viaProtocol.ofType('hello')[0]).toMatchObject({ userId: 'bob' });
    expect(viaProtocol.protocol).toBe(SUBPROTOCOL);
  });

  it('refuses a token in the URL (TOKEN_IN_URL, then 4100) even when it is valid: URLs are logged', async () => {
    const client = await connect(`token=${await h.token('alice')}`);
    expect(await errorOf(client, 'TOKEN_IN_URL')).toMatchObject({ code: ERROR.TOKEN_IN_URL });
    expect(await client.waitForClose()).toMatchObject({ code: CLOSE.AUTH_FAILED });
    expect(client.ofType('hello')).toEqual([]);
  });

  it.each([
    ['an expired token', (): Promise<string> => h.token('alice', { ttlMs: 60_000, nowMs: Date.now() - 3_600_000 }), 'TOKEN_EXPIRED', CLOSE.TOKEN_EXPIRED],
    ['a forged token', (): Promise<string> => h.token('alice', { secret: 'another-secret-of-at-least-32-bytes!!' }), 'TOKEN_INVALID', CLOSE.AUTH_FAILED],
    ['a token that is not a JWT', async (): Promise<string> => 'not-a-jwt', 'TOKEN_MALFORMED', CLOSE.AUTH_FAILED],
  ] as const)('tells a socket with %s why, then closes it with a do-not-reconnect code', async (_what, token, name, code) => {
    const client = await authed(await token());
    expect(await errorOf(client, name)).toMatchObject({ code: ERROR[name], op: 'auth' });
    expect(await client.waitForClose()).toMatchObject({ code });
    expect(code).toBeGreaterThanOrEqual(4100);
    await othersUnaffected();
  });

  it('closes a socket whose token expires while it is connected with TOKEN_EXPIRED', async () => {
    const client = await authed(await h.token('alice', { ttlMs: 1_000 }));
    expect(client.ofType('authenticated')[0]).toMatchObject({ userId: 'alice' });
    expect(await client.waitForClose(5_000)).toMatchObject({ code: CLOSE.TOKEN_EXPIRED });
    expect(client.ofType('error')[0]).toMatchObject({ code: ERROR.TOKEN_EXPIRED });
  });

  it('lets sockets without a token watch public prices', async () => {
    const client = await connect();
    expect(client.ofType('hello')[0]).toMatchObject({ userId: null });
    client.sendJson({ op: 'subscribe', players: ['watched'] });
    await client.waitForMessage('snapshot', (m) => m['type'] === 'snapshot');
  });

  it('delivers each user only their own order results and leaderboard position', async () => {
    const result = (orderId: string, userId: string): OrderResult => ({
      orderId, userId, idempotencyKey: orderId, playerId: 'watched', side: 'BUY', quantity: 1, status: 'FILLED', reason: null,
      fillPriceCents: 1_000, tickSeq: 1, costCents: 1_000, retryAfterMs: null, cashAfterCents: 9_000, placedAt: T0, settledAt: T0,
    });
    const alice = await authed(await h.token('alice'));
    const bob = await authed(await h.token('bob'));
    const anonymous = await connect();
    await h.sendOrderResults([result('o1', 'alice'), result('o2', 'bob'), result('o3', 'alice'), result('o4', 'carol')]);
    await h.sendLeaderboard({ boardId: 'overall', computedAt: T0, totalUsers: 2, entries: [{ rank: 1, userId: 'bob', valueCents: 120 }, { rank: 2, userId: 'alice', valueCents: 80 }] });
    await alice.waitFor('alice results and position', () => alice.ofType('order.result').length === 2 && alice.ofType('leaderboard')[0]);
    await bob.waitFor('bob result and position', () => bob.ofType('order.result').length === 1 && bob.ofType('leaderboard')[0]);
    expect(alice.ofType('order.result').map((m) => m['orderId'])).toEqual(['o1', 'o3']);
    expect(bob.ofType('order.result').map((m) => m['orderId'])).toEqual(['o2']);
    expect(alice.ofType('leaderboard')[0]).toMatchObject({ boardId: 'overall', rank: 2, valueCents: 80 });
    expect(bob.ofType('leaderboard')[0]).toMatchObject({ rank: 1, valueCents: 120 });
    expect(anonymous.messages.filter((m) => m['type'] === 'order.result' || m['type'] === 'leaderboard')).toEqual([]);
  });
});
