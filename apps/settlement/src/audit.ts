// DESIGN.md's ledger invariants checked against the database: used by the
// integration tests, the benchmark (violations per strategy) and audits.
import type { Pool } from '@inplay/db';

export interface LedgerAudit {
  negativeCash: number;
  negativeHoldings: number;
  unbalancedTransactions: number;
  /** Users whose accounts.cash_cents differs from the sum of their ledger cash postings (a lost update). */
  cashMismatches: number;
  /** Users whose holdings differ from what their filled (and not voided) orders add up to. */
  holdingMismatches: number;
  violations: number;
}

export async function checkLedgerInvariants(pool: Pool): Promise<LedgerAudit> {
  const one = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  const audit = {
    negativeCash: await one('SELECT count(*) AS n FROM accounts WHERE cash_cents < 0'),
    negativeHoldings: await one('SELECT count(*) AS n FROM holdings WHERE quantity < 0'),
    unbalancedTransactions: await one('SELECT count(*) AS n FROM (SELECT 1 FROM ledger_entries GROUP BY transaction_id HAVING sum(amount_cents) <> 0) t'),
    cashMismatches: await one(`
      SELECT count(*) AS n FROM accounts a
        LEFT JOIN (SELECT substr(account, 6) AS user_id, sum(amount_cents) AS cash FROM ledger_entries WHERE account LIKE 'cash:%' GROUP BY 1) l USING (user_id)
       WHERE a.cash_cents <> coalesce(l.cash, 0)`),
    holdingMismatches: await one(`
      SELECT count(*) AS n FROM holdings h
        FULL JOIN (SELECT user_id, player_id, sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END) AS q
                     FROM orders o WHERE status = 'FILLED'
                    GROUP BY 1, 2) o USING (user_id, player_id)
       WHERE coalesce(h.quantity, 0) <> coalesce(o.q, 0)`),
  };
  return { ...audit, violations: Object.values(audit).reduce((a, b) => a + b, 0) };
}
