import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrderResult } from '@inplay/contracts';
import { accountBalances, cashAccount, fillPostings, issuancePostings, type Posting } from '../ledger/postings';
import { applyResult, applyTick, initialStandings, matchBoard, matchBoardId, openAccount, overallBoard, parseBoardId } from './standings';

const PLAYERS = [{ playerId: 'p1', matchId: 'm1' }, { playerId: 'p2', matchId: 'm1' }, { playerId: 'p3', matchId: 'm2' }];
const M1 = new Set(['p1', 'p2']);

type Step =
  | { kind: 'open'; user: number; cashCents: number }
  | { kind: 'order'; user: number; player: number; side: 'BUY' | 'SELL'; quantity: number }
  | { kind: 'tick'; player: number; priceCents: number }
  | { kind: 'redeliver'; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), user: fc.integer({ min: 0, max: 5 }), cashCents: fc.integer({ min: 0, max: 5_000 }) }),
  fc.record({ kind: fc.constant('order' as const), user: fc.integer({ min: 0, max: 5 }), player: fc.integer({ min: 0, max: 2 }), side: fc.constantFrom('BUY' as const, 'SELL' as const), quantity: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('tick' as const), player: fc.integer({ min: 0, max: 2 }), priceCents: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('redeliver' as const), index: fc.nat() }),
);

/** Ranks by brute force: value from the ledger's cash postings and the fills' shares, rank = 1 + users strictly ahead. */
function bruteRanks(values: Map<string, number>): { rank: number; userId: string; valueCents: number }[] {
  const all = [...values].map(([userId, valueCents]) => ({ userId, valueCents }));
  return all
    .map((e) => ({ rank: 1 + all.filter((o) => o.valueCents > e.valueCents).length, ...e }))
    .sort((a, b) => a.rank - b.rank || (a.userId < b.userId ? -1 : 1));
}

describe('leaderboard standings', () => {
  it('ranks exactly as a brute-force recomputation from the ledger and the latest prices, after every step', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const state = initialStandings();
      const ledger: Posting[] = [];
      const fills: { userId: string; playerId: string; side: 'BUY' | 'SELL'; quantity: number; valueCents: number }[] = [];
      const prices = new Map<string, number>();
      const results: OrderResult[] = [];
      const users = new Set<string>();
      let seq = 0;
      for (const s of steps) {
        if (s.kind === 'open') {
          const userId = `u${s.user}`;
          if (!users.has(userId)) { users.add(userId); ledger.push(...issuancePostings(`issue:${userId}`, userId, s.cashCents)); }
          openAccount(state, userId, s.cashCents);
        } else if (s.kind === 'tick') {
          const { playerId, matchId } = PLAYERS[s.player]!;
          prices.set(playerId, s.priceCents);
          applyTick(state, { playerId, matchId, seq: ++seq, priceCents: s.priceCents });
        } else if (s.kind === 'redeliver') {
          if (results.length > 0) applyResult(state, results[s.index % results.length]!);
        } else {
          const userId = `u${s.user}`;
          const { playerId } = PLAYERS[s.player]!;
          const price = prices.get(playerId);
          if (!users.has(userId) || price === undefined) continue;
          const cash = accountBalances(ledger).get(cashAccount(userId)) ?? 0;
          const held = fills.filter((f) => f.userId === userId && f.playerId === playerId).reduce((q, f) => q + (f.side === 'BUY' ? f.quantity : -f.quantity), 0);
          const valueCents = s.quantity * price;
          const filled = s.side === 'BUY' ? cash >= valueCents : held >= s.quantity;
          const orderId = `o${results.length}`;
          if (filled) { ledger.push(...fillPostings(orderId, { userId, playerId, side: s.side, valueCents })); fills.push({ userId, playerId, side: s.side, quantity: s.quantity, valueCents }); }
          const cashAfter = accountBalances(ledger).get(cashAccount(userId)) ?? 0;
          const result: OrderResult = {
            orderId, userId, idempotencyKey: orderId, playerId, side: s.side, quantity: s.quantity, status: filled ? 'FILLED' : 'REJECTED',
            reason: filled ? null : 'INSUFFICIENT_FUNDS', fillPriceCents: filled ? price : null, tickSeq: filled ? seq : null, costCents: filled ? valueCents : null,
            retryAfterMs: null, cashAfterCents: cashAfter, placedAt: 0, settledAt: 0,
          };
          results.push(result);
          applyResult(state, result);
        }
        const balances = accountBalances(ledger);
        const overall = new Map([...users].map((u) => [u, (balances.get(cashAccount(u)) ?? 0)
          + fills.filter((f) => f.userId === u).reduce((v, f) => v + (f.side === 'BUY' ? 1 : -1) * f.quantity * (prices.get(f.playerId) ?? 0), 0)]));
        expect(overallBoard(state).entries).toEqual(bruteRanks(overall));
        const inMatch = fills.filter((f) => M1.has(f.playerId));
        const pnl = new Map([...new Set(inMatch.map((f) => f.userId))].map((u) => [u, inMatch.filter((f) => f.userId === u)
          .reduce((v, f) => v + (f.side === 'BUY' ? 1 : -1) * (f.quantity * (prices.get(f.playerId) ?? 0) - f.valueCents), 0)]));
        expect(matchBoard(state, 'm1', M1).entries).toEqual(bruteRanks(pnl));
      }
    }), { numRuns: 200 });
  });

  it('keeps average cost on partial sales and realises the difference', () => {
    const state = initialStandings();
    openAccount(state, 'a', 10_000);
    const base = { userId: 'a', idempotencyKey: 'k', playerId: 'p1', status: 'FILLED' as const, reason: null, tickSeq: 1, retryAfterMs: null, cashAfterCents: null, placedAt: 0, settledAt: 0 };
    applyResult(state, { ...base, orderId: 'b1', side: 'BUY', quantity: 3, fillPriceCents: 100, costCents: 300 });
    applyResult(state, { ...base, orderId: 'b2', side: 'BUY', quantity: 1, fillPriceCents: 200, costCents: 200 });
    applyResult(state, { ...base, orderId: 's1', side: 'SELL', quantity: 2, fillPriceCents: 150, costCents: 300 });
    expect(state.users.get('a')?.positions.get('p1')).toEqual({ quantity: 2, costBasisCents: 250, realisedPnlCents: 50, boughtCents: 500, soldCents: 300 });
    expect(state.users.get('a')?.cashCents).toBe(9_800);
  });

  it('names boards overall and match:<id> and refuses any other name', () => {
    expect(parseBoardId('overall')).toEqual({ kind: 'overall' });
    expect(parseBoardId(matchBoardId('m7'))).toEqual({ kind: 'match', matchId: 'm7' });
    expect(parseBoardId('weekly')).toBeNull();
  });
});
