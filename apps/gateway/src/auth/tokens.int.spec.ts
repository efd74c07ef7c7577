// Tokens across gateways: a token revoked on one gateway (logout, or an
// operator's revoke) is refused by another within its refresh interval, and
// the sockets open on it are closed; a refreshed token re-sent on an open
// socket keeps its subscriptions and seqs; revoke-all spares later tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@inplay/testing';
import { verifyToken, signingKey } from '@inplay/auth';
import { gatewayHarness, seqsOf, TEST_JWT_SECRET, type GatewayHarness, type TestGateway } from '../../test/harness';
import { ticks } from '../../test/fanout.fixtures';
import type { TestWsClient } from '../../test/ws-client';
import { CLOSE, ERROR } from '../protocol/codes';
import { authRoutes, tokenAdminRoutes } from './index';

const ADMIN_TOKEN = 'tokens-spec-admin-token-of-at-least-32-bytes';
/** Short, so the spec waits little; the behaviour is the same at the default. */
const REFRESH_MS = 200;

let h: GatewayHarness;
let one: TestGateway;
let two: TestGateway;

const startOne = (serverId: string) => h.start({
  serverId, limits: { revocationRefreshMs: REFRESH_MS, revocationMaxStaleMs: 10_000 },
  routeModules: [authRoutes()], internalRouteModules: [tokenAdminRoutes(ADMIN_TOKEN)],
});

async function post(url: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function authedSocket(gateway: TestGateway, token: string): Promise<TestWsClient> {
  const client = await gateway.connect();
  client.sendJson({ op: 'auth', token });
  await client.waitFor('authenticated', () => client.ofType('authenticated')[0]);
  return client;
}

beforeAll(async () => {
  h = await gatewayHarness();
  one = await startOne('gw-tokens-1');
  two = await startOne('gw-tokens-2');
});
afterAll(() => h?.close());

describe('revocation across gateways', () => {
  it('refuses a token logged out on one gateway on the other within the refresh interval, and closes its socket there with 4103', async () => {
    const token = await h.token('carol');
    const socket = await authedSocket(two, token);
    expect((await post(two.httpUrl('/auth/refresh'), token)).status).toBe(200);
    expect(await post(one.httpUrl('/auth/logout'), token)).toMatchObject({ status: 200, body: { revoked: { jti: expect.any(String) } } });
    expect((await post(one.httpUrl('/auth/refresh'), token)).body).toMatchObject({ error: { code: 'TOKEN_REVOKED' } });
    await eventually('gateway two to refuse the revoked token', async () => (await post(two.httpUrl('/auth/refresh'), token)).status === 401, 5 * REFRESH_MS + 2_000);
    expect(await socket.waitForClose()).toMatchObject({ code: CLOSE.TOKEN_REVOKED });
    expect(socket.ofType('error')[0]).toMatchObject({ name: 'TOKEN_REVOKED', code: ERROR.TOKEN_REVOKED });
  });

  it('revokes every token of a user issued before an operator says so, on every gateway, and accepts tokens issued after', async () => {
    const before = [await h.token('dan'), await h.token('dan')];
    const other = await h.token('erin');
    const revoked = await post(one.internalUrl('/admin/tokens/revoke'), ADMIN_TOKEN, { userId: 'dan' });
    expect(revoked).toMatchObject({ status: 200, body: { revoked: { userId: 'dan', notBefore: expect.any(Number) } } });
    for (const token of before) {
      await eventually('gateway two to refuse a token of dan', async () => (await post(two.httpUrl('/auth/refresh'), token)).status === 401, 5 * REFRESH_MS + 2_000);
    }
    expect((await post(two.httpUrl('/auth/refresh'), other)).status).toBe(200);
    // iat has whole seconds: a token from the next second on is after the cut-off.
    const notBefore = Number((revoked.body['revoked'] as { notBefore: number }).notBefore);
    const after = await h.token('dan', { nowMs: Math.floor(notBefore / 1000) * 1000 + 1_000 });
    expect((await post(two.httpUrl('/auth/refresh'), after)).status).toBe(200);
  });

  it('revokes one token id for an operator, and refuses a body naming neither or both', async () => {
    const token = await h.token('fay');
    const verified = await verifyToken(signingKey(TEST_JWT_SECRET), token);
    if (!verified.ok) throw new Error(verified.message);
    expect((await post(one.internalUrl('/admin/tokens/revoke'), ADMIN_TOKEN, { jti: verified.identity.tokenId })).status).toBe(200);
    await eventually('gateway two to refuse the token', async () => (await post(two.httpUrl('/auth/refresh'), token)).status === 401, 5 * REFRESH_MS + 2_000);
    for (const body of [{}, { jti: 'x', userId: 'fay' }, { jti: '' }, { userId: 'bad id' }]) {
      expect(await post(one.internalUrl('/admin/tokens/revoke'), ADMIN_TOKEN, body)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REVOCATION' } } });
    }
  });
});

describe('refreshing a token on an open socket', () => {
  it('takes the fresh token on the same socket: no new snapshot, the ticks go on, the expiry moves', async () => {
    const first = await h.token('gus', { ttlMs: 60_000 });
    const socket = await authedSocket(one, first);
    socket.sendJson({ op: 'subscribe', players: ['rf'] });
    await socket.waitForMessage('snapshot', (m) => m['type'] === 'snapshot' && m['player'] === 'rf');
    await h.sendTicks(ticks('rf', 1, 3));
    await socket.waitFor('ticks 1-3', () => seqsOf(socket, 'rf').length === 3);
    const refreshed = await post(one.httpUrl('/auth/refresh'), first);
    expect(refreshed).toMatchObject({ status: 200, body: { userId: 'gus', token: expect.any(String) } });
    expect(refreshed.body['token']).not.toBe(first);
    expect(Number(refreshed.body['expiresAt'])).toBeGreaterThan(Number(socket.ofType('authenticated')[0]?.['expiresAt']));
    socket.sendJson({ op: 'auth', token: refreshed.body['token'] });
    await socket.waitFor('a second authenticated', () => socket.ofType('authenticated').length === 2);
    expect(socket.ofType('authenticated')[1]).toMatchObject({ userId: 'gus', expiresAt: refreshed.body['expiresAt'] });
    await h.sendTicks(ticks('rf', 4, 5));
    await socket.waitFor('ticks 4-5', () => seqsOf(socket, 'rf').length === 5);
    expect(seqsOf(socket, 'rf')).toEqual([1, 2, 3, 4, 5]);
    expect(socket.ofType('snapshot')).toHaveLength(1);
    expect(socket.closeFrame).toBeNull();
  });

  it("closes a socket sent another user's token (USER_MISMATCH, 4100): a socket belongs to one user", async () => {
    const socket = await authedSocket(one, await h.token('hal'));
    socket.sendJson({ op: 'auth', token: await h.token('ivy') });
    expect(await socket.waitForMessage('USER_MISMATCH', (m) => m['type'] === 'error')).toMatchObject({ name: 'USER_MISMATCH', code: ERROR.USER_MISMATCH });
    expect(await socket.waitForClose()).toMatchObject({ code: CLOSE.AUTH_FAILED });
  });
});
