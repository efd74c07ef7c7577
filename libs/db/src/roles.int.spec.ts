// The services' Postgres roles on a migrated database, logged in with the
// suite's passwords (the suite's bootstrap ran ensureServiceLogins): each can
// do what its service does through libs/db, and what it must not is refused
// by Postgres itself (42501 insufficient_privilege).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPostings, issuancePostings } from '@inplay/domain';
import { freshDatabase, rolePasswords } from '../test/database-env';
import {
  createPool, ensureMigrated, ensureServiceLogins, inTransaction, insertChainedEntries, insertOrderRows, openingBalances, playersOfMatches, prepareRegistryStore,
  readChainHeads, recordVoidedOrders, scramVerifier, serviceDatabaseUrl, sha256Hex, type DbService, type Pool,
} from './index';

const INSUFFICIENT_PRIVILEGE = '42501';

let env: Awaited<ReturnType<typeof freshDatabase>>;
let owner: Pool;
const pools = new Map<DbService, Pool>();
const as = (service: DbService): Pool => pools.get(service)!;

/** The statement's SQLSTATE, or 'ok' when it ran. */
async function outcome(pool: Pool, sql: string, values: unknown[] = []): Promise<string> {
  try {
    await pool.query(sql, values);
    return 'ok';
  } catch (err) {
    return String((err as { code?: unknown }).code ?? (err as Error).message);
  }
}

const order = (orderId: string, userId: string) => ({
  orderId, userId, idempotencyKey: `k-${orderId}`, playerId: 'p1', side: 'BUY' as const, quantity: 1, limitPriceCents: null, placedAt: 1_700_000_000_000,
  status: 'FILLED' as const, reason: null, fillPriceCents: 100, tickSeq: 1, costCents: 100, retryAfterMs: null, cashAfterCents: 900, settledAt: 1_700_000_000_500,
});

beforeAll(async () => {
  env = await freshDatabase();
  owner = createPool(env.databaseUrl, { max: 2 });
  const passwords = rolePasswords();
  for (const service of ['gateway', 'settlement', 'pricing', 'feed-ingest', 'leaderboard', 'schema-registry'] as const) {
    pools.set(service, createPool(serviceDatabaseUrl(env.databaseUrl, service, passwords[service]), { max: 2 }));
  }
  await owner.query(`INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
                     VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())`);
  await owner.query(`INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'One', 'h', 'Home', 'FWD', 100)`);
});
afterAll(async () => {
  for (const pool of pools.values()) await pool.end();
  await owner?.end();
  await env?.drop();
});

describe('service roles on a migrated database', () => {
  it('lets settlement write the ledger: a user issued through the chain, an order row, a void', async () => {
    await inTransaction(as('settlement'), async (client) => {
      await client.query("INSERT INTO users (user_id, display_name) VALUES ('u1', 'One') ON CONFLICT DO NOTHING");
      await client.query("INSERT INTO accounts (user_id, cash_cents) VALUES ('u1', 1000)");
      const postings = issuancePostings('issue:u1', 'u1', 1000).map((posting) => ({ userId: 'u1', posting }));
      await insertChainedEntries(client, chainPostings(await readChainHeads(client, ['u1']), postings, sha256Hex).entries);
      expect(await insertOrderRows(client, [order('o1', 'u1')])).toBe(1);
      await client.query("UPDATE accounts SET cash_cents = 900, version = version + 1 WHERE user_id = 'u1'");
      await client.query("INSERT INTO holdings (user_id, player_id, quantity) VALUES ('u1', 'p1', 1) ON CONFLICT (user_id, player_id) DO UPDATE SET quantity = EXCLUDED.quantity");
      await client.query("INSERT INTO outbox (topic, record_key, payload) VALUES ('order.results', 'u1', '{}')");
      await client.query("UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL");
      await client.query("INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) VALUES ('g', 'orders', 0, 0) ON CONFLICT DO NOTHING");
      await client.query("SELECT next_offset FROM consumer_offsets WHERE group_id = 'g' FOR UPDATE");
      await client.query("UPDATE consumer_offsets SET next_offset = 1, updated_at = now() WHERE group_id = 'g'");
      await client.query(`INSERT INTO pending_orders (order_id, user_id, idempotency_key, player_id, placed_at, execute_at, payload)
                          VALUES ('o2', 'u1', 'k-o2', 'p1', now(), now(), '{}')`);
      await client.query('SELECT payload FROM pending_orders WHERE execute_at <= now() FOR UPDATE SKIP LOCKED');
      await client.query("DELETE FROM pending_orders WHERE order_id = 'o2'");
    });
    await inTransaction(as('settlement'), async (client) => {
      await client.query(`INSERT INTO order_voids (order_id, user_id, player_id, reason, event_tick_seq, event_occurred_at, cash_after_cents, voided_at)
                          VALUES ('o1', 'u1', 'p1', 'GOAL', 2, now(), 1000, now())`);
      expect(await recordVoidedOrders(client, [{ orderId: 'o1', status: 'VOIDED', reason: 'GOAL', cashAfterCents: 1000, settledAt: Date.now() }])).toBe(1);
    });
    const { rows } = await owner.query<{ status: string; entries: string }>("SELECT status, (SELECT count(*) FROM ledger_entries) AS entries FROM orders WHERE order_id = 'o1'");
    expect(rows[0]).toEqual({ status: 'VOIDED', entries: '2' });
  });

  it('refuses the gateway any write to the ledger, accounts, holdings and orders (42501), and lets it read them', async () => {
    const writes = (table: string, column: string, value: string): string[] => [
      `INSERT INTO ${table} (${column}) VALUES (${value})`, `UPDATE ${table} SET ${column} = ${column}`, `DELETE FROM ${table}`];
    const refused = [
      ...writes('ledger_entries', 'transaction_id', "'x'"), ...writes('accounts', 'cash_cents', '1'), ...writes('holdings', 'quantity', '1'),
      ...writes('orders', 'status', "'FILLED'"), ...writes('outbox', 'topic', "'x'"), ...writes('users', 'display_name', "'x'"), 'TRUNCATE ledger_entries',
    ];
    for (const sql of refused) expect(`${sql}: ${await outcome(as('gateway'), sql)}`).toBe(`${sql}: ${INSUFFICIENT_PRIVILEGE}`);
    const reads = ['SELECT cash_cents FROM accounts', 'SELECT * FROM holdings', 'SELECT * FROM orders', 'SELECT * FROM pending_orders',
      'SELECT l.chain_seq FROM ledger_entries l', 'SELECT * FROM players', 'SELECT * FROM matches'];
    for (const sql of reads) expect(`${sql}: ${await outcome(as('gateway'), sql)}`).toBe(`${sql}: ok`);
  });

  it('lets the gateway claim Idempotency-Keys and mark them swept, but not change which order a claim is for', async () => {
    await owner.query("INSERT INTO users (user_id, display_name) VALUES ('u2', 'Two')");
    expect(await outcome(as('gateway'), `INSERT INTO order_keys (user_id, idempotency_key, body_hash, order_id, placed_at, order_record)
      VALUES ('u2', 'k1', 'h', 'o-claim', now(), '{}') ON CONFLICT DO NOTHING RETURNING order_id`)).toBe('ok');
    await inTransaction(as('gateway'), async (client) => {
      await client.query('SELECT k.user_id FROM order_keys k WHERE k.swept_at IS NULL FOR UPDATE OF k SKIP LOCKED');
      await client.query("UPDATE order_keys SET swept_at = now() WHERE user_id = 'u2'");
    });
    expect(await outcome(as('gateway'), "UPDATE order_keys SET order_id = 'stolen' WHERE user_id = 'u2'")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('gateway'), 'DELETE FROM order_keys')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('lets pricing read rosters and nothing else, and write nothing', async () => {
    expect(await outcome(as('pricing'), 'SELECT m.home_team_id, p.player_id FROM matches m JOIN players p ON p.match_id = m.match_id')).toBe('ok');
    expect(await outcome(as('pricing'), "UPDATE accounts SET cash_cents = 0")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('pricing'), "INSERT INTO accounts (user_id, cash_cents) VALUES ('u1', 1)")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('pricing'), 'SELECT * FROM accounts')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('pricing'), "UPDATE players SET initial_price_cents = 1")).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('lets feed-ingest register matches and rosters and run its outbox, but never reprice a player or touch money', async () => {
    const feed = as('feed-ingest');
    expect(await outcome(feed, `INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
      VALUES ('m1', 'again', 'h', 'Home', 'a', 'Away', now()) ON CONFLICT (match_id) DO UPDATE SET provider = EXCLUDED.provider RETURNING kick_off_at`)).toBe('ok');
    expect(await outcome(feed, `INSERT INTO players (player_id, match_id, name, team_id, team_name, position, jersey, initial_price_cents)
      VALUES ('p1', 'm1', 'Uno', 'h', 'Home', 'FWD', 9, 100) ON CONFLICT (player_id) DO UPDATE SET match_id = EXCLUDED.match_id, name = EXCLUDED.name,
      team_id = EXCLUDED.team_id, team_name = EXCLUDED.team_name, position = EXCLUDED.position, jersey = EXCLUDED.jersey`)).toBe('ok');
    expect(await outcome(feed, "INSERT INTO feed_events (event_id, match_id, status, payload) VALUES ('e1', 'm1', 'pending', '{}') ON CONFLICT DO NOTHING")).toBe('ok');
    expect(await outcome(feed, "UPDATE feed_events SET status = 'sent' WHERE event_id = ANY($1::text[])", [['e1']])).toBe('ok');
    expect(await outcome(feed, "INSERT INTO webhook_deliveries (delivery_id) VALUES ('d1') ON CONFLICT DO NOTHING")).toBe('ok');
    expect(await outcome(feed, 'UPDATE players SET initial_price_cents = 1')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(feed, 'SELECT * FROM ledger_entries')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(feed, 'DELETE FROM players')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('lets the leaderboard read opening balances and rosters and store its snapshots, and nothing more', async () => {
    const board = as('leaderboard');
    expect(await openingBalances(board)).toEqual([{ userId: 'u1', cashCents: 1000 }]);
    expect(await playersOfMatches(board)).toEqual(new Map([['m1', new Set(['p1'])]]));
    expect(await outcome(board, `INSERT INTO leaderboard_snapshots (board_id, computed_at, total_users, entries) VALUES ('b', now(), 0, '[]')
      ON CONFLICT (board_id) DO UPDATE SET computed_at = EXCLUDED.computed_at, total_users = EXCLUDED.total_users, entries = EXCLUDED.entries, updated_at = now()`)).toBe('ok');
    expect(await outcome(board, "INSERT INTO ledger_entries (transaction_id, account, amount_cents, user_id, chain_seq, hash) VALUES ('x', 'y', 0, 'u1', 99, 'h')"))
      .toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(board, 'SELECT * FROM accounts')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('keeps the schema registry out of the app schema, and the migrations table to the owner', async () => {
    // Without USAGE on the schema its tables are not even found by name (42P01); by full name, refused.
    expect(await outcome(as('schema-registry'), 'SELECT * FROM ledger_entries')).toBe('42P01');
    expect(await outcome(as('schema-registry'), 'SELECT * FROM public.ledger_entries')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('schema-registry'), 'CREATE TABLE public.sneaky (x int)')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('settlement'), "INSERT INTO pgmigrations (name, run_on) VALUES ('x', now())")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('gateway'), 'DELETE FROM pgmigrations')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(as('gateway'), 'CREATE TABLE sneaky (x int)')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('nobody but the owner may change or delete a ledger row, settlement included', async () => {
    for (const service of ['settlement', 'gateway', 'leaderboard'] as const) {
      expect(await outcome(as(service), 'UPDATE ledger_entries SET amount_cents = 0')).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await outcome(as(service), 'DELETE FROM ledger_entries')).toBe(INSUFFICIENT_PRIVILEGE);
    }
  });
});

describe('migrations as a service sees them', () => {
  it('starts a service role on a migrated database without migrating, and refuses one with migrations pending, saying to run the bootstrap', async () => {
    const settlementUrl = serviceDatabaseUrl(env.databaseUrl, 'settlement', rolePasswords().settlement);
    expect(await ensureMigrated(settlementUrl)).toEqual([]);
    await owner.query("DELETE FROM pgmigrations WHERE name = '1732475000000_order-keys-sweep'");
    try {
      await expect(ensureMigrated(settlementUrl)).rejects.toThrow(/1 migrations are not applied .*\(1732475000000_order-keys-sweep\).*run the bootstrap/s);
    } finally {
      await owner.query("INSERT INTO pgmigrations (name, run_on) VALUES ('1732475000000_order-keys-sweep', now())");
    }
  });
});

describe('logins and the registry store', () => {
  it('builds a service URL on the same server and database, with its role and password, without the owner secret', () => {
    const url = new URL(serviceDatabaseUrl('postgres://inplay:owner@db:5432/inplay?options=-c%20search_path%3Dt_1', 'feed-ingest', 'pa/ss'));
    expect([url.username, decodeURIComponent(url.password), url.host, url.pathname, url.searchParams.get('options')])
      .toEqual(['inplay_feed_ingest', 'pa/ss', 'db:5432', '/inplay', '-c search_path=t_1']);
  });

  it('computes the SCRAM-SHA-256 verifier Postgres would (RFC 7677 test vector: "pencil")', () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    expect(scramVerifier('pencil', salt, 4096)).toBe('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=');
    expect(() => scramVerifier('has space')).toThrow(/printable ASCII/);
  });

  it('refuses a wrong password, and logs in with the one ensureServiceLogins set', async () => {
    const wrong = createPool(serviceDatabaseUrl(env.databaseUrl, 'pricing', 'not-the-password'), { max: 1 });
    await expect(wrong.query('SELECT 1')).rejects.toThrow(/password authentication failed/);
    await wrong.end();
    // Setting the same password again (every bootstrap does) keeps every login working.
    await ensureServiceLogins(env.databaseUrl, { pricing: rolePasswords().pricing });
    expect(await outcome(as('pricing'), 'SELECT 1 FROM players')).toBe('ok');
    await expect(ensureServiceLogins(env.databaseUrl, { pricing: 'with space' })).rejects.toThrow(/password of pricing must be/);
  });

  it('hands the registry a schema of its own, taking over tables an older registry created as the owner', async () => {
    await owner.query('CREATE SCHEMA schema_registry');
    await owner.query('CREATE TABLE schema_registry.schemas (id serial PRIMARY KEY, schema text NOT NULL)');
    await owner.query("INSERT INTO schema_registry.schemas (schema) VALUES ('\"string\"')");
    const registryUrl = await prepareRegistryStore(env.databaseUrl, rolePasswords()['schema-registry']);
    const registry = createPool(registryUrl, { max: 1 });
    try {
      expect((await registry.query('SELECT schema FROM schema_registry.schemas')).rows).toEqual([{ schema: '"string"' }]);
      expect(await outcome(registry, "INSERT INTO schema_registry.schemas (schema) VALUES ('\"int\"')")).toBe('ok');
      expect(await outcome(registry, 'CREATE TABLE schema_registry.config (subject text PRIMARY KEY)')).toBe('ok');
      expect(await outcome(registry, 'SELECT * FROM public.accounts')).toBe(INSUFFICIENT_PRIVILEGE);
      // Preparing again (every start) changes nothing.
      await prepareRegistryStore(env.databaseUrl, rolePasswords()['schema-registry']);
      expect((await registry.query('SELECT count(*)::int AS n FROM schema_registry.schemas')).rows).toEqual([{ n: 2 }]);
    } finally {
      await registry.end();
    }
  });
});
