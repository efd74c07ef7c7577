// One Postgres transaction on a client of the pool: BEGIN, the work, COMMIT;
// ROLLBACK (and the error rethrown) when the work fails; the client always
// goes back to the pool. The one place the BEGIN/COMMIT/ROLLBACK dance lives.
// A connection lost while the client is out (a Postgres restart while the work
// awaits something else, say a Kafka send) is caught here, not left to crash the
// process as an unhandled 'error' event, and that client is destroyed, not reused.
import type { Pool, PoolClient } from './index';

export interface TransactionOptions<T> {
  /** The statement that opens the transaction (default BEGIN), e.g. 'BEGIN ISOLATION LEVEL SERIALIZABLE'. */
  begin?: string;
  /** A result that refuses the work (a 4xx, say): rolled back instead of committed, and returned. */
  rollbackWhen?: (result: T) => boolean;
}

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
  const client = await pool.connect();
  // node-postgres emits 'error' on a checked-out client whose connection drops between queries;
  // pg-pool listens only while the client is idle. The next query fails and says so.
  let lost: Error | undefined;
  const onLost = (err: Error): void => { lost = err; };
  client.on('error', onLost);
  try {
    await client.query(options.begin ?? 'BEGIN');
    const result = await work(client);
    await client.query(options.rollbackWhen?.(result) ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackFailed: Error) => { lost ??= rollbackFailed; });
    throw err;
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}
