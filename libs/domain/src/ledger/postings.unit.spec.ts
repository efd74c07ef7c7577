import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accountBalances, balanced, fillPostings, issuancePostings } from './postings';

describe('ledger postings', () => {
  it('issues cash to a user against the issuance account', () => {
    expect(accountBalances(issuancePostings('issue:u1', 'u1', 50_000))).toEqual(new Map([['cash:u1', 50_000], ['issuance', -50_000]]));
  });

  it('refuses, loudly, a transaction whose debits do not equal its credits', () => {
    expect(() => balanced([{ transactionId: 't', account: 'cash:u1', amountCents: 5 }])).toThrow(/debits != credits/);
    expect(() => balanced([{ transactionId: 't', account: 'a', amountCents: 0.5 }, { transactionId: 't', account: 'b', amountCents: -0.5 }])).toThrow(/integer cents/);
  });

  it('balances every fill, buy or sell, of any value: a buy moves exactly its value from the user\'s cash to the market, a sell back', () => {
    fc.assert(fc.property(fc.constantFrom('BUY' as const, 'SELL' as const), fc.integer({ min: 1, max: 2 ** 40 }), (side, valueCents) => {
      const postings = fillPostings('o1', { userId: 'u1', playerId: 'p1', side, valueCents });
      // Written out, not recomputed with the code under test: debit +, credit −.
      const expected = side === 'BUY'
        ? [{ transactionId: 'o1', account: 'market:p1', amountCents: valueCents }, { transactionId: 'o1', account: 'cash:u1', amountCents: -valueCents }]
        : [{ transactionId: 'o1', account: 'market:p1', amountCents: -valueCents }, { transactionId: 'o1', account: 'cash:u1', amountCents: valueCents }];
      expect(postings).toEqual(expected);
      expect(postings.reduce((sum, p) => sum + p.amountCents, 0)).toBe(0);
    }));
  });

  it('refuses a fill of no value or of fractional cents', () => {
    expect(() => fillPostings('o1', { userId: 'u1', playerId: 'p1', side: 'BUY', valueCents: 0 })).toThrow(/positive integer cents/);
    expect(() => fillPostings('o1', { userId: 'u1', playerId: 'p1', side: 'SELL', valueCents: 10.5 })).toThrow(/positive integer cents/);
  });
});
