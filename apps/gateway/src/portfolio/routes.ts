// GET /portfolio: the caller's own portfolio (JWT). Cash, holdings and fills
// are read in one REPEATABLE READ transaction, fills in ledger-chain order, so
// the answer is one consistent state of the ledger; prices are the gateway's
// latest in memory (injected).
import type uWS from 'uWebSockets.js';
import { httpRefusal, type TokenGuard } from '../auth/token-guard';
import { inTransaction, type Pool } from '@inplay/db';
import { portfolioView, type PortfolioFill } from '@inplay/domain';
import type { Logger } from '@inplay/telemetry';
import { errorAnswer, serveAsync, type HttpAnswer } from '../http/respond';

export interface PortfolioRoutesDeps {
  tokens: TokenGuard;
  pool: Pool;
  latestPrice: (playerId: string) => number | undefined;
  logger: Logger;
}

export function registerPortfolioRoutes(app: uWS.TemplatedApp, deps: PortfolioRoutesDeps): uWS.TemplatedApp {
  app.get('/portfolio', (res, req) => {
    const authorization = req.getHeader('authorization');
    serveAsync(res, () => portfolioOf(authorization, deps), (err) => deps.logger.error({ err }, 'portfolio failed'), req.getHeader('accept-encoding'));
  });
  return app;
}

async function portfolioOf(authorization: string, deps: PortfolioRoutesDeps): Promise<HttpAnswer> {
  const verified = await deps.tokens.check(authorization);
  if (!verified.ok) {
    const { status, headers } = httpRefusal(verified);
    return errorAnswer(status, verified.code, verified.message, headers);
  }
  const { userId } = verified.identity;
  // One snapshot for the three reads, so the account, the fills and the holdings agree with each other.
  const { account, fills, holdings } = await inTransaction(deps.pool, async (client) => ({
    account: await client.query<{ cash_cents: string }>('SELECT cash_cents FROM accounts WHERE user_id = $1', [userId]),
    fills: await client.query<{ player_id: string; side: 'BUY' | 'SELL'; quantity: number; cost_cents: string }>(
      `SELECT o.player_id, o.side, o.quantity, o.cost_cents FROM orders o
         JOIN ledger_entries l ON l.user_id = o.user_id AND l.transaction_id = o.order_id AND l.account = 'cash:' || o.user_id
        WHERE o.user_id = $1 AND o.status = 'FILLED'
        ORDER BY l.chain_seq`, [userId]),
    holdings: await client.query<{ player_id: string; quantity: string }>('SELECT player_id, quantity FROM holdings WHERE user_id = $1 AND quantity > 0', [userId]),
  }), { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' });
  const row = account.rows[0];
  if (!row) return errorAnswer(404, 'ACCOUNT_UNKNOWN', `user ${userId} has no account`);
  const view = portfolioView(Number(row.cash_cents), fills.rows.map((f): PortfolioFill => ({ playerId: f.player_id, side: f.side, quantity: f.quantity, valueCents: Number(f.cost_cents) })), deps.latestPrice);
  // The holdings table and the fills must agree; if they ever do not, say so rather than show a wrong number.
  const held = new Map(holdings.rows.map((h) => [h.player_id, Number(h.quantity)]));
  const disagree = view.holdings.some((l) => (held.get(l.playerId) ?? 0) !== l.quantity) || [...held.keys()].some((p) => !view.holdings.some((l) => l.playerId === p));
  if (disagree) deps.logger.error({ userId }, 'holdings disagree with the fills in the ledger');
  return { status: 200, body: { userId, ...view, consistent: !disagree } };
}
