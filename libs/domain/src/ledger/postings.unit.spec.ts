import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accountBalances, balanced, fillPostings, issuancePostings, unbalancedTransactions } from './postings';

describe('ledger postings', () => {
  it('issues cash to a user against the issuance account', () => {
    expect(accountBalances(issuancePostings('issue:u1', 'u1', 50_000))).toEqual(new Map([['cash:u1', 50_000], ['issuance', -50_000]]));
  });

  it('refuses, loudly, a transaction whose debits do not equal its credits', () => {
    expect(() => balanced([{ transactionId: 't', account: 'cash:u1', amountCents: 5 }])).toThrow(/debits != credits/);
    expect(() => balanced([{ transactionId: 't', account: 'a', amountCents: 0.5 }, { transactionId: 't', account: 'b', amountCents: -0.5 }])).toThrow(/integer cents/);
  });

  it('balances every fill, buy or sell, of any value', () => {
    fc.assert(fc.property(fc.constantFrom('BUY' as const, 'SELL' as const), fc.integer({ min: 1, max: 2 ** 40 }), (side, valueCents) => {
      expect(unbalancedTransactions(fillPostings('o1', { userId: 'u1', playerId: 'p1', side, valueCents })).size).toBe(0);
    }));
  });
});
