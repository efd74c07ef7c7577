// Acceptance of the audit: after a recorded history the replay finds the live
// projection equal to the topics; each kind of tampering in Postgres is
// detected and named. Also measures the replay's events/s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, dropDatabase, type Pool } from '@inplay/db';
import type { IsolatedEnv } from '@inplay/testing';
import { REPLAY_PIPELINES, runReplayAudit, type ReplayAuditReport, type ReplayPipeline } from '@inplay/audit';
import { settledHistory, type SettledHistory } from './history.fixtures';

let history: SettledHistory;
let env: IsolatedEnv;
let pool: Pool;

beforeAll(async () => {
  history = await settledHistory({ users: 40, players: 10, ticksPerPlayer: 500, orders: 4_000 });
  ({ env, pool } = history);
});
afterAll(() => history?.close());

const adminDatabaseUrl = () => env.infra.adminDatabaseUrl ?? env.infra.databaseUrl;
const audit = (pipeline?: ReplayPipeline, keep = false): Promise<ReplayAuditReport> => runReplayAudit({
  brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, adminDatabaseUrl: adminDatabaseUrl(),
  liveDatabaseUrl: env.databaseUrl, topicPrefix: env.prefix, dropRebuiltDatabase: !keep, progressOut: null, verdictOut: null, ...(pipeline ? { pipeline } : {}),
});

/** One digest per projection table, over what the audit compares (times as epoch ms). */
const DIGESTS = `SELECT
  (SELECT md5(string_agg(concat_ws('|', user_id, display_name), ',' ORDER BY user_id)) FROM users) AS users,
  (SELECT md5(string_agg(concat_ws('|', user_id, cash_cents), ',' ORDER BY user_id)) FROM accounts) AS accounts,
  (SELECT md5(string_agg(concat_ws('|', user_id, player_id, quantity), ',' ORDER BY user_id, player_id)) FROM holdings) AS holdings,
  (SELECT md5(string_agg(concat_ws('|', order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, round(extract(epoch FROM placed_at) * 1000), status, reason,
     fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, round(extract(epoch FROM settled_at) * 1000)), ',' ORDER BY order_id)) FROM orders) AS orders,
  (SELECT md5(string_agg(concat_ws('|', user_id, chain_seq, transaction_id, account, amount_cents, hash), ',' ORDER BY user_id, chain_seq)) FROM ledger_entries) AS ledger,
  (SELECT count(*) FROM ledger_entries) AS ledger_rows`;

/** Runs `tamper`, audits, then `restore`s, so each test starts from the untouched projection. */
async function auditTampered(tamper: string, restore: string): Promise<ReplayAuditReport> {
  await pool.query(tamper);
  try { return await audit(); } finally { await pool.query(restore); }
}

const kinds = (r: ReplayAuditReport) => [...new Set(r.discrepancies.map((d) => d.kind))].sort();

describe('replay audit', () => {
  it('finds the live projection equal to the topics, with every order having exactly one result, and reports its throughput', async () => {
    const report = await audit();
    expect(report.discrepancies).toEqual([]);
    expect(report.equal).toBe(true);
    expect(report.events.orders).toBe(4_000);
    expect(report.events.ticks).toBe(5_000);
    expect(report.eventsPerSec).toBeGreaterThan(0);
    console.log(`replay audit: ${report.events.total} events in ${report.durationMs} ms = ${report.eventsPerSec} events/s`, report.phasesMs);
  });

  it('names the account when one cash value is changed', async () => {
    const report = await auditTampered("UPDATE accounts SET cash_cents = cash_cents + 1 WHERE user_id = 'u7'", "UPDATE accounts SET cash_cents = cash_cents - 1 WHERE user_id = 'u7'");
    expect(report.equal).toBe(false);
    expect(report.discrepancies).toEqual([expect.objectContaining({ kind: 'ACCOUNT_CASH_MISMATCH', subject: 'u7' })]);
  });

  it('names the missing row and the broken chain when one ledger row is deleted', async () => {
    const { rows } = await pool.query<{ entry_id: string; user_id: string; chain_seq: string }>("SELECT entry_id, user_id, chain_seq FROM ledger_entries WHERE user_id = 'u3' AND chain_seq = 5");
    const victim = rows[0]!;
    const report = await auditTampered(
      `CREATE TABLE deleted_row AS SELECT * FROM ledger_entries WHERE entry_id = ${victim.entry_id}; DELETE FROM ledger_entries WHERE entry_id = ${victim.entry_id}`,
      'INSERT INTO ledger_entries SELECT * FROM deleted_row; DROP TABLE deleted_row');
    expect(kinds(report)).toEqual(['CHAIN_SEQ_GAP', 'LEDGER_ROW_MISSING']);
    expect(report.discrepancies).toContainEqual(expect.objectContaining({ kind: 'LEDGER_ROW_MISSING', subject: 'u3#5' }));
  });

  it('names both rows when two ledger rows are swapped', async () => {
    const swap = `UPDATE ledger_entries l SET transaction_id = o.transaction_id, account = o.account, amount_cents = o.amount_cents, hash = o.hash
                    FROM ledger_entries o WHERE l.user_id = 'u5' AND o.user_id = 'u5' AND ((l.chain_seq = 3 AND o.chain_seq = 5) OR (l.chain_seq = 5 AND o.chain_seq = 3))`;
    const report = await auditTampered(swap, swap);
    expect(kinds(report)).toEqual(['CHAIN_HASH_MISMATCH', 'LEDGER_ROW_MISMATCH']);
    expect(report.discrepancies.filter((d) => d.kind === 'LEDGER_ROW_MISMATCH').map((d) => d.subject).sort()).toEqual(['u5#3', 'u5#5']);
    expect(report.discrepancies).toContainEqual(expect.objectContaining({ kind: 'CHAIN_HASH_MISMATCH', subject: 'u5#3' }));
  });

  it('names the order and the field when one fill price is altered', async () => {
    const { rows } = await pool.query<{ order_id: string }>("SELECT order_id FROM orders WHERE status = 'FILLED' ORDER BY order_id LIMIT 1");
    const orderId = rows[0]!.order_id;
    const report = await auditTampered(`UPDATE orders SET fill_price_cents = fill_price_cents + 1 WHERE order_id = '${orderId}'`,
      `UPDATE orders SET fill_price_cents = fill_price_cents - 1 WHERE order_id = '${orderId}'`);
    expect(report.discrepancies).toEqual([expect.objectContaining({ kind: 'ORDER_ROW_MISMATCH', subject: orderId, context: expect.objectContaining({ fields: ['fillPriceCents'] }) })]);
  });

  it.each(REPLAY_PIPELINES)('writes the rebuilt database (%s pipeline) with exactly the live rows', async (pipeline) => {
    const report = await audit(pipeline, true);
    expect(report.equal).toBe(true);
    expect(report.pipeline).toBe(pipeline);
    const name = new URL(report.rebuiltDatabase!).pathname.slice(1);
    const url = new URL(adminDatabaseUrl());
    url.pathname = `/${name}`;
    const rebuiltPool = createPool(url.toString(), { max: 1 });
    try {
      const [live, rebuilt] = await Promise.all([pool.query(DIGESTS), rebuiltPool.query(DIGESTS)]);
      expect(Number(live.rows[0].ledger_rows)).toBeGreaterThan(40);
      expect(rebuilt.rows[0]).toEqual(live.rows[0]);
    } finally {
      await rebuiltPool.end();
      await dropDatabase(adminDatabaseUrl(), name);
    }
  });

  it('the sequential pipeline (the bench baseline) names the same tampering as the streaming one', async () => {
    const swap = `UPDATE ledger_entries l SET transaction_id = o.transaction_id, account = o.account, amount_cents = o.amount_cents, hash = o.hash
                    FROM ledger_entries o WHERE l.user_id = 'u6' AND o.user_id = 'u6' AND ((l.chain_seq = 2 AND o.chain_seq = 4) OR (l.chain_seq = 4 AND o.chain_seq = 2))`;
    await pool.query(swap);
    try {
      const [streaming, sequential] = [await audit('streaming'), await audit('sequential')];
      expect(kinds(streaming)).toEqual(['CHAIN_HASH_MISMATCH', 'LEDGER_ROW_MISMATCH']);
      expect(sequential.discrepancies).toEqual(streaming.discrepancies);
    } finally {
      await pool.query(swap);
    }
  });
});
