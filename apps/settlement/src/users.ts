// Demo users: an account with starting cash, issued through the ledger
// (debit the user's cash, credit issuance) so the ledger always explains every
// cent; and a dev-only token for them. `inplay users create` calls these.
import { issueToken, signingKey } from '@inplay/auth';
import { createPool, inTransaction, insertChainedEntries, sha256Hex, type Pool } from '@inplay/db';
import { chainPostings, issuancePostings } from '@inplay/domain';

/** Largest starting cash of a demo user: one billion cents. */
export const MAX_STARTING_CASH_CENTS = 100_000_000_000;
const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export interface NewUser {
  userId: string;
  displayName: string;
  cashCents: number;
}

export type CreateUserResult = { ok: true; created: boolean } | { ok: false; code: 'USER_ID_INVALID' | 'CASH_INVALID'; message: string };

/** Creates the user and their account with `cashCents`; an existing user is left untouched (created: false). */
export async function createUser(db: Pool | string, user: NewUser): Promise<CreateUserResult> {
  if (!USER_ID.test(user.userId)) return { ok: false, code: 'USER_ID_INVALID', message: 'user id: 1-64 letters, digits, _ . -' };
  if (!Number.isSafeInteger(user.cashCents) || user.cashCents < 0 || user.cashCents > MAX_STARTING_CASH_CENTS) {
    return { ok: false, code: 'CASH_INVALID', message: `cash must be integer cents in 0..${MAX_STARTING_CASH_CENTS}` };
  }
  const pool = typeof db === 'string' ? createPool(db, { max: 1, applicationName: 'inplay-users' }) : db;
  try {
    return await inTransaction(pool, async (client) => {
      const { rowCount } = await client.query('INSERT INTO users (user_id, display_name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [user.userId, user.displayName]);
      if (rowCount === 1) {
        await client.query('INSERT INTO accounts (user_id, cash_cents) VALUES ($1, $2)', [user.userId, user.cashCents]);
        const postings = issuancePostings(`issue:${user.userId}`, user.userId, user.cashCents);
        // The genesis of the user's hash chain: nobody can settle for a user whose row we have just inserted.
        await insertChainedEntries(client, chainPostings(new Map(), postings.map((posting) => ({ userId: user.userId, posting })), sha256Hex).entries);
      }
      return { ok: true, created: rowCount === 1 };
    });
  } finally {
    if (typeof db === 'string') await pool.end();
  }
}

/** Dev-only login: a bearer token for a demo user, signed with the deployment's JWT secret (libs/auth's default lifetime unless ttlMs says). */
export function issueDevToken(options: { jwtSecret: string; userId: string; ttlMs?: number }): Promise<string> {
  return issueToken(signingKey(options.jwtSecret), options.userId, options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {});
}
