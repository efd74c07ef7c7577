import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test/database-env';
import { createPool, migrate, probePostgres, redact, type Pool } from './index';

let env: Awaited<ReturnType<typeof freshDatabase>>;
let pool: Pool;

beforeAll(async () => {
  env = await freshDatabase();
  pool = createPool(env.databaseUrl, { max: 2 });
});
afterAll(async () => {
  await pool.end();
  await env.drop();
});

describe('Postgres adapter', () => {
  it('applies migrations once: a second run applies nothing', async () => {
    expect(await migrate(env.databaseUrl)).toEqual([]);
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on');
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses negative cash at the database, whatever the application does', async () => {
    await pool.query("INSERT INTO users (user_id, display_name) VALUES ('u1', 'One')");
    await pool.query("INSERT INTO accounts (user_id, cash_cents) VALUES ('u1', 100)");
    await expect(pool.query("UPDATE accounts SET cash_cents = cash_cents - 101 WHERE user_id = 'u1'")).rejects.toThrow(/check constraint/);
    const { rows } = await pool.query<{ cash_cents: string }>("SELECT cash_cents FROM accounts WHERE user_id = 'u1'");
    expect(rows[0]?.cash_cents).toBe('100');
  });

  it('reports the server version, and a clear error for a server that is not there', async () => {
    expect(await probePostgres(env.databaseUrl)).toMatch(/^\d+\.\d+/);
    await expect(probePostgres('postgres://u:secret@127.0.0.1:1/x')).rejects.toThrow(/cannot reach Postgres at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
  });

  it('never prints a password', () => {
    expect(redact('postgres://inplay:hunter2@db:5432/inplay')).toBe('postgres://inplay:***@db:5432/inplay');
    expect(redact('not a url')).toBe('<malformed DATABASE_URL>');
  });
});
