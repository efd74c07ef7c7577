// `inplay chaos` for real, shortened: a stack of its own under load, two
// faults that used to lose or stop work (kill -9 of settlement mid-load, a
// Postgres restart), and every check after each must hold. Then the checks
// themselves must see a violation when there is one: a posting doubled and a
// transaction unbalanced in a ledger of its own.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { localDirs } from '@inplay/config';
import { createDatabase, createPool, dropDatabase, migrate } from '@inplay/db';
import { runChaos, type ChaosReport } from './run';
import { runChecks } from './checks';

/** How many of the chaos run's last log lines a failed assertion carries. */
const CHAOS_LOG_LINES_IN_FAILURE = 10;
const { cacheDir, stateDir: root } = localDirs();
mkdirSync(join(root, 'test'), { recursive: true });
const stateDir = mkdtempSync(join(root, 'test', 'chaos-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('inplay chaos', () => {
  it('kill -9 of settlement and a Postgres restart under load: nothing lost, nothing doubled, the ledger equal to the topics', async () => {
    const lines: string[] = [];
    let report: ChaosReport | undefined;
    try {
      report = await runChaos({
        infra: 'local', cacheDir, stateDir, scenarios: ['kill-settlement', 'postgres-restart'],
        timings: { warmMs: 3_000, faultMs: 3_000, afterMs: 4_000, drainTimeoutMs: 60_000 },
        ordersPerSec: 10, users: 5, wsClients: 2, demoSpeed: 60, kafkaHeapMb: 384, log: (line) => lines.push(line),
      });
    } finally {
      if (!report?.ok) console.log(lines.join('\n'));
    }
    expect(report.scenarios.map((s) => s.name)).toEqual(['kill-settlement', 'postgres-restart']);
    for (const s of report.scenarios) {
      // The error itself, and the run's last lines, in the message: CI keeps only the end of the output.
      expect(s.error, `${s.name}: ${s.error}\n${lines.slice(-CHAOS_LOG_LINES_IN_FAILURE).join('\n')}`).toBeUndefined();
      expect(s.orders.accepted, s.name).toBeGreaterThan(0);
      expect(s.checks.filter((c) => !c.ok), s.name).toEqual([]);
      expect(s.recoveryMs, s.name).not.toBeNull();
      expect({ lost: s.lost, duplicated: s.duplicated, invariantsOk: s.invariantsOk, auditEqual: s.auditEqual }, s.name).toEqual({ lost: 0, duplicated: 0, invariantsOk: true, auditEqual: true });
    }
  }, 600_000);

  it('flags a doubled posting, an unbalanced ledger and a lost order', async () => {
    const infra = inject('infra');
    const admin = infra.adminDatabaseUrl!;
    const name = `chaos_checks_${Date.now()}`;
    const url = await createDatabase(admin, name);
    await migrate(url);
    const pool = createPool(url, { max: 2 });
    try {
      // t1 is unbalanced (+100 net) and posts to market:p twice.
      await pool.query(`INSERT INTO ledger_entries (transaction_id, account, amount_cents, user_id, chain_seq, hash)
        VALUES ('t1', 'cash:u', -100, 'u', 1, 'h1'), ('t1', 'market:p', 100, 'u', 2, 'h2'), ('t1', 'market:p', 100, 'u', 3, 'h3')`);
      const { checks, lost, duplicated } = await runChecks({
        pool, brokers: infra.kafkaBrokers, kafkaSecurity: infra.kafkaSecurity, registryUrl: infra.schemaRegistryUrl, deadLetters: 1,
        outcomes: [{ key: 'k', userId: 'u', startedAt: 0, endedAt: 1, attempts: 1, status: 202, accepted: true, orderId: 'never-settled', orderIds: ['never-settled'], settled: false }],
        watchers: { clients: 1, ticks: 2, reconnects: 0, silentGaps: 1, announcedGaps: 0, replayedTicks: 0, examples: ['p: held 1, tick 3'] },
        audit: { equal: true, discrepancies: 0, detail: 'equal' },
      });
      const failed = checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failed).toEqual(expect.arrayContaining([
        'every accepted order settled', 'nothing dead-lettered', 'exactly one result per accepted order', 'one effect per order (no posting twice)',
        'the ledger balances', 'clients resumed without a silent gap',
      ]));
      expect(checks.find((c) => c.name === 'no cash or holding below zero')?.ok).toBe(true);
      expect(lost).toBe(1);
      expect(duplicated).toBeGreaterThanOrEqual(1);
    } finally {
      await pool.end();
      await dropDatabase(admin, name);
    }
  }, 120_000);
});
