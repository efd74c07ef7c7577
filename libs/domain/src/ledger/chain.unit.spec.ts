import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalEntry, chainPostings, GENESIS_HASH, verifyChains, type ChainedEntry, type Sha256Hex } from './chain';
import { fillPostings, issuancePostings } from './postings';

/** A stand-in digest (pure code cannot reach node:crypto): any injective-enough function proves the chaining. */
const digest: Sha256Hex = (text) => {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 + text.charCodeAt(i), 2246822519) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(4);
};

function ledgerOf(users: number, fills: number): ChainedEntry[] {
  const postings = [];
  for (let u = 0; u < users; u++) postings.push(...issuancePostings(`issue:u${u}`, `u${u}`, 10_000).map((posting) => ({ userId: `u${u}`, posting })));
  for (let i = 0; i < fills; i++) {
    const userId = `u${i % users}`;
    postings.push(...fillPostings(`o${i}`, { userId, playerId: 'p1', side: 'BUY', valueCents: 100 + i }).map((posting) => ({ userId, posting })));
  }
  const { entries } = chainPostings(new Map(), postings, digest);
  return entries.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.chainSeq - b.chainSeq));
}

describe('ledger hash chain', () => {
  it('numbers each user\'s rows 1, 2, 3 and links the first to the genesis hash', () => {
    const { entries } = chainPostings(new Map(), issuancePostings('issue:a', 'a', 500).map((posting) => ({ userId: 'a', posting })), digest);
    expect(entries.map((e) => e.chainSeq)).toEqual([1, 2]);
    expect(entries[0]?.hash).toBe(digest(GENESIS_HASH + canonicalEntry(entries[0]!)));
    expect(entries[1]?.hash).toBe(digest(entries[0]!.hash + canonicalEntry(entries[1]!)));
  });

  it('continues a chain from its stored head', () => {
    const first = chainPostings(new Map(), issuancePostings('issue:a', 'a', 500).map((posting) => ({ userId: 'a', posting })), digest);
    const more = chainPostings(first.heads, fillPostings('o1', { userId: 'a', playerId: 'p', side: 'BUY', valueCents: 5 }).map((posting) => ({ userId: 'a', posting })), digest);
    expect(verifyChains([...first.entries, ...more.entries], digest)).toEqual([]);
  });

  it('length-prefixes fields so that shifting a separator changes the content', () => {
    const base = { userId: 'a', chainSeq: 1, account: 'cash:a', amountCents: 1 };
    expect(canonicalEntry({ ...base, transactionId: 'x1:' })).not.toBe(canonicalEntry({ ...base, transactionId: 'x1' }));
    expect(canonicalEntry({ ...base, userId: 'é', transactionId: 't' })).toContain('2:é');
  });

  it('verifies an untouched ledger of any shape', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 30 }), (users, fills) => {
      expect(verifyChains(ledgerOf(users, fills), digest)).toEqual([]);
    }));
  });

  it('names the row when any amount, account or transaction is edited', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 41 }), fc.constantFrom('amountCents', 'account', 'transactionId'), (index, field) => {
      const ledger = ledgerOf(3, 20);
      const victim = ledger[index % ledger.length]!;
      const edited = ledger.map((e) => (e === victim ? { ...e, [field]: field === 'amountCents' ? e.amountCents + 1 : `${String(e[field])}x` } : e));
      expect(verifyChains(edited, digest)).toEqual([expect.objectContaining({ kind: 'HASH_MISMATCH', userId: victim.userId, chainSeq: victim.chainSeq })]);
    }));
  });

  it('detects a deleted row as a gap in the chain', () => {
    const ledger = ledgerOf(2, 6);
    const victim = ledger[3]!;
    expect(verifyChains(ledger.filter((e) => e !== victim), digest)).toEqual([expect.objectContaining({ kind: 'SEQ_GAP', userId: victim.userId, chainSeq: victim.chainSeq + 1 })]);
  });

  it('detects two rows swapped within a chain', () => {
    const ledger = ledgerOf(1, 4);
    const [a, b] = [ledger[2]!, ledger[4]!];
    const swapped = ledger.map((e) => (e === a ? { ...b, chainSeq: a.chainSeq } : e === b ? { ...a, chainSeq: b.chainSeq } : e));
    expect(verifyChains(swapped, digest)).toEqual([expect.objectContaining({ kind: 'HASH_MISMATCH', chainSeq: a.chainSeq })]);
  });

  it('detects a row moved to another user\'s chain even with its hash', () => {
    const ledger = ledgerOf(2, 4);
    const moved = ledger.map((e, i) => (i === 0 ? { ...e, userId: 'u1' } : e)).sort((a, b) => a.userId.localeCompare(b.userId) || a.chainSeq - b.chainSeq);
    expect(verifyChains(moved, digest).length).toBeGreaterThan(0);
  });
});
