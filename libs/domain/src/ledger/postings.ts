// Double-entry ledger postings for cash. Every transaction's postings sum to
// zero (debits = credits), asserted here in production code. Convention: a
// positive amount is a debit, a negative one a credit. A user's cash account
// is an asset, so its balance (sum of its postings) is the user's cash.
import { invariant } from '../invariant';

export interface Posting {
  transactionId: string;
  account: string;
  amountCents: number;
}

export const ISSUANCE_ACCOUNT = 'issuance';

export function cashAccount(userId: string): string {
  return `cash:${userId}`;
}

/** The market of one player: the counterparty of every buy and sell of his shares. */
export function marketAccount(playerId: string): string {
  return `market:${playerId}`;
}

/** Cash given to a new user: debit their cash, credit issuance. */
export function issuancePostings(transactionId: string, userId: string, cashCents: number): Posting[] {
  return balanced([
    { transactionId, account: cashAccount(userId), amountCents: cashCents },
    { transactionId, account: ISSUANCE_ACCOUNT, amountCents: -cashCents },
  ]);
}

/** A fill: a buy pays `valueCents` from the user's cash to the market; a sell the reverse. */
export function fillPostings(transactionId: string, fill: { userId: string; playerId: string; side: 'BUY' | 'SELL'; valueCents: number }): Posting[] {
  invariant(Number.isSafeInteger(fill.valueCents) && fill.valueCents > 0, () => `fill value must be positive integer cents, got ${fill.valueCents}`);
  const toMarket = fill.side === 'BUY' ? fill.valueCents : -fill.valueCents;
  return balanced([
    { transactionId, account: marketAccount(fill.playerId), amountCents: toMarket },
    { transactionId, account: cashAccount(fill.userId), amountCents: -toMarket },
  ]);
}

/** Per transaction, the sum of its postings (0 for a balanced ledger); only the unbalanced ones. */
export function unbalancedTransactions(postings: readonly Posting[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const p of postings) sums.set(p.transactionId, (sums.get(p.transactionId) ?? 0) + p.amountCents);
  return new Map([...sums].filter(([, sum]) => sum !== 0));
}

/** Asserts that every transaction balances and every amount is integer cents; returns the postings. */
export function balanced(postings: Posting[]): Posting[] {
  for (const p of postings) invariant(Number.isSafeInteger(p.amountCents), () => `posting ${p.account} is not integer cents: ${p.amountCents}`);
  const off = unbalancedTransactions(postings);
  invariant(off.size === 0, () => `debits != credits in ${[...off].map(([t, s]) => `${t} (off by ${s})`).join(', ')}`);
  return postings;
}

/** Balance of each account. */
export function accountBalances(postings: readonly Posting[]): Map<string, number> {
  const balances = new Map<string, number>();
  for (const p of postings) balances.set(p.account, (balances.get(p.account) ?? 0) + p.amountCents);
  return balances;
}
