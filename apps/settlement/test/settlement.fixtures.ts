// Test support for settlement's integration specs: users with cash (through
// settlement's own createUser) on the shared market fixtures of @inplay/testing.
import type { Pool } from '@inplay/db';
import { createUser } from '../src/users';

export { concurrently, PLAYER_ID, PRICE_CENTS, seedMarket, testPool } from '@inplay/testing';

export async function newUser(pool: Pool, userId: string, cashCents: number): Promise<void> {
  const created = await createUser(pool, { userId, displayName: userId, cashCents });
  if (!created.ok) throw new Error(`user ${userId}: ${created.message}`);
}
