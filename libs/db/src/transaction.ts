// One Postgres transaction on a client of the pool: BEGIN, the work, COMMIT;
// ROLLBACK (and the error rethrown) when the work fails; the client always
// goes back to the pool. The one place the BEGIN/COMMIT/ROLLBACK dance lives.
import type { Pool, PoolClient } from './index';

export interface TransactionOptions<T> {
  /** The statement that opens the transaction (default BEGIN), e.g. 'BEGIN ISOLATION LEVEL SERIALIZABLE'. */
  begin?: string;
  /** A result that refuses the work (a 4xx, say): rolled back instead of committed, and returned. */
  rollbackWhen?: (result: T) => boolean;
}

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(options.begin ?? 'BEGIN');
    const result = await work(client);
    await client.query(options.rollbackWhen?.(result) ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
