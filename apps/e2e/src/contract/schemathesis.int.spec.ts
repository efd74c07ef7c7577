// The HTTP API fuzzed from its contract (docs/api/openapi.yaml) by schemathesis:
// a live gateway (public and internal listeners), settlement and feed-ingest on
// the suite's Kafka and Postgres; every operation of the document is sent the
// document's examples, boundary values and generated cases, signed and
// authorised as a client would be, and every answer must be a documented one.
// Then the state: nothing moved for a request that was refused.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Pool } from '@inplay/db';
import { REPO_ROOT } from '@inplay/infra';
import { createUser } from '@inplay/settlement';
import { eventually, isolate, seedMarket, testPool, type IsolatedEnv } from '@inplay/testing';
import { ADMIN_TOKEN, WEBHOOK_SECRET, startApiStack, type ApiStack } from './api-stack';
import { OPENAPI_DOCUMENT, documentOperations, ensureSchemathesis, fuzzListener, type HarExchange, type Listener, type ListenerFigures } from './schemathesis';

const REPORT_DIR = join(REPO_ROOT, 'test-results/contract');
/** The user whose token the run sends: created with this much cash, which only an accepted order may move. */
const TRADER = { userId: 'contract-trader', cashCents: 1_000_000 };
/** The seeded player's price: the document's example order (2 shares at a limit of 1250) can fill. */
const EXAMPLE_PLAYER_PRICE_CENTS = 1_000;
/** How long an accepted order may take to be settled. */
const SETTLE_TIMEOUT_MS = 30_000;
/** The set-up's budget: three services start and three runs of at most RUN_TIME_LIMIT_MS each (in practice far less). */
const SPEC_TIMEOUT_MS = 240_000;

/** The playerId of the document's example order: seeded, so the examples phase places a real order. */
function examplePlayerId(): string {
  const document = parseYaml(readFileSync(OPENAPI_DOCUMENT, 'utf8')) as { paths: { '/orders': { post: { requestBody: { content: { 'application/json': { example: { playerId: string } } } } } } } };
  return document.paths['/orders'].post.requestBody.content['application/json'].example.playerId;
}

describe('the HTTP API fuzzed from docs/api/openapi.yaml (schemathesis)', () => {
  let env: IsolatedEnv | undefined;
  let pool: Pool | undefined;
  let stack: ApiStack | undefined;
  const figures: ListenerFigures[] = [];

  beforeAll(async () => {
    const installing = ensureSchemathesis();
    env = await isolate();
    pool = testPool(env);
    await seedMarket(env, pool, { playerId: examplePlayerId(), priceCents: EXAMPLE_PLAYER_PRICE_CENTS });
    const created = await createUser(pool, { userId: TRADER.userId, displayName: TRADER.userId, cashCents: TRADER.cashCents });
    if (!created.ok) throw new Error(created.message);
    stack = await startApiStack(env, join(REPORT_DIR, 'logs'));
    const login = await fetch(`${stack.publicUrl}/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: TRADER.userId }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const executable = await installing;
    const runEnv = {
      INPLAY_CONTRACT_USER_TOKEN: token, INPLAY_CONTRACT_ADMIN_TOKEN: ADMIN_TOKEN, INPLAY_CONTRACT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      INPLAY_CONTRACT_LOGIN_URL: `${stack.publicUrl}/dev/login`, INPLAY_CONTRACT_USER_ID: TRADER.userId, INPLAY_CONTRACT_MATCH_ID: 'm1',
      INPLAY_CONTRACT_PLAYER_ID: examplePlayerId(),
    };
    const listeners: Listener[] = [
      { tag: 'public', baseUrl: stack.publicUrl },
      { tag: 'internal', baseUrl: stack.internalUrl },
      { tag: 'feed-ingest', baseUrl: stack.feedUrl },
    ];
    // One at a time: two cores, and the services under test need one of them.
    for (const listener of listeners) figures.push(await fuzzListener(executable, listener, REPORT_DIR, runEnv));
    printFigures(figures);
  }, SPEC_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
    await pool?.end();
    await env?.cleanup();
  });

  it('sends every operation of the document and gets only documented answers', () => {
    const covered = new Set(figures.flatMap((f) => f.operationsCovered));
    expect(documentOperations().filter((op) => !covered.has(op)), 'operations of the document sent no request').toEqual([]);
    expect(figures.reduce((n, f) => n + f.exchanges.length, 0)).toBeGreaterThan(0);
    expect(figures.flatMap((f) => f.errors.map((e) => `${f.tag} ${e.operation}: ${e.message}`)), 'errors (hooks, schema, network)').toEqual([]);
    expect(figures.flatMap((f) => f.failures.map((e) => `${f.tag} ${e.operation}: ${e.message}`)), 'failed checks').toEqual([]);
    for (const f of figures) expect(f.exitCode, `schemathesis (${f.tag}) exit code\n${f.log.slice(-2_000)}`).toBe(0);
  });

  it('refuses exactly the deliveries whose signature does not match, and lets correctly signed ones through', () => {
    const deliveries = exchangesOf(figures, 'POST', '/feed/events');
    // The hook spoils some signatures and the webhook_signature_enforced check judged each answer; here, both kinds happened.
    expect(deliveries.filter((d) => d.status === 401).length, 'refused for their signature').toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.status === 202).length, 'accepted deliveries').toBeGreaterThan(0);
  });

  it('moves orders, ledger and cash only for accepted orders, and records feed events only for accepted deliveries', async () => {
    const acceptedOrders = new Set(exchangesOf(figures, 'POST', '/orders').filter((x) => x.status === 200 || x.status === 202).map((x) => (JSON.parse(x.responseText) as { orderId: string }).orderId));
    const claimed = await pool!.query<{ order_id: string }>('SELECT order_id FROM order_keys WHERE user_id = $1', [TRADER.userId]);
    expect(claimed.rows.map((r) => r.order_id).filter((id) => !acceptedOrders.has(id)), 'orders claimed without an accepted answer').toEqual([]);
    // Every accepted order is settled (filled or rejected by settlement), so the ledger below is final.
    await eventually('every accepted order settled', async () => {
      const { rows } = await pool!.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE user_id = $1', [TRADER.userId]);
      return Number(rows[0]!.n) === acceptedOrders.size;
    }, SETTLE_TIMEOUT_MS);
    const settled = await pool!.query<{ order_id: string }>('SELECT order_id FROM orders WHERE user_id = $1', [TRADER.userId]);
    expect(settled.rows.map((r) => r.order_id).filter((id) => !acceptedOrders.has(id)), 'orders settled without an accepted answer').toEqual([]);
    const ledger = await pool!.query<{ transaction_id: string; account: string; amount_cents: string }>('SELECT transaction_id, account, amount_cents FROM ledger_entries WHERE user_id = $1', [TRADER.userId]);
    const issuance = `issue:${TRADER.userId}`;
    expect(ledger.rows.map((r) => r.transaction_id).filter((id) => id !== issuance && !acceptedOrders.has(id)), 'ledger entries of no accepted order').toEqual([]);
    const account = await pool!.query<{ cash_cents: string }>('SELECT cash_cents FROM accounts WHERE user_id = $1', [TRADER.userId]);
    const cashPostings = ledger.rows.filter((r) => r.account === `cash:${TRADER.userId}`).reduce((sum, r) => sum + Number(r.amount_cents), 0);
    // The ledger explains every cent of the account, and it holds only the issuance and accepted orders.
    expect(Number(account.rows[0]!.cash_cents)).toBe(cashPostings);
    if (ledger.rows.every((r) => r.transaction_id === issuance)) expect(Number(account.rows[0]!.cash_cents)).toBe(TRADER.cashCents);

    const deliveries = exchangesOf(figures, 'POST', '/feed/events');
    const acceptedDeliveries = new Set(deliveries.filter((x) => x.status === 200 || x.status === 202).map((x) => x.requestHeaders['x-inplay-delivery']));
    const acceptedEvents = new Set(deliveries.filter((x) => x.status === 202).map((x) => (JSON.parse(x.responseText) as { eventId: string }).eventId));
    const recorded = await pool!.query<{ delivery_id: string }>('SELECT delivery_id FROM webhook_deliveries');
    expect(recorded.rows.map((r) => r.delivery_id).filter((id) => !acceptedDeliveries.has(id)), 'deliveries recorded without an accepted answer').toEqual([]);
    const events = await pool!.query<{ event_id: string }>('SELECT event_id FROM feed_events');
    expect(events.rows.map((r) => r.event_id).filter((id) => !acceptedEvents.has(id)), 'feed events recorded without a 202').toEqual([]);
    expect(events.rows.length).toBe(acceptedEvents.size);
  });
});

/** The exchanges of one operation (by method and path, whatever the query). */
function exchangesOf(figures: ListenerFigures[], method: string, path: string): HarExchange[] {
  return figures.flatMap((f) => f.exchanges).filter((x) => x.method === method && new URL(x.url).pathname === path);
}

function printFigures(figures: ListenerFigures[]): void {
  const rows = figures.map((f) => `${f.tag.padEnd(12)} operations ${f.operationsCovered.length}/${f.operations.length}  requests ${String(f.exchanges.length).padStart(5)}  test cases ${String(f.testCasesGenerated).padStart(5)}  failures ${f.failures.length}  errors ${f.errors.length}  ${(f.durationMs / 1_000).toFixed(1)} s`);
  const covered = new Set(figures.flatMap((f) => f.operationsCovered));
  const requests = figures.reduce((n, f) => n + f.exchanges.length, 0);
  const failures = figures.reduce((n, f) => n + f.failures.length + f.errors.length, 0);
  console.log(`schemathesis against docs/api/openapi.yaml: ${covered.size} of ${documentOperations().length} operations covered, ${requests} requests, ${failures} failures\n${rows.join('\n')}`);
}
