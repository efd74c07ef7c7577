// How a batch's cash and holdings changes reach Postgres. The decider has
// already decided; a strategy makes sure the database still agrees, or throws
// SettlementDivergence so the batch is rolled back and decided again.
// atomic-guard is the default; the others exist for the benchmark.
import type { PoolClient } from '@inplay/db';
import type { CashGuard, HoldingGuard } from '@inplay/domain';

export const STRATEGY_NAMES = ['atomic-guard', 'optimistic', 'select-for-update', 'naive'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** The database no longer matches what the decider saw: roll back and decide again. */
export class SettlementDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettlementDivergence';
  }
}

export interface LoadedAccount {
  cashCents: number;
  version: number;
}

export interface LoadedHolding {
  userId: string;
  playerId: string;
  quantity: number;
}

export interface SettlementStrategy {
  name: StrategyName;
  /** false only for the naive baseline, which can lose updates under concurrency. */
  correct: boolean;
  loadAccounts(client: PoolClient, userIds: string[]): Promise<Map<string, LoadedAccount>>;
  loadHoldings(client: PoolClient, userIds: string[]): Promise<LoadedHolding[]>;
  applyCash(client: PoolClient, guards: CashGuard[], loaded: Map<string, LoadedAccount>): Promise<void>;
  applyHoldings(client: PoolClient, guards: HoldingGuard[], loaded: LoadedHolding[]): Promise<void>;
}

/** How the account rows are read: plainly, or locked (in user-id order, like every other writer takes them). */
type AccountLock = 'none' | 'FOR UPDATE' | 'FOR NO KEY UPDATE';

async function loadAccounts(client: PoolClient, userIds: string[], lock: AccountLock): Promise<Map<string, LoadedAccount>> {
  const { rows } = await client.query<{ user_id: string; cash_cents: string; version: string }>(
    `SELECT user_id, cash_cents, version FROM accounts WHERE user_id = ANY($1::text[]) ORDER BY user_id${lock === 'none' ? '' : ` ${lock}`}`, [userIds]);
  return new Map(rows.map((r) => [r.user_id, { cashCents: Number(r.cash_cents), version: Number(r.version) }]));
}

async function loadHoldings(client: PoolClient, userIds: string[], lock: boolean): Promise<LoadedHolding[]> {
  const { rows } = await client.query<{ user_id: string; player_id: string; quantity: string }>(
    `SELECT user_id, player_id, quantity FROM holdings WHERE user_id = ANY($1::text[]) ORDER BY user_id, player_id${lock ? ' FOR UPDATE' : ''}`, [userIds]);
  return rows.map((r) => ({ userId: r.user_id, playerId: r.player_id, quantity: Number(r.quantity) }));
}

function expectRows(what: string, got: number | null, expected: number): void {
  if (got !== expected) throw new SettlementDivergence(`${what}: ${got ?? 0} of ${expected} rows passed the guard`);
}

/**
 * Locks the users' account rows in user-id order. A set-based UPDATE locks
 * rows in whatever order its plan visits them, so two batches sharing users
 * could each hold one and wait for the other (a deadlock, found and retried,
 * but wasted); every writer taking them in one order cannot. A user's holdings
 * change only with their cash, so their account lock covers them too.
 */
async function lockAccountsInOrder(client: PoolClient, userIds: readonly string[]): Promise<void> {
  await client.query('SELECT 1 FROM accounts WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR NO KEY UPDATE', [userIds]);
}

/**
 * Cash: `SET cash = cash + delta WHERE cash >= required`, all users of the batch
 * in one statement, on account rows this transaction locked when it read them.
 */
async function guardedCash(client: PoolClient, guards: CashGuard[]): Promise<void> {
  if (guards.length === 0) return;
  const { rowCount } = await client.query(
    `UPDATE accounts a SET cash_cents = a.cash_cents + d.delta, version = a.version + 1
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS d(user_id, delta, required)
      WHERE a.user_id = d.user_id AND a.cash_cents >= d.required`,
    [guards.map((g) => g.userId), guards.map((g) => g.deltaCents), guards.map((g) => g.requiredCents)]);
  expectRows('cash guard', rowCount, guards.length);
}

/** Holdings: make sure every row exists, then `SET quantity = quantity + delta WHERE quantity >= required`. */
async function guardedHoldings(client: PoolClient, guards: HoldingGuard[]): Promise<void> {
  if (guards.length === 0) return;
  const users = guards.map((g) => g.userId);
  const players = guards.map((g) => g.playerId);
  await client.query(
    `INSERT INTO holdings (user_id, player_id, quantity) SELECT u, p, 0 FROM unnest($1::text[], $2::text[]) AS d(u, p)
     ON CONFLICT (user_id, player_id) DO NOTHING`, [users, players]);
  const { rowCount } = await client.query(
    `UPDATE holdings h SET quantity = h.quantity + d.delta
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS d(user_id, player_id, delta, required)
      WHERE h.user_id = d.user_id AND h.player_id = d.player_id AND h.quantity >= d.required`,
    [users, players, guards.map((g) => g.deltaQuantity), guards.map((g) => g.requiredQuantity)]);
  expectRows('holdings guard', rowCount, guards.length);
}

/**
 * The default. The accounts the decider decides on are read locked: a writer
 * outside the batch's partition (a late-event void, the pending executor)
 * either committed before the read or waits for this transaction. Read
 * unlocked, a void committing in between was added under the guard while the
 * results still stated the cash read before it (CASH_AFTER_MISMATCH in the audit).
 */
const atomicGuard: SettlementStrategy = {
  name: 'atomic-guard',
  correct: true,
  loadAccounts: (c, ids) => loadAccounts(c, ids, 'FOR NO KEY UPDATE'),
  loadHoldings: (c, ids) => loadHoldings(c, ids, false),
  applyCash: (c, guards) => guardedCash(c, guards),
  applyHoldings: (c, guards) => guardedHoldings(c, guards),
};

/** Optimistic locking: the write only lands if nobody changed the account since we read its version. */
const optimistic: SettlementStrategy = {
  ...atomicGuard,
  name: 'optimistic',
  loadAccounts: (c, ids) => loadAccounts(c, ids, 'none'),
  async applyCash(client, guards, loaded) {
    if (guards.length === 0) return;
    await lockAccountsInOrder(client, guards.map((g) => g.userId));
    const { rowCount } = await client.query(
      `UPDATE accounts a SET cash_cents = a.cash_cents + d.delta, version = a.version + 1
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS d(user_id, delta, version)
        WHERE a.user_id = d.user_id AND a.version = d.version`,
      [guards.map((g) => g.userId), guards.map((g) => g.deltaCents), guards.map((g) => loaded.get(g.userId)?.version ?? -1)]);
    expectRows('version check', rowCount, guards.length);
  },
};

/** Pessimistic: rows are locked when read, so the writes need no guard. */
const selectForUpdate: SettlementStrategy = {
  name: 'select-for-update',
  correct: true,
  loadAccounts: (c, ids) => loadAccounts(c, ids, 'FOR UPDATE'),
  loadHoldings: (c, ids) => loadHoldings(c, ids, true),
  async applyCash(client, guards) {
    if (guards.length === 0) return;
    await client.query(
      `UPDATE accounts a SET cash_cents = a.cash_cents + d.delta, version = a.version + 1
         FROM unnest($1::text[], $2::bigint[]) AS d(user_id, delta) WHERE a.user_id = d.user_id`,
      [guards.map((g) => g.userId), guards.map((g) => g.deltaCents)]);
  },
  applyHoldings: (c, guards) => guardedHoldings(c, guards),
};

/** The baseline that shows why guards matter: read in the application, then write the computed value. */
const naive: SettlementStrategy = {
  name: 'naive',
  correct: false,
  loadAccounts: (c, ids) => loadAccounts(c, ids, 'none'),
  loadHoldings: (c, ids) => loadHoldings(c, ids, false),
  async applyCash(client, guards, loaded) {
    if (guards.length === 0) return;
    await client.query(
      `UPDATE accounts a SET cash_cents = d.cash FROM unnest($1::text[], $2::bigint[]) AS d(user_id, cash) WHERE a.user_id = d.user_id`,
      [guards.map((g) => g.userId), guards.map((g) => (loaded.get(g.userId)?.cashCents ?? 0) + g.deltaCents)]);
  },
  async applyHoldings(client, guards, loaded) {
    if (guards.length === 0) return;
    const before = (g: HoldingGuard) => loaded.find((h) => h.userId === g.userId && h.playerId === g.playerId)?.quantity ?? 0;
    await client.query(
      `INSERT INTO holdings (user_id, player_id, quantity) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (user_id, player_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [guards.map((g) => g.userId), guards.map((g) => g.playerId), guards.map((g) => before(g) + g.deltaQuantity)]);
  },
};

const STRATEGIES: Record<StrategyName, SettlementStrategy> = {
  'atomic-guard': atomicGuard,
  optimistic,
  'select-for-update': selectForUpdate,
  naive,
};

export function settlementStrategy(name: StrategyName): SettlementStrategy {
  return STRATEGIES[name];
}
