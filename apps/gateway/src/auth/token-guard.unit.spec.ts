import { afterEach, describe, expect, it } from 'vitest';
import { issueToken, signingKey } from '@inplay/auth';
import { createLogger } from '@inplay/telemetry';
import { createGatewayMetrics } from '../metrics';
import type { RevocationStore } from './revocation-store';
import { createTokenGuard, httpRefusal, type TokenGuard } from './token-guard';

const key = signingKey('a-guard-test-signing-key-of-32-bytes+');
const LIMITS = { tokenTtlMs: 900_000, revocationRefreshMs: 60_000, revocationMaxStaleMs: 5_000 };
let guard: TokenGuard | undefined;
afterEach(() => guard?.stop());

/** A store in memory that can be made to fail (Postgres away). */
function memoryStore() {
  const tokens = new Map<string, number>();
  const notBefore = new Map<string, number>();
  const store: RevocationStore & { down: boolean } = {
    down: false,
    async load() {
      if (store.down) throw new Error('connection refused');
      return { tokens: [...tokens], notBefore: [...notBefore] };
    },
    async revokeToken(tokenId, _userId, expiresAtMs) { tokens.set(tokenId, expiresAtMs); },
    async revokeUser(userId, notBeforeMs) { notBefore.set(userId, notBeforeMs); },
  };
  return store;
}

function start(store: RevocationStore, clock: { nowMs: number }) {
  guard = createTokenGuard({ signingKey: key, store, limits: LIMITS, metrics: createGatewayMetrics('t'), logger: createLogger('t', 'silent'), now: () => clock.nowMs });
  return guard;
}

describe('the token guard', () => {
  it('fails closed (AUTH_UNAVAILABLE, HTTP 503) before the revocations were ever read, and accepts once they are', async () => {
    const clock = { nowMs: Date.now() };
    const tokens = start(memoryStore(), clock);
    const token = await issueToken(key, 'fan-1', { nowMs: clock.nowMs });
    const refused = await tokens.check(token);
    expect(refused).toMatchObject({ ok: false, code: 'AUTH_UNAVAILABLE' });
    if (!refused.ok) expect(httpRefusal(refused)).toEqual({ status: 503, headers: { 'retry-after': '1' } });
    await tokens.refresh();
    expect(await tokens.check(token)).toMatchObject({ ok: true, identity: { userId: 'fan-1' } });
  });

  it('fails closed once the list is older than revocationMaxStaleMs, and recovers with the next read', async () => {
    const clock = { nowMs: Date.now() };
    const store = memoryStore();
    const tokens = start(store, clock);
    await tokens.refresh();
    const token = await issueToken(key, 'fan-1', { nowMs: clock.nowMs });
    clock.nowMs += LIMITS.revocationMaxStaleMs;
    expect((await tokens.check(token)).ok).toBe(true);
    store.down = true;
    await expect(tokens.refresh()).rejects.toThrow(/connection refused/);
    clock.nowMs += 1;
    expect(await tokens.check(token)).toMatchObject({ ok: false, code: 'AUTH_UNAVAILABLE' });
    store.down = false;
    await tokens.refresh();
    expect((await tokens.check(token)).ok).toBe(true);
  });

  it('refuses a token it revoked at once (401 TOKEN_REVOKED), and one another gateway revoked after its next read', async () => {
    const clock = { nowMs: Date.now() };
    const store = memoryStore();
    const here = start(store, clock);
    await here.refresh();
    const mine = await here.issue('fan-1');
    await here.revokeToken(mine.identity.tokenId, 'fan-1', mine.identity.expiresAt);
    const refused = await here.check(mine.token);
    expect(refused).toMatchObject({ ok: false, code: 'TOKEN_REVOKED' });
    if (!refused.ok) expect(httpRefusal(refused).status).toBe(401);
    const elsewhere = await here.issue('fan-2');
    await store.revokeToken(elsewhere.identity.tokenId, 'fan-2', elsewhere.identity.expiresAt, clock.nowMs);
    expect((await here.check(elsewhere.token)).ok).toBe(true);
    await here.refresh();
    expect(await here.check(elsewhere.token)).toMatchObject({ ok: false, code: 'TOKEN_REVOKED' });
    expect(here.refusalOf(elsewhere.identity)).toBe('TOKEN_REVOKED');
  });

  it('issues tokens living tokenTtlMs', async () => {
    const clock = { nowMs: Date.UTC(2026, 10, 24, 18, 0) };
    const issued = await start(memoryStore(), clock).issue('fan-1');
    expect(issued.identity.expiresAt - issued.identity.issuedAt).toBe(LIMITS.tokenTtlMs);
  });
});
