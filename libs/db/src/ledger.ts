// The ledger repository: reads the head of users' hash chains and appends
// chained rows set-based (libs/domain/src/ledger/chain.ts computes the hashes).
// Callers hold the users' account row locks (or their partition's offset lock)
// so nobody else appends to these chains meanwhile.
import { createHash } from 'node:crypto';
import type { ChainedEntry, ChainHead } from '@inplay/domain';
import type { PoolClient } from './index';

/** The digest the chain uses: SHA-256 of the UTF-8 text, lowercase hex (as Postgres' encode(sha256(...), 'hex')). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export async function readChainHeads(client: Pick<PoolClient, 'query'>, userIds: readonly string[]): Promise<Map<string, ChainHead>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await client.query<{ user_id: string; chain_seq: string; hash: string }>(
    `SELECT u.user_id, l.chain_seq, l.hash FROM unnest($1::text[]) AS u(user_id)
       CROSS JOIN LATERAL (SELECT chain_seq, hash FROM ledger_entries e WHERE e.user_id = u.user_id ORDER BY chain_seq DESC LIMIT 1) l`,
    [userIds]);
  return new Map(rows.map((r) => [r.user_id, { chainSeq: Number(r.chain_seq), hash: r.hash }]));
}

/** Ledger rows per INSERT statement. */
export const LEDGER_ROWS_PER_STATEMENT = 10_000;

export async function insertChainedEntries(client: Pick<PoolClient, 'query'>, entries: readonly ChainedEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += LEDGER_ROWS_PER_STATEMENT) {
    const chunk = entries.slice(start, start + LEDGER_ROWS_PER_STATEMENT);
    await client.query(
      `INSERT INTO ledger_entries (transaction_id, account, amount_cents, user_id, chain_seq, hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])`,
      [chunk.map((e) => e.transactionId), chunk.map((e) => e.account), chunk.map((e) => e.amountCents),
        chunk.map((e) => e.userId), chunk.map((e) => e.chainSeq), chunk.map((e) => e.hash)]);
  }
}
