// Revoked tokens in Postgres (migration 1732477000000_revoked-tokens.sql), the
// one place every gateway reads them from: a jti with the time its token
// expires, and per-user "not before" cut-offs. Rows that can no longer refuse
// anything are purged by whoever revokes next, a bounded batch at a time.
import { MAX_TOKEN_TTL_MS, type Revocations } from '@inplay/auth';
import type { Pool } from '@inplay/db';

/** More unexpired revocations than this and a load fails loudly (and checks fail closed) rather than hold an unbounded list. */
export const MAX_REVOCATIONS_LOADED = 1_000_000;
/** Expired rows deleted per revocation: purging keeps pace with revoking without ever running long. */
export const PURGE_BATCH_ROWS = 1_000;

export interface RevocationStore {
  /** Every revocation that can still refuse a token at `nowMs`. */
  load(nowMs: number): Promise<Revocations>;
  revokeToken(tokenId: string, userId: string | null, expiresAtMs: number, nowMs: number): Promise<void>;
  revokeUser(userId: string, notBeforeMs: number, nowMs: number): Promise<void>;
}

export function createRevocationStore(pool: Pool): RevocationStore {
  return {
    async load(nowMs) {
      const tokens = await pool.query<{ jti: string; expires_at: Date }>(
        'SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > $1 LIMIT $2', [new Date(nowMs), MAX_REVOCATIONS_LOADED + 1]);
      const cutOffs = await pool.query<{ user_id: string; not_before: Date }>(
        'SELECT user_id, not_before FROM user_token_cutoffs WHERE not_before > $1 LIMIT $2', [new Date(nowMs - MAX_TOKEN_TTL_MS), MAX_REVOCATIONS_LOADED + 1]);
      const count = tokens.rows.length + cutOffs.rows.length;
      if (count > MAX_REVOCATIONS_LOADED) throw new Error(`more than ${MAX_REVOCATIONS_LOADED} revocations are in force (MAX_REVOCATIONS_LOADED): not loading a partial list`);
      return {
        tokens: tokens.rows.map((r) => [r.jti, r.expires_at.getTime()] as const),
        notBefore: cutOffs.rows.map((r) => [r.user_id, r.not_before.getTime()] as const),
      };
    },
    async revokeToken(tokenId, userId, expiresAtMs, nowMs) {
      await pool.query(
        `INSERT INTO revoked_tokens (jti, user_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(revoked_tokens.expires_at, EXCLUDED.expires_at)`,
        [tokenId, userId, new Date(expiresAtMs), new Date(nowMs)]);
      await pool.query('DELETE FROM revoked_tokens WHERE jti IN (SELECT jti FROM revoked_tokens WHERE expires_at <= $1 LIMIT $2)', [new Date(nowMs), PURGE_BATCH_ROWS]);
    },
    async revokeUser(userId, notBeforeMs, nowMs) {
      await pool.query(
        `INSERT INTO user_token_cutoffs (user_id, not_before, revoked_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET not_before = GREATEST(user_token_cutoffs.not_before, EXCLUDED.not_before), revoked_at = EXCLUDED.revoked_at`,
        [userId, new Date(notBeforeMs), new Date(nowMs)]);
      await pool.query('DELETE FROM user_token_cutoffs WHERE user_id IN (SELECT user_id FROM user_token_cutoffs WHERE not_before <= $1 LIMIT $2)', [new Date(nowMs - MAX_TOKEN_TTL_MS), PURGE_BATCH_ROWS]);
    },
  };
}
