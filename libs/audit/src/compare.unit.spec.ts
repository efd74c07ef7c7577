// The audit's comparison of the projection rebuilt from the topics with the
// live one: equal when they are, and every kind of tampering named — on a
// history with a fill, a void of it and a rejection.
import { describe, expect, it } from 'vitest';
import type { Order, OrderResult } from '@inplay/contracts';
import { sha256Hex } from '@inplay/db';
import { entryHash, GENESIS_HASH, startRebuild, type RebuiltProjection } from '@inplay/domain';
import { compareProjections, compareProjectionsYielding } from './compare';
import type { LiveProjection } from './live';

const T0 = 1_795_550_400_000;
const order = (orderId: string, side: 'BUY' | 'SELL', quantity: number): Order => ({
  orderId, userId: 'u1', idempotencyKey: orderId, bodyHash: 'h', playerId: 'p1', side, quantity, limitPriceCents: null, placedAt: T0,
});
const result = (o: Order, r: Partial<OrderResult>): OrderResult => ({
  orderId: o.orderId, userId: o.userId, idempotencyKey: o.idempotencyKey, playerId: o.playerId, side: o.side, quantity: o.quantity,
  status: 'FILLED', reason: null, fillPriceCents: 100, tickSeq: 1, costCents: o.quantity * 100, retryAfterMs: null, cashAfterCents: null, placedAt: T0, settledAt: T0 + 1, ...r,
});

function history(): RebuiltProjection {
  const buy = order('o1', 'BUY', 3);
  const late = order('o2', 'BUY', 2);
  const refused = order('o3', 'BUY', 1_000);
  const rebuild = startRebuild([{ userId: 'u1', openingCashCents: 10_000 }], new Map([buy, late, refused].map((o) => [o.orderId, o])),
    new Map([['p1#1', { priceCents: 100, lockedUntil: null, matchId: 'm1' }]]), sha256Hex);
  rebuild.applyResult(result(buy, { cashAfterCents: 9_700 }));
  rebuild.applyResult(result(late, { cashAfterCents: 9_500 }));
  rebuild.applyResult(result(late, { status: 'VOIDED', reason: 'VOIDED_LATE_EVENT', cashAfterCents: 9_700, settledAt: T0 + 9 }));
  rebuild.applyResult(result(refused, { status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS', fillPriceCents: null, tickSeq: null, costCents: null, cashAfterCents: 9_700 }));
  return rebuild.finish();
}

/** The live projection as a faithful settlement would have left it. */
function liveOf(rebuilt: RebuiltProjection): LiveProjection {
  return {
    users: new Map([['u1', 'u1']]), cash: new Map(rebuilt.cash), holdings: new Map(rebuilt.holdings),
    orders: new Map([...rebuilt.orders].map(([id, row]) => [id, { ...row }])),
    ledger: rebuilt.ledger.map((e, i) => ({ ...e, entryId: i + 1 })),
    genesis: [{ userId: 'u1', openingCashCents: 10_000 }], leaderboards: new Map(),
  };
}

describe('compareProjections', () => {
  it('finds a faithful live projection equal, including a voided fill whose row says VOIDED', () => {
    const rebuilt = history();
    expect(rebuilt.discrepancies).toEqual([]);
    expect(rebuilt.orders.get('o2')).toMatchObject({ status: 'VOIDED', reason: 'VOIDED_LATE_EVENT', fillPriceCents: 100, cashAfterCents: 9_700, settledAt: T0 + 9 });
    expect(rebuilt.cash.get('u1')).toBe(9_700);
    expect(compareProjections(rebuilt, liveOf(rebuilt), sha256Hex)).toEqual([]);
  });

  it('names the account, the order and its field, and the missing ledger row with the broken chain', () => {
    const rebuilt = history();
    const live = liveOf(rebuilt);
    live.cash.set('u1', 9_701);
    live.orders.set('o2', { ...live.orders.get('o2')!, status: 'FILLED' });
    live.ledger.splice(1, 1);
    const kinds = compareProjections(rebuilt, live, sha256Hex).map((d) => [d.kind, d.subject]);
    expect(kinds).toEqual(expect.arrayContaining([
      ['ACCOUNT_CASH_MISMATCH', 'u1'], ['ORDER_ROW_MISMATCH', 'o2'], ['LEDGER_ROW_MISSING', 'u1#2'], ['CHAIN_SEQ_GAP', expect.stringMatching(/^u1#/)],
    ]));
  });

  it('re-hashes only the chains that differ, finding what re-hashing every chain finds', async () => {
    const rebuilt = history();
    const tampered: ((live: LiveProjection) => void)[] = [
      (live) => { live.ledger.splice(1, 1); },
      (live) => { live.ledger[2] = { ...live.ledger[2]!, amountCents: live.ledger[2]!.amountCents + 1 }; },
      (live) => { const [a, b] = [live.ledger[1]!, live.ledger[3]!]; live.ledger[1] = { ...b, chainSeq: a.chainSeq }; live.ledger[3] = { ...a, chainSeq: b.chainSeq }; },
      // Edited and the whole chain re-hashed to match: the chain is valid, the row still differs from the topics.
      (live) => {
        live.ledger[2] = { ...live.ledger[2]!, amountCents: live.ledger[2]!.amountCents + 1 };
        let previous = GENESIS_HASH;
        live.ledger = live.ledger.map((e) => { const hash = entryHash(previous, e, sha256Hex); previous = hash; return { ...e, hash }; });
      },
      (live) => { live.ledger.push({ ...live.ledger.at(-1)!, chainSeq: live.ledger.length + 1, entryId: 99, hash: 'f'.repeat(64) }); },
    ];
    for (const tamper of tampered) {
      const live = liveOf(rebuilt);
      tamper(live);
      const every = compareProjections(rebuilt, live, sha256Hex, { verifyEveryChain: true });
      expect(every.length).toBeGreaterThan(0);
      expect(compareProjections(rebuilt, live, sha256Hex)).toEqual(every);
      expect(await compareProjectionsYielding(rebuilt, live, sha256Hex)).toEqual(every);
    }
  });
});
