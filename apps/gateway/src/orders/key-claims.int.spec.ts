// Batched idempotency claims on real Postgres: concurrent claims of the same
// key converge on one order, each caller learns its own outcome, and an
// unknown user fails alone without taking the other claims of its statement with it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@inplay/db';
import { isolate, type IsolatedEnv } from '@inplay/testing';
import { FOREIGN_KEY_VIOLATION, keyClaimer, MAX_CLAIMS_PER_STATEMENT } from './key-claims';

let env: IsolatedEnv;
let pool: Pool;

beforeAll(async () => {
  env = await isolate({ topics: false });
  pool = createPool(env.databaseUrl, { max: 4 });
  for (const u of ['ann', 'bob']) await pool.query('INSERT INTO users (user_id, display_name) VALUES ($1, $1)', [u]);
});
afterAll(async () => {
  await pool?.end();
  await env?.cleanup();
});

const candidate = () => ({ orderId: randomUUID(), placedAt: Date.now() });
const request = { playerId: 'p1', side: 'BUY' as const, quantity: 1, limitPriceCents: null, bodyHash: 'h' };

describe('batched idempotency claims', () => {
  it('gives every claim of one key the same order, exactly one of them fresh, across more claims than one statement holds', async () => {
    const claim = keyClaimer(pool);
    const keys = Array.from({ length: 150 }, (_, i) => `k${i}`);
    const claims = keys.flatMap((key) => Array.from({ length: 5 }, () => ({ userId: key.length % 2 ? 'ann' : 'bob', key, request, candidate: candidate() })));
    expect(claims.length).toBeGreaterThan(MAX_CLAIMS_PER_STATEMENT);
    const outcomes = await Promise.all(claims.map((c) => claim(c)));
    for (const key of keys) {
      const ofKey = outcomes.filter((_, i) => claims[i]!.key === key);
      expect(new Set(ofKey.map((o) => o.orderId)).size).toBe(1);
      expect(ofKey.filter((o) => o.fresh)).toHaveLength(1);
    }
    expect(Number((await pool.query('SELECT count(*) AS n FROM order_keys')).rows[0].n)).toBe(keys.length);
    // A retry later finds the same order, not fresh.
    const again = await claim({ ...claims[0]!, candidate: candidate() });
    expect(again).toMatchObject({ orderId: outcomes[0]!.orderId, fresh: false });
  });

  it('fails a claim of an unknown user alone, and the others of its statement go through', async () => {
    const claim = keyClaimer(pool);
    const results = await Promise.allSettled([
      claim({ userId: 'ann', key: 'solo-1', request, candidate: candidate() }),
      claim({ userId: 'nobody', key: 'solo-2', request, candidate: candidate() }),
      claim({ userId: 'bob', key: 'solo-3', request, candidate: candidate() }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
  });
});
