// The idempotency record, claimed in batches: every order accepted over HTTP
// claims (user, Idempotency-Key) in order_keys, and one INSERT per order was
// a Postgres round trip and a commit per request. Claims that arrive while a
// statement is out go together in the next one (at most MAX_CLAIMS_PER_STATEMENT):
// one INSERT … ON CONFLICT DO NOTHING RETURNING for all, one SELECT for the
// keys that already had an order (retries, concurrent duplicates). Each
// caller still learns exactly its own outcome. The claim stores the order as
// it is produced, so a claim whose order never reached Kafka can be sent again
// (claim-sweeper.ts).
import type { Order } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import type { OrderRequest } from './order-request';

/** Claims per statement at most. */
export const MAX_CLAIMS_PER_STATEMENT = 500;

export interface ClaimedKey {
  orderId: string;
  placedAt: number;
  bodyHash: string;
  /** true: this request's candidate won (a new order); false: the key already had one. */
  fresh: boolean;
}

export interface KeyClaim {
  userId: string;
  key: string;
  request: OrderRequest;
  candidate: { orderId: string; placedAt: number };
}

/** The record produced to `orders` for a claimed key: by the request that claimed it, a retry, or the sweeper. */
export function orderRecordOf(userId: string, key: string, request: OrderRequest, claimed: { orderId: string; placedAt: number }): Order {
  return {
    orderId: claimed.orderId, userId, idempotencyKey: key, bodyHash: request.bodyHash, playerId: request.playerId, side: request.side,
    quantity: request.quantity, limitPriceCents: request.limitPriceCents, placedAt: claimed.placedAt,
  };
}

interface Waiting extends KeyClaim {
  resolve: (claimed: ClaimedKey) => void;
  reject: (err: unknown) => void;
}

/** Postgres' foreign-key violation: the user has no row in users. */
export const FOREIGN_KEY_VIOLATION = '23503';

export function keyClaimer(pool: Pool): (claim: KeyClaim) => Promise<ClaimedKey> {
  let queue: Waiting[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_CLAIMS_PER_STATEMENT);
      queue = queue.slice(batch.length);
      try {
        const outcomes = await claimAll(pool, batch);
        batch.forEach((w, i) => w.resolve(outcomes[i]!));
      } catch (err) {
        // One unknown user fails the whole statement: claim the batch one by one, so only that request hears of it.
        if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION && batch.length > 1) {
          await Promise.all(batch.map((w) => claimAll(pool, [w]).then((o) => w.resolve(o[0]!), w.reject)));
        } else {
          for (const w of batch) w.reject(err);
        }
      }
    }
    running = false;
  }

  return (claim) => new Promise<ClaimedKey>((resolve, reject) => {
    queue.push({ ...claim, resolve, reject });
    if (!running) { running = true; setImmediate(() => void drain()); }
  });
}

async function claimAll(pool: Pool, claims: readonly KeyClaim[]): Promise<ClaimedKey[]> {
  const col = <T>(f: (c: KeyClaim) => T): T[] => claims.map(f);
  const inserted = await pool.query<{ order_id: string }>(
    `INSERT INTO order_keys (user_id, idempotency_key, body_hash, order_id, placed_at, order_record)
     SELECT u, k, h, o, to_timestamp(p / 1000.0), r FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::jsonb[]) AS x(u, k, h, o, p, r)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING order_id`,
    [col((c) => c.userId), col((c) => c.key), col((c) => c.request.bodyHash), col((c) => c.candidate.orderId), col((c) => c.candidate.placedAt),
      col((c) => JSON.stringify(orderRecordOf(c.userId, c.key, c.request, c.candidate)))]);
  const won = new Set(inserted.rows.map((r) => r.order_id));
  const lost = claims.filter((c) => !won.has(c.candidate.orderId));
  const existing = new Map<string, ClaimedKey>();
  if (lost.length > 0) {
    const { rows } = await pool.query<{ user_id: string; idempotency_key: string; order_id: string; body_hash: string; placed_ms: string }>(
      `SELECT k.user_id, k.idempotency_key, k.order_id, k.body_hash, (extract(epoch FROM k.placed_at) * 1000)::bigint AS placed_ms
         FROM order_keys k JOIN unnest($1::text[], $2::text[]) AS x(u, key) ON k.user_id = x.u AND k.idempotency_key = x.key`,
      [lost.map((c) => c.userId), lost.map((c) => c.key)]);
    for (const r of rows) existing.set(`${r.user_id}\u0000${r.idempotency_key}`, { orderId: r.order_id, placedAt: Number(r.placed_ms), bodyHash: r.body_hash, fresh: false });
  }
  return claims.map((c) => {
    if (won.has(c.candidate.orderId)) return { ...c.candidate, bodyHash: c.request.bodyHash, fresh: true };
    const found = existing.get(`${c.userId}\u0000${c.key}`);
    if (!found) throw new Error(`order key ${c.key} of ${c.userId} vanished`);
    return found;
  });
}
